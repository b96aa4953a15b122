/// A tour's release number: a positive integer (`3`) or dotted numbers (`2026.11.2`), compared number by
/// number, so `2026.11.10` is newer than `2026.11.9` and `1.2` equals `1.2.0`.
///
/// Packages carry it in their file name and signed comment; a kiosk refuses a version older than the
/// highest one it trusted for the tour.
public struct TourVersion: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// Each dotted part, as written (leading zeros dropped).
    public let components: [Int]

    /// nil unless `text` is one or more dot-separated whole numbers with at least one above zero
    /// (`0` and `0.0` are not a version: releases start at 1).
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        var numbers: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 9, part.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }),
                  let value = Int(part) else { return nil }
            numbers.append(value)
        }
        guard !numbers.isEmpty, numbers.count <= 8, numbers.contains(where: { $0 > 0 }) else { return nil }
        components = numbers
    }

    public var description: String { components.map(String.init).joined(separator: ".") }

    /// Missing trailing parts count as zero.
    public static func < (lhs: TourVersion, rhs: TourVersion) -> Bool {
        for index in 0..<max(lhs.components.count, rhs.components.count) {
            let left = index < lhs.components.count ? lhs.components[index] : 0
            let right = index < rhs.components.count ? rhs.components[index] : 0
            if left != right { return left < right }
        }
        return false
    }

    public static func == (lhs: TourVersion, rhs: TourVersion) -> Bool { !(lhs < rhs) && !(rhs < lhs) }

    public func hash(into hasher: inout Hasher) {
        var trimmed = components
        while trimmed.count > 1, trimmed.last == 0 { trimmed.removeLast() }
        hasher.combine(trimmed)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let version = TourVersion(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a tour version"))
        }
        self = version
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
