import AudiogidCore

/// A consistent picture of the kiosk, taken under its lock: what `status` and the queue commands report.
public struct KioskStatus: Sendable {
    public var state: PlayerState
    /// The queue position of the current stop: the one playing or paused, or when stopped the last one played
    /// (what `next`, `previous` and `play` count from, and what mpd keeps as `song` after `stop`).
    public var current: Int?
    /// What the playing clip's file holds (rate, channels, codec): MPD's `audio:`.
    public var playingFormat: ClipInfo?
    public var volume: Int
    public var language: String
    public var tourID: String
    public var tourTitle: String
    /// The route runs round: `next` on its last stop goes to the first.
    public var routeLoops: Bool
    public var queue: [QueueEntry]
    /// Bumped whenever the queue's contents change (tour switch, reload, language: titles change).
    public var playlistVersion: Int
    public var elapsed: Double
    public var duration: Double?
    public var speaker: SpeakerStatus
    public var storeWritable: Bool
    public var lastError: String?
    public var startedAt: Double
    public var plays: Int
    public var secondsPlayed: Double
    /// Input devices the configuration names that are not open now (unplugged, or not there at start).
    public var missingInputs: [String]
}

/// One stop as the MPD queue shows it.
public struct QueueEntry: Sendable, Equatable {
    public var position: Int
    /// MPD's song id: one per (tour, stop, clip file), never reused for another file.
    public var id: Int
    public var stop: Stop
    /// The stop's title in the current language (or the tour's default).
    public var title: String
    public var clip: ClipChoice?
    public var duration: Double?
    /// What the clip's file holds, and when it was last modified (seconds since 1970), as the clip index read them.
    public var format: ClipInfo?
    public var modified: Double?
    /// Bumped with the playlist version, so `plchanges` can report what changed.
    public var version: Int
}

/// Where the player stands in the queue, without the queue itself: what a press that counts from the current
/// stop (MPD's next and previous) needs, cheap enough for a press's path.
public struct KioskCursor: Sendable, Equatable {
    /// A stop (or the idle prompt) is playing or paused.
    public var playing: Bool
    /// The queue position of the current stop (as `KioskStatus.current`).
    public var current: Int?
    public var queueLength: Int
    public var routeLoops: Bool
}
