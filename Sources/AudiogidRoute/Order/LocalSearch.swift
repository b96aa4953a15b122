import AudiogidCore
/// Iterated local search for the shortest closed tour on any cost matrix (symmetric or not).
///
/// Nearest-neighbour construction, then 2-opt and Or-opt (segments of 1–3 places moved, either way round)
/// driven by K-nearest neighbour lists and a queue of "dirty" places (don't-look bits), so one pass costs
/// about O(n·K) rather than O(n²). Then, until the iteration budget or the deadline: a local double-bridge kick
/// (two adjacent short segments swapped: the move 2-opt and Or-opt cannot undo), re-optimise around the kick,
/// keep the result if it is no longer, otherwise restore. The random numbers come from a fixed seed, so the
/// same input and budget give the same tour.
///
/// The arrays are raw buffers owned by this class: the inner loops run millions of times and Swift's
/// copy-on-write and exclusivity checks on class-held arrays would cost more than the arithmetic.
final class LocalSearch {
    let n: Int
    let symmetric: Bool
    /// Borrowed from the caller's matrix for the duration of `shortestCycle` (never copied: at 5,000 places
    /// the matrix alone is 200 MB).
    private let cost: UnsafePointer<Double>
    private let neighbourCount: Int
    private let neighbours: UnsafeMutablePointer<Int32>
    private let tour: UnsafeMutablePointer<Int>
    private let position: UnsafeMutablePointer<Int>
    private let savedTour: UnsafeMutablePointer<Int>
    private let queue: UnsafeMutablePointer<Int>
    private let queued: UnsafeMutablePointer<Bool>
    private var queueHead = 0
    private var queueCount = 0
    // Prefix sums of the tour's edges read forwards and backwards; only kept for asymmetric matrices,
    // where reversing a stretch of the tour changes its cost.
    private let forward: UnsafeMutablePointer<Double>
    private let backward: UnsafeMutablePointer<Double>
    private var rng: SplitMix64
    /// Length of the current tour, kept up to date move by move.
    private(set) var length = 0.0
    private let epsilon: Double

    /// The shortest closed tour the search finds within `kicks` kicks or by `deadline`, and the kicks made.
    static func shortestCycle(_ matrix: CostMatrix, kicks: Int, deadline: ContinuousClock.Instant,
                              seed: UInt64) -> (order: [Int], kicks: Int) {
        let symmetric = matrix.isSymmetric
        let largest = matrix.values.max() ?? 0
        return matrix.values.withUnsafeBufferPointer { values in
            let search = LocalSearch(cost: values.baseAddress!, count: matrix.count, symmetric: symmetric,
                                     largest: largest, seed: seed)
            return search.run(from: search.nearestNeighbourTour(), iterations: kicks, deadline: deadline)
        }
    }

    private init(cost: UnsafePointer<Double>, count: Int, symmetric: Bool, largest: Double, neighbourCount: Int = 10, seed: UInt64) {
        n = count
        precondition(n >= 5, "local search needs at least 5 places")
        self.symmetric = symmetric
        self.cost = cost
        self.neighbourCount = min(neighbourCount, n - 1)
        neighbours = .allocate(capacity: n * self.neighbourCount)
        tour = .allocate(capacity: n)
        position = .allocate(capacity: n)
        savedTour = .allocate(capacity: n)
        queue = .allocate(capacity: n)
        queued = .allocate(capacity: n)
        queued.initialize(repeating: false, count: n)
        forward = .allocate(capacity: n + 1)
        backward = .allocate(capacity: n + 1)
        rng = SplitMix64(seed: seed ^ UInt64(n))
        epsilon = max(1e-9, largest * 1e-12)
        buildNeighbourLists()
    }

    deinit {
        neighbours.deallocate(); tour.deallocate(); position.deallocate()
        savedTour.deallocate(); queue.deallocate(); queued.deallocate(); forward.deallocate(); backward.deallocate()
    }

