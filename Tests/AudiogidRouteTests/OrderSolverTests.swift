import AudiogidCore
import Foundation
import Testing
@testable import AudiogidRoute

/// Random matrices from a seeded generator, so a failure can be replayed.
func randomMatrix(_ n: Int, seed: UInt64, symmetric: Bool) -> CostMatrix {
    var rng = SplitMix64(seed: seed)
    let points = (0..<n).map { _ in (Double(rng.next() % 10_000), Double(rng.next() % 10_000), Double(rng.next() % 300)) }
    return CostMatrix(count: n) { i, j in
        let (a, b) = (points[i], points[j])
        let flat = ((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1)).squareRoot()
        // Asymmetric like walking: climbing costs extra, descending a little less.
        return symmetric ? flat : flat + max(0, b.2 - a.2) * 8 + max(0, a.2 - b.2) * 1
    }
}

/// Every order honouring the constraints, the slow way: all permutations, walked by swapping in place with the
/// cost summed along the way. A given start is fixed first and a given end only at the last place, rather than
/// filtered out of all n! orders; a loop costs the same from any of its places, so one without a start begins at 0.
func bruteForce(_ m: CostMatrix, start: Int?, end: Int?, loop: Bool) -> Double {
    let n = m.count
    var order = Array(0..<n)
    var best = Double.infinity
    let first = start ?? (loop ? 0 : nil)
    if let first { order.swapAt(0, first) }
    let last = loop ? nil : end
    func extend(_ depth: Int, _ cost: Double) {
        if depth == n {
            best = min(best, loop ? cost + m[order[n - 1], order[0]] : cost)
            return
        }
        for i in depth..<n {
            order.swapAt(depth, i)
            // The end goes last and nowhere else.
            if (order[depth] == last) == (depth == n - 1) || last == nil {
                extend(depth + 1, depth == 0 ? 0 : cost + m[order[depth - 1], order[depth]])
            }
            order.swapAt(depth, i)
        }
    }
    if n > 0 { extend(first == nil ? 0 : 1, 0) }
    return best
}

