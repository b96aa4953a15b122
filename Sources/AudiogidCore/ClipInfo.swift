/// What a clip's audio file really holds, as read from the file itself.
public struct ClipInfo: Sendable, Equatable, Codable {
    public var frames: Int64
    public var sampleRate: Int
    public var channels: Int
    /// The container/codec as libsndfile names it, e.g. "OGG/VORBIS", "WAV/PCM_16".
    public var format: String

    public init(frames: Int64, sampleRate: Int, channels: Int, format: String) {
        self.frames = frames
        self.sampleRate = sampleRate
        self.channels = channels
        self.format = format
    }

    public var durationSeconds: Double { sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0 }
}
