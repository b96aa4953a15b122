/// What happened to a clip or the device, in the order it happened. `token` is the caller's own id for
/// the press that asked for the clip, so a play log can match the outcome to the press.
public enum AudioEvent: Sendable, Equatable {
    /// The clip's first frame went to the device.
    case started(token: UInt64)
    /// The clip played to its end.
    case finished(token: UInt64, secondsHeard: Double)
    /// Another play, a stop or shutdown cut the clip short.
    case interrupted(token: UInt64, secondsHeard: Double)
    /// The clip could not be played (missing, corrupt, unsupported); nothing of it was heard.
    case failed(token: UInt64, message: String)
    /// The device stopped working (unplugged, I/O error); the engine keeps retrying.
    case deviceLost(message: String)
    /// The device is back (or opened for the first time after failing at start).
    case deviceRestored
}

/// A snapshot of the engine for status displays and the control socket.
public struct AudioStatus: Sendable, Equatable {
    public var deviceOpen: Bool
    public var device: String
    /// Output format actually in use (the device may have offered a different rate than configured).
    public var sampleRate: Int
    public var channels: Int
    /// Underruns recovered since start: the device ran dry and was restarted.
    public var underruns: Int
    /// The token of the clip playing or paused, if any.
    public var playing: UInt64?
    public var paused: Bool
    /// How far into the playing clip the listener is, in seconds.
    public var position: Double
    /// Master volume as set (0–100), before the owner's cap.
    public var volume: Int
    /// For the last clip started: seconds from `play` entering the engine to its first frame reaching the
    /// device (the engine's own share of press-to-sound latency).
    public var lastStartLatency: Double?

    public init(deviceOpen: Bool = false, device: String, sampleRate: Int, channels: Int, underruns: Int = 0,
                playing: UInt64? = nil, paused: Bool = false, position: Double = 0, volume: Int,
                lastStartLatency: Double? = nil) {
        self.deviceOpen = deviceOpen
        self.device = device
        self.sampleRate = sampleRate
        self.channels = channels
        self.underruns = underruns
        self.playing = playing
        self.paused = paused
        self.position = position
        self.volume = volume
        self.lastStartLatency = lastStartLatency
    }
}