    @inline(__always) private func d(_ a: Int, _ b: Int) -> Double { cost[a &* n &+ b] }
    @inline(__always) private func next(_ a: Int) -> Int { let p = position[a] &+ 1; return tour[p == n ? 0 : p] }
    @inline(__always) private func previous(_ a: Int) -> Int { let p = position[a]; return tour[p == 0 ? n &- 1 : p &- 1] }
    @inline(__always) private func wrap(_ p: Int) -> Int { p >= n ? p &- n : (p < 0 ? p &+ n : p) }

    /// The K cheapest places to go to from each place, cheapest first.
    private func buildNeighbourLists() {
        let k = neighbourCount
        var bestCost = [Double](repeating: 0, count: k)
        var bestIndex = [Int32](repeating: 0, count: k)
        for i in 0..<n {
            var filled = 0
            for j in 0..<n where j != i {
                let c = d(i, j)
                if filled == k && c >= bestCost[k - 1] { continue }
                var slot = filled == k ? k - 1 : filled
                if filled < k { filled += 1 }
                while slot > 0 && bestCost[slot - 1] > c {
                    bestCost[slot] = bestCost[slot - 1]; bestIndex[slot] = bestIndex[slot - 1]; slot -= 1
                }
                bestCost[slot] = c; bestIndex[slot] = Int32(j)
            }
            for s in 0..<k { neighbours[i * k + s] = bestIndex[s] }
        }
    }

    /// Nearest neighbour from place 0, looking in the neighbour list first and scanning everything only
    /// when all listed neighbours are taken.
    func nearestNeighbourTour() -> [Int] {
        var visited = [Bool](repeating: false, count: n)
        var order = [0]
        order.reserveCapacity(n)
        visited[0] = true
        var current = 0
        for _ in 1..<n {
            var chosen = -1
            for s in 0..<neighbourCount {
                let c = Int(neighbours[current * neighbourCount + s])
                if !visited[c] { chosen = c; break }
            }
            if chosen < 0 {
                var best = Double.infinity
                for j in 0..<n where !visited[j] && d(current, j) < best { best = d(current, j); chosen = j }
            }
            visited[chosen] = true
            order.append(chosen)
            current = chosen
        }
        return order
    }

    // MARK: Tour state

    private func load(_ order: [Int]) {
        for (p, city) in order.enumerated() { tour[p] = city; position[city] = p }
        length = 0
        for p in 0..<n { length += d(tour[p], tour[p == n - 1 ? 0 : p + 1]) }
        refreshPrefixSums()
    }

    var order: [Int] { (0..<n).map { tour[$0] } }

    private func refreshPrefixSums() {
        guard !symmetric else { return }
        forward[0] = 0; backward[0] = 0
        for p in 0..<n {
            let a = tour[p], b = tour[p == n - 1 ? 0 : p + 1]
            forward[p + 1] = forward[p] + d(a, b)
            backward[p + 1] = backward[p] + d(b, a)
        }
    }

    /// How much longer the stretch from position `i` forward to `j` gets when walked the other way.
    @inline(__always) private func reversalChange(_ i: Int, _ j: Int) -> Double {
        if symmetric { return 0 }
        if i <= j { return (backward[j] - backward[i]) - (forward[j] - forward[i]) }
        return (backward[n] - backward[i] + backward[j]) - (forward[n] - forward[i] + forward[j])
    }

    /// Reverses the tour from position `i` forward to `j`. On a symmetric matrix the shorter side is
    /// reversed instead (the same cycle, read the other way).
    private func reverse(_ i: Int, _ j: Int) {
        var from = i, to = j
        var count = wrap(j - i) + 1
        if symmetric && count * 2 > n {
            from = wrap(j + 1); to = wrap(i - 1); count = n - count
        }
        for _ in 0..<(count / 2) {
            let a = tour[from], b = tour[to]
            tour[from] = b; position[b] = from
            tour[to] = a; position[a] = to
            from = from == n - 1 ? 0 : from + 1
            to = to == 0 ? n - 1 : to - 1
        }
    }

