/// Travel costs between every pair of places (metres, seconds, or TSPLIB units): `self[i, j]` is the cost
/// of going from `i` to `j`. It may be asymmetric (uphill walking is slower than downhill).
public struct CostMatrix: Sendable, Equatable {
    public let count: Int
    /// Row-major, `count × count`.
    public private(set) var values: [Double]

    /// A matrix from row-major values; `values.count` must be `count²` and every value finite and ≥ 0.
    public init(count: Int, values: [Double]) throws(OrderError) {
        guard count >= 0, values.count == count * count else {
            throw OrderError("a \(count)×\(count) matrix needs \(count * count) values, got \(values.count)")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            throw OrderError("cost from \(bad / max(count, 1)) to \(bad % max(count, 1)) is \(values[bad]); costs must be finite and ≥ 0")
        }
        self.count = count
        self.values = values
    }

    /// A matrix filled by `cost(i, j)`; the diagonal is 0.
    public init(count: Int, cost: (Int, Int) -> Double) {
        self.count = count
        var values = [Double](repeating: 0, count: count * count)
        for i in 0..<count {
            for j in 0..<count where i != j { values[i * count + j] = cost(i, j) }
        }
        self.values = values
    }

    public subscript(from: Int, to: Int) -> Double {
        get { values[from * count + to] }
        set { values[from * count + to] = newValue }
    }

    public var isSymmetric: Bool {
        for i in 0..<count {
            for j in (i + 1)..<max(count, i + 1) where values[i * count + j] != values[j * count + i] { return false }
        }
        return true
    }

    /// The cost of visiting `order` in turn, and coming back to the first place when `closed`.
    public func cost(of order: [Int], closed: Bool) -> Double {
        guard order.count > 1 else { return 0 }
        var total = 0.0
        for k in 1..<order.count { total += self[order[k - 1], order[k]] }
        if closed { total += self[order[order.count - 1], order[0]] }
        return total
    }
}

/// A problem the order solver cannot take: a malformed matrix or contradictory constraints.
public struct OrderError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