@Suite(.timeLimit(.minutes(3))) struct OrderSolverTests {
    @Test(arguments: [true, false])
    func heldKarpMatchesBruteForceOnRandomSmallInstances(symmetric: Bool) throws {
        for seed in 1...12 as ClosedRange<UInt64> {
            let n = 4 + Int(seed % 5)   // 4...8 places
            let m = randomMatrix(n, seed: seed, symmetric: symmetric)
            for (start, end, loop) in [(nil, nil, true), (0, nil, true), (nil, nil, false), (1, nil, false),
                                       (nil, 2, false), (1, 3, false)] as [(Int?, Int?, Bool)] {
                let solution = try OrderSolver().solve(m, start: start, end: end, loop: loop)
                #expect(solution.method == .exact)
                let expected = bruteForce(m, start: start, end: end, loop: loop)
                #expect(abs(solution.cost - expected) < 1e-6,
                        "n=\(n) seed=\(seed) start=\(String(describing: start)) end=\(String(describing: end)) loop=\(loop)")
                #expect(solution.order.sorted() == Array(0..<n))
                if let start { #expect(solution.order.first == start) }
                if let end, !loop { #expect(solution.order.last == end) }
            }
        }
    }

    @Test func constraintsAreHonouredByTheHeuristicToo() throws {
        // exactLimit 0 forces the local search even on small instances.
        for symmetric in [true, false] {
            for seed in 1...6 as ClosedRange<UInt64> {
                let n = 20 + Int(seed) * 7
                let m = randomMatrix(n, seed: seed * 31, symmetric: symmetric)
                let solver = OrderSolver(exactLimit: 0, kicks: 300)
                let s = Int(seed) % n, t = (Int(seed) * 5 + 3) % n
                let loop = try solver.solve(m, start: s, loop: true)
                #expect(loop.order.first == s && loop.order.count == n && Set(loop.order).count == n)
                let fromStart = try solver.solve(m, start: s, loop: false)
                #expect(fromStart.order.first == s && Set(fromStart.order).count == n)
                let toEnd = try solver.solve(m, end: t, loop: false)
                #expect(toEnd.order.last == t && Set(toEnd.order).count == n)
                let both = try solver.solve(m, start: s, end: t, loop: false)
                #expect(both.order.first == s && both.order.last == t && Set(both.order).count == n)
                #expect(abs(both.cost - m.cost(of: both.order, closed: false)) < 1e-6)
            }
        }
    }

    @Test func heuristicFindsTheOptimumOfSmallInstancesHeldKarpCanCheck() {
        // 14 places: Held–Karp gives the optimum; the local search, run alone, should reach it.
        for seed in 1...5 as ClosedRange<UInt64> {
            let m = randomMatrix(14, seed: seed * 7, symmetric: seed % 2 == 0)
            let exact = OrderSolver().shortestCycle(m)
            let heuristic = OrderSolver(exactLimit: 0, kicks: 2_000).shortestCycle(m)
            #expect(exact.method == .exact && heuristic.method == .heuristic)
            #expect(heuristic.cost <= exact.cost * 1.001)
            #expect(heuristic.cost >= exact.cost - 1e-6)
        }
    }

    @Test func sameInputGivesTheSameOrder() {
        let m = randomMatrix(120, seed: 99, symmetric: true)
        let a = OrderSolver(kicks: 2_000).shortestCycle(m)
        let b = OrderSolver(kicks: 2_000).shortestCycle(m)
        #expect(a.order == b.order)
    }

    @Test func contradictoryConstraintsAreRejected() {
        let m = randomMatrix(6, seed: 3, symmetric: true)
        #expect(throws: OrderError.self) { try OrderSolver().solve(m, start: 1, end: 2, loop: true) }
        #expect(throws: OrderError.self) { try OrderSolver().solve(m, start: 9, loop: false) }
        #expect(throws: OrderError.self) { try CostMatrix(count: 2, values: [0, 1, .nan, 0]) }
        #expect(throws: OrderError.self) { try CostMatrix(count: 3, values: [0, 1]) }
    }

    @Test func tinyInputsNeedNoSearch() throws {
        let one = try CostMatrix(count: 1, values: [0])
        #expect(try OrderSolver().solve(one, loop: false).order == [0])
        let two = try CostMatrix(count: 2, values: [0, 5, 7, 0])
        #expect(try OrderSolver().solve(two, start: 1, loop: false).order == [1, 0])
        #expect(try OrderSolver().solve(two, end: 1, loop: false).order == [0, 1])
    }
}

@Suite(.timeLimit(.minutes(3))) struct TSPLIBTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Benchmarks/RouteBenchmark/tsplib")

    func load(_ name: String) throws -> (TSPLIBInstance, [Int]) {
        let tsp = try TSPLIBInstance(text: String(contentsOf: Self.folder.appendingPathComponent("\(name).tsp"), encoding: .utf8))
        let tour = try TSPLIBInstance.tour(text: String(contentsOf: Self.folder.appendingPathComponent("\(name).opt.tour"), encoding: .utf8))
        return (tsp, tour)
    }

    @Test(arguments: [("eil51", 426.0), ("berlin52", 7542), ("gr96", 55209), ("gr202", 40160)])
    func publishedOptimalToursHaveThePublishedLength(name: String, optimum: Double) throws {
        // GEO instances only come out right with the degrees truncated, not rounded.
        let (tsp, tour) = try load(name)
        #expect(tour.count == tsp.count)
        #expect(tsp.matrix.cost(of: tour, closed: true) == optimum)
    }

    @Test func geoDegreesAreTruncatedNotRounded() {
        // 14.55 means 14° 55′, i.e. 14.9167°; rounding the degrees would read 15° + 55′.
        #expect(abs(TSPLIBInstance.geoRadians(14.55) - 3.141592 * (14 + 55.0 / 60) / 180) < 1e-12)
        #expect(abs(TSPLIBInstance.geoRadians(-23.31) - 3.141592 * (-23 - 31.0 / 60) / 180) < 1e-12)
    }

    @Test func localSearchGetsWithinTwoPercentOnEil51() throws {
        let (tsp, _) = try load("eil51")
        let solution = OrderSolver(kicks: 5_000).shortestCycle(tsp.matrix)
        #expect(solution.cost <= 426 * 1.02)
        #expect(solution.cost >= 426)
    }

    @Test func unsupportedInstancesAreAClearError() {
        #expect(throws: OrderError.self) { try TSPLIBInstance(text: "NAME: x\nEDGE_WEIGHT_TYPE: EXPLICIT\nDIMENSION: 3\n") }
        #expect(throws: OrderError.self) {
            try TSPLIBInstance(text: "EDGE_WEIGHT_TYPE: EUC_2D\nDIMENSION: 3\nNODE_COORD_SECTION\n1 0 0\n2 1 1\nEOF\n")
        }
    }
}
