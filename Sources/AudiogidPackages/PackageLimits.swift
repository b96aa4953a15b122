/// What a package may hold at most, so a crafted zip cannot fill a kiosk's card or memory (a zip bomb).
/// Sizes are checked against the zip's directory before anything is read, and again while bytes stream.
public struct PackageLimits: Sendable, Equatable {
    public var maxEntries: Int
    public var maxTotalBytes: Int64
    public var maxFileBytes: Int64
    /// Uncompressed ÷ compressed size of a compressed entry (packs store entries, so real packages have 1).
    public var maxCompressionRatio: Double

    public init(maxEntries: Int = 20_000, maxTotalBytes: Int64 = 8 << 30, maxFileBytes: Int64 = 2 << 30,
                maxCompressionRatio: Double = 20) {
        self.maxEntries = maxEntries
        self.maxTotalBytes = maxTotalBytes
        self.maxFileBytes = maxFileBytes
        self.maxCompressionRatio = maxCompressionRatio
    }

    /// manifest.json and its signature are read into memory, so they get small limits of their own.
    static let maxManifestBytes = 16 << 20
    static let maxSignatureBytes = 4096
}