    /// Moves the `count` places starting at position `start` to just after position `after`
    /// (which lies outside them), reversed or not, shifting whichever side of the cycle is shorter.
    private func moveSegment(start: Int, count: Int, after: Int, reversed: Bool) {
        var segment = (0, 0, 0)
        withUnsafeMutableBytes(of: &segment) { raw in
            let s = raw.bindMemory(to: Int.self)
            for t in 0..<count { s[reversed ? count - 1 - t : t] = tour[wrap(start + t)] }
            let between = wrap(after - (start + count)) + 1      // places from just after the segment to `after`
            let other = n - count - between                      // places from after `after` to just before the segment
            if between <= other {
                for t in 0..<between {
                    let city = tour[wrap(start + count + t)]
                    let p = wrap(start + t)
                    tour[p] = city; position[city] = p
                }
                for t in 0..<count { let p = wrap(start + between + t); tour[p] = s[t]; position[s[t]] = p }
            } else {
                var t = other - 1
                while t >= 0 {
                    let city = tour[wrap(after + 1 + t)]
                    let p = wrap(after + 1 + t + count)
                    tour[p] = city; position[city] = p
                    t -= 1
                }
                for t in 0..<count { let p = wrap(after + 1 + t); tour[p] = s[t]; position[s[t]] = p }
            }
        }
    }

    private func push(_ city: Int) {
        guard !queued[city] else { return }
        queued[city] = true
        queue[wrap(queueHead + queueCount)] = city
        queueCount += 1
    }

    private func pop() -> Int? {
        guard queueCount > 0 else { return nil }
        let city = queue[queueHead]
        queueHead = queueHead == n - 1 ? 0 : queueHead + 1
        queueCount -= 1
        queued[city] = false
        return city
    }

    // MARK: Moves

    private func applied(_ delta: Double, touching cities: Int...) -> Bool {
        length += delta
        refreshPrefixSums()
        for c in cities { push(c) }
        return true
    }

    /// One improving 2-opt or Or-opt move around `a`, if there is one.
    private func improve(_ a: Int) -> Bool {
        let k = neighbourCount
        let list = neighbours + a * k
        // 2-opt, new edge a→c replacing a→next(a).
        do {
            let b = next(a)
            let ab = d(a, b)
            for s in 0..<k {
                let c = Int(list[s])
                let ac = d(a, c)
                if ac >= ab { break }
                let e = next(c)
                if c == b || e == a { continue }
                let delta = ac + d(b, e) - ab - d(c, e) + reversalChange(position[b], position[c])
                if delta < -epsilon {
                    reverse(position[b], position[c])
                    return applied(delta, touching: a, b, c, e)
                }
            }
        }
        // 2-opt, new edge a→c replacing previous(a)→a.
        do {
            let b = previous(a)
            let ba = d(b, a)
            for s in 0..<k {
                let c = Int(list[s])
                let ac = d(a, c)
                if ac >= ba { break }
                let e = previous(c)
                if c == b || e == a { continue }
                let delta = d(b, e) + ac - ba - d(e, c) + reversalChange(position[a], position[e])
                if delta < -epsilon {
                    reverse(position[a], position[e])
                    return applied(delta, touching: a, b, c, e)
                }
            }
        }
        // Or-opt: move a segment of 1–3 places that starts or ends at `a`.
        for count in 1...3 where n >= count + 3 {
            for first in (count == 1 ? [a] : [a, tour[wrap(position[a] - count + 1)]]) {
                if orOpt(first: first, count: count) { return true }
            }
        }
        return false
    }

