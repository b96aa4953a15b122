/// Cuts a byte stream into lines at a terminator, throwing away anything that cannot be a token:
/// a line longer than `maximumLength` (a 1 MB line without a terminator is dropped as it streams in,
/// never buffered), and lines with control bytes or invalid UTF-8 (line noise at the wrong baud).
public struct LineFramer: Sendable {
    public enum Piece: Sendable, Equatable {
        case line(String)
        /// Bytes thrown away, and why, so `audiogid triggers` can say "wrong baud?".
        case discarded(bytes: Int, reason: String)
    }

    public let terminators: Set<UInt8>
    public let maximumLength: Int
    private var buffer: [UInt8] = []
    /// Bytes dropped from the current over-long line; it is discarded when its terminator comes.
    private var overflow = 0

    /// `terminator` is "\n", "\r", "\r\n" (either ends a line; empty lines are skipped) or any single character.
    public init(terminator: String = "\r\n", maximumLength: Int = 256) {
        let bytes = Array(terminator.utf8)
        terminators = Set(bytes.isEmpty ? [0x0A] : bytes)
        self.maximumLength = max(1, maximumLength)
        buffer.reserveCapacity(self.maximumLength)
    }

    public mutating func append(_ bytes: some Collection<UInt8>) -> [Piece] {
        var pieces: [Piece] = []
        for byte in bytes {
            if terminators.contains(byte) {
                if overflow > 0 {
                    pieces.append(.discarded(bytes: overflow + buffer.count, reason: "line longer than \(maximumLength) bytes"))
                    overflow = 0
                } else if !buffer.isEmpty {
                    pieces.append(Self.validate(buffer))
                }
                buffer.removeAll(keepingCapacity: true)
            } else if overflow > 0 {
                overflow += 1
            } else if buffer.count >= maximumLength {
                overflow = buffer.count + 1
                buffer.removeAll(keepingCapacity: true)
            } else {
                buffer.append(byte)
            }
        }
        return pieces
    }

    /// Forgets a half-received line (the device went away mid-line).
    public mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        overflow = 0
    }

    private static func validate(_ bytes: [UInt8]) -> Piece {
        // Control bytes never occur in a token a person or a reader sends; at the wrong baud they are common.
        if bytes.contains(where: { $0 < 0x20 && $0 != 0x09 || $0 == 0x7F }) {
            return .discarded(bytes: bytes.count, reason: "control bytes (wrong baud or binary data?)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .discarded(bytes: bytes.count, reason: "not UTF-8 (wrong baud or binary data?)")
        }
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty { return .discarded(bytes: bytes.count, reason: "blank line") }
        return .line(trimmed)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
