import AudiogidCore
import Foundation

/// `manifest.json` at a package's root: what the signature covers. Every other entry of the zip must be
/// listed here with its exact size and SHA-256, so the one signature vouches for every byte.
public struct PackageManifest: Sendable, Equatable, Codable {
    public static let currentFormat = 1
    public static let entryName = "manifest.json"
    public static let signatureEntryName = "manifest.json.minisig"

    public struct File: Sendable, Equatable, Codable {
        public var path: String
        public var size: Int64
        public var sha256: String

        public init(path: String, size: Int64, sha256: String) {
            self.path = path
            self.size = size
            self.sha256 = sha256
        }
    }

    public var format: Int
    public var tour: String
    public var version: TourVersion
    /// When the tour was packed (UTC, whole seconds): the newest of its files, so the same input packs the same bytes.
    public var created: Date
    /// Sorted by path.
    public var files: [File]

    public init(format: Int = PackageManifest.currentFormat, tour: String, version: TourVersion, created: Date, files: [File]) {
        self.format = format
        self.tour = tour
        self.version = version
        self.created = created
        self.files = files
    }

    public var totalBytes: Int64 { files.reduce(0) { $0 + $1.size } }

    /// The package's file name: `ID-VERSION.audiogid`.
    public var fileName: String { "\(tour)-\(version).audiogid" }

    /// The signed one-line comment: minisign's timestamp, then the tour and version, so `minisign -V`
    /// shows them and they cannot be changed without the key.
    public var trustedComment: String {
        "timestamp:\(Int64(created.timeIntervalSince1970))\tfile:\(fileName)\ttour:\(tour)\tversion:\(version)"
    }

    /// Sorted keys and fixed formatting: the same manifest always encodes to the same bytes.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // Encoding plain strings and numbers cannot fail.
        return (try? encoder.encode(self)).map { $0 + Data("\n".utf8) } ?? Data()
    }

    public static func decode(_ data: Data) throws(PackageRefusal) -> PackageManifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(PackageManifest.self, from: data)
        } catch {
            throw .badManifest("manifest.json is not a package manifest: \(Self.describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "field '\(key.stringValue)' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: "\(error)"
        }
    }
}
