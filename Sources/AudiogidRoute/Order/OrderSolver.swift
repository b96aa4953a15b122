/// How an order was found.
public enum OrderMethod: String, Sendable, Equatable, Codable {
    /// The author's order, kept as written.
    case fixed
    /// Held–Karp dynamic programming: the proven optimum.
    case exact = "held-karp"
    /// Iterated 2-opt / Or-opt local search: near-optimal, not proven.
    case heuristic = "local-search"
    /// Boat trips: sorted by distance along the river.
    case chainage
}

/// The order in which to visit places, and what it costs.
public struct OrderSolution: Sendable, Equatable {
    /// Indices into the matrix, in visiting order. A closed tour does not repeat its first place at the end.
    public var order: [Int]
    /// Sum of the costs along `order` (and back to the start when closed).
    public var cost: Double
    public var method: OrderMethod
    public var isOptimal: Bool { method == .exact }
    /// Kicks the local search made (0 for the exact solver).
    public var kicks: Int
}

/// Finds the cheapest order to visit every place of a cost matrix: a closed tour (`loop`), or an open path
/// with a fixed start and/or end. Exact (Held–Karp) up to `exactLimit` places, iterated local search beyond.
///
/// Open paths become closed tours with one extra "dummy" place (../shared/REFERENCE.md): free ends cost 0 to
/// and from it; a fixed start is the only place the dummy leads to at cost 0, a fixed end the only one that
/// leads to it at cost 0; everything else costs a penalty M larger than any tour, so every optimal closed tour
/// cut at the dummy is an optimal path honouring the constraints.
public struct OrderSolver: Sendable {
    /// Places up to which the proven optimum is computed (about 20 ms at 16 in a release build).
    public var exactLimit: Int
    /// Kicks of the local search; nil chooses from the size (see `defaultKicks`).
    public var kicks: Int?
    /// Stop improving after this long, whatever the kick budget; the result is still a valid tour.
    public var timeLimit: Duration
    public var seed: UInt64

    public init(exactLimit: Int = 16, kicks: Int? = nil, timeLimit: Duration = .seconds(10), seed: UInt64 = 0xA0D1_0617) {
        self.exactLimit = min(exactLimit, HeldKarp.maxNodes - 1)
        self.kicks = kicks
        self.timeLimit = timeLimit
        self.seed = seed
    }

    /// The kick budget used when none is given: enough for about 1 % above the optimum on TSPLIB instances,
    /// sized so a release build stays under a second up to ~500 places and two seconds at 1,000.
    public static func defaultKicks(for count: Int) -> Int {
        switch count {
        case ..<600: max(50_000, 80 * count)
        default: 100 * count
        }
    }

    /// The shortest closed tour through all places, starting at place 0.
    public func shortestCycle(_ matrix: CostMatrix) -> OrderSolution {
        let n = matrix.count
        if n <= 2 {
            let order = Array(0..<n)
            return OrderSolution(order: order, cost: matrix.cost(of: order, closed: true), method: .exact, kicks: 0)
        }
        if n <= exactLimit + 1 && n <= HeldKarp.maxNodes {
            let order = HeldKarp.shortestCycle(matrix)
            return OrderSolution(order: order, cost: matrix.cost(of: order, closed: true), method: .exact, kicks: 0)
        }
        if n < 5 {
            // Too small for the local search's moves but above the exact limit only if exactLimit < 4.
            let order = HeldKarp.shortestCycle(matrix)
            return OrderSolution(order: order, cost: matrix.cost(of: order, closed: true), method: .exact, kicks: 0)
        }
        let deadline = ContinuousClock.now.advanced(by: timeLimit)
        var (order, kicks) = LocalSearch.shortestCycle(matrix, kicks: kicks ?? Self.defaultKicks(for: n),
                                                       deadline: deadline, seed: seed)
        if let zero = order.firstIndex(of: 0) { order = Array(order[zero...] + order[..<zero]) }
        return OrderSolution(order: order, cost: matrix.cost(of: order, closed: true), method: .heuristic, kicks: kicks)
    }

    /// The cheapest order honouring `start`, `end` and `loop` (indices into `matrix`).
    /// A loop starts (and ends) at `start`, or at `end` if only that is given, or at place 0.
    public func solve(_ matrix: CostMatrix, start: Int? = nil, end: Int? = nil, loop: Bool) throws(OrderError) -> OrderSolution {
        let n = matrix.count
        for (name, index) in [("start", start), ("end", end)] {
            if let index, !(0..<n).contains(index) { throw OrderError("\(name) \(index) is not one of the \(n) places") }
        }
        if loop || (start != nil && start == end && n > 1) {
            if let start, let end, start != end {
                throw OrderError("a loop ends where it starts: start and end must be the same place")
            }
            var solution = shortestCycle(matrix)
            let first = start ?? end ?? 0
            if let at = solution.order.firstIndex(of: first) {
                solution.order = Array(solution.order[at...] + solution.order[..<at])
            }
            return solution
        }
        if n <= 2 {
            var order = Array(0..<n)
            if let start, order.first != start { order.reverse() }
            if let end, order.last != end { order.reverse() }
            if let start, let end, start == end, n == 2 { throw OrderError("an open path of two places cannot start and end at the same one") }
            return OrderSolution(order: order, cost: matrix.cost(of: order, closed: false), method: .exact, kicks: 0)
        }
        let symmetric = matrix.isSymmetric
        let augmented = withDummy(matrix, start: start, end: end, symmetric: symmetric)
        let cycle = shortestCycle(augmented)
        let dummy = n
        let at = cycle.order.firstIndex(of: dummy)!
        var path = Array(cycle.order[(at + 1)...] + cycle.order[..<at])
        if symmetric {
            if let start, path.first != start { path.reverse() }
            else if start == nil, let end, path.last != end { path.reverse() }
        }
        // A heuristic could in principle leave a penalty edge in place; move the pinned ends where they belong
        // rather than return a path that breaks the author's wishes.
        if let start, path.first != start { path.removeAll { $0 == start }; path.insert(start, at: 0) }
        if let end, path.last != end { path.removeAll { $0 == end }; path.append(end) }
        return OrderSolution(order: path, cost: matrix.cost(of: path, closed: false),
                             method: cycle.method, kicks: cycle.kicks)
    }

    /// The matrix with one more place, the dummy, whose costs encode the open path's ends.
    private func withDummy(_ matrix: CostMatrix, start: Int?, end: Int?, symmetric: Bool) -> CostMatrix {
        let n = matrix.count
        let largest = matrix.values.max() ?? 0
        let penalty = largest * Double(n + 1) + 1
        var augmented = CostMatrix(count: n + 1) { i, j in
            i < n && j < n ? matrix[i, j] : 0
        }
        for i in 0..<n {
            if symmetric {
                // One dummy edge must reach each pinned end; with only one end pinned the other dummy edge
                // costs the penalty whatever it touches, a constant that does not change which tour is best.
                let pinned = [start, end].compactMap { $0 }
                let cost = pinned.isEmpty || pinned.contains(i) ? 0 : penalty
                augmented[n, i] = cost
                augmented[i, n] = cost
            } else {
                augmented[n, i] = start == nil || start == i ? 0 : penalty   // dummy → first place
                augmented[i, n] = end == nil || end == i ? 0 : penalty       // last place → dummy
            }
        }
        return augmented
    }
}
