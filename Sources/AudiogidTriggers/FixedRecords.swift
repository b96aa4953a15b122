/// Reassembles fixed-size kernel records (48-byte GPIO line events, 24-byte input events) from reads.
/// The kernel hands out whole records, but a pipe in a test, or a short read, may split one.
struct FixedRecords: Sendable {
    let size: Int
    private var pending: [UInt8] = []

    init(size: Int) { self.size = size }

    mutating func append(_ bytes: ArraySlice<UInt8>) -> [[UInt8]] {
        pending.append(contentsOf: bytes)
        guard pending.count >= size else { return [] }
        let whole = pending.count / size
        var records: [[UInt8]] = []
        records.reserveCapacity(whole)
        for i in 0..<whole { records.append(Array(pending[(i * size)..<((i + 1) * size)])) }
        pending.removeFirst(whole * size)
        return records
    }

    mutating func reset() { pending.removeAll() }
}

extension Array where Element == UInt8 {
    /// Reads a host-order integer at a byte offset: the kernel writes its structs in host order.
    func load<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }
}