    private func orOpt(first s1: Int, count: Int) -> Bool {
        let start = position[s1]
        let sL = tour[wrap(start + count - 1)]
        let p = previous(s1), q = next(sL)
        let removed = d(p, s1) + d(sL, q) - d(p, q)
        if removed <= epsilon { return false }
        var inside = 0.0   // extra cost of walking the segment backwards
        if !symmetric && count > 1 {
            for t in 0..<(count - 1) {
                let x = tour[wrap(start + t)], y = tour[wrap(start + t + 1)]
                inside += d(y, x) - d(x, y)
            }
        }
        @inline(__always) func outside(_ x: Int) -> Bool { wrap(position[x] - start) >= count }
        let k = neighbourCount
        // Neighbours of the segment's first place: c→s1 (forwards after c) or s1→c (backwards before c).
        var list = neighbours + s1 * k
        for s in 0..<k {
            let c = Int(list[s])
            if d(s1, c) >= removed { break }
            guard outside(c) else { continue }
            let e = next(c)
            if outside(e) {
                let delta = d(c, s1) + d(sL, e) - d(c, e) - removed
                if delta < -epsilon {
                    moveSegment(start: start, count: count, after: position[c], reversed: false)
                    return applied(delta, touching: p, q, c, e, s1, sL)
                }
            }
            let f = previous(c)
            if outside(f) {
                let delta = d(f, sL) + d(s1, c) - d(f, c) + inside - removed
                if delta < -epsilon {
                    moveSegment(start: start, count: count, after: position[f], reversed: true)
                    return applied(delta, touching: p, q, c, f, s1, sL)
                }
            }
        }
        // Neighbours of the segment's last place: sL→c (forwards before c) or c→sL (backwards after c).
        list = neighbours + sL * k
        for s in 0..<k {
            let c = Int(list[s])
            if d(sL, c) >= removed { break }
            guard outside(c) else { continue }
            let f = previous(c)
            if outside(f) {
                let delta = d(f, s1) + d(sL, c) - d(f, c) - removed
                if delta < -epsilon {
                    moveSegment(start: start, count: count, after: position[f], reversed: false)
                    return applied(delta, touching: p, q, c, f, s1, sL)
                }
            }
            let e = next(c)
            if outside(e) {
                let delta = d(c, sL) + d(s1, e) - d(c, e) + inside - removed
                if delta < -epsilon {
                    moveSegment(start: start, count: count, after: position[c], reversed: true)
                    return applied(delta, touching: p, q, c, e, s1, sL)
                }
            }
        }
        return false
    }

    /// Runs moves until no place in the queue can be improved.
    private func descend() {
        while let a = pop() {
            while improve(a) {}
        }
    }

    /// Swaps two adjacent short segments: the double-bridge kick, kept local so the repair stays local.
    private func kick() {
        let longest = max(1, min(50, (n - 2) / 3))
        let first = 1 + Int(rng.next() % UInt64(longest))
        let second = 1 + Int(rng.next() % UInt64(longest))
        let p = Int(rng.next() % UInt64(n))
        let a = tour[p]
        let b1 = tour[wrap(p + 1)], bL = tour[wrap(p + first)]
        let c1 = tour[wrap(p + first + 1)], cL = tour[wrap(p + first + second)]
        let q = tour[wrap(p + first + second + 1)]
        let delta = d(a, c1) + d(cL, b1) + d(bL, q) - d(a, b1) - d(bL, c1) - d(cL, q)
        rotateSegments(from: wrap(p + 1), first: first, second: second)
        length += delta
        refreshPrefixSums()
        for c in [a, b1, bL, c1, cL, q] { push(c) }
    }

    private func rotateSegments(from start: Int, first: Int, second: Int) {
        let total = first + second
        var buffer = [Int](repeating: 0, count: total)
        for t in 0..<second { buffer[t] = tour[wrap(start + first + t)] }
        for t in 0..<first { buffer[second + t] = tour[wrap(start + t)] }
        for t in 0..<total { let p = wrap(start + t); tour[p] = buffer[t]; position[buffer[t]] = p }
    }

    /// Improves `initial` (a permutation of 0..<n) for `iterations` kicks or until `deadline`,
    /// and returns the best tour found with the number of kicks made.
    func run(from initial: [Int], iterations: Int, deadline: ContinuousClock.Instant) -> (order: [Int], kicks: Int) {
        load(initial)
        for city in initial { push(city) }
        descend()
        var best = length
        var kicks = 0
        let clock = ContinuousClock()
        while kicks < iterations {
            if kicks & 15 == 0 && clock.now >= deadline { break }
            kicks += 1
            savedTour.update(from: tour, count: n)
            kick()
            descend()
            if length <= best + epsilon {
                best = min(best, length)
            } else {
                tour.update(from: savedTour, count: n)
                for p in 0..<n { position[tour[p]] = p }
                length = best
                refreshPrefixSums()
            }
        }
        return (order, kicks)
    }
}

