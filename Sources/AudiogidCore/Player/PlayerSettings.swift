/// What a press does while another stop's clip is playing.
public enum BusyPolicy: String, Sendable, Equatable, CaseIterable, Codable {
    /// Fade the playing clip out and start the new one: what visitors expect from a button.
    case preempt
    /// Keep playing; the press is refused.
    case ignore
    /// Play the pressed stop when the current clip ends.
    case queue
}

/// What pressing the playing stop's own button again does.
public enum SamePressPolicy: String, Sendable, Equatable, CaseIterable, Codable {
    case stop
    case restart
}

/// A daily opening window in local minutes after midnight; `end` before `start` means it spans midnight.
public struct DailyWindow: Sendable, Equatable, Codable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    public func contains(minuteOfDay minute: Int) -> Bool {
        if start == end { return true }
        return start < end ? (minute >= start && minute < end) : (minute >= start || minute < end)
    }
}

/// A clip the kiosk plays by itself after a while without a press ("press a number to hear about a stop").
public struct IdlePrompt: Sendable, Equatable {
    /// Language → path relative to `audio/`, chosen like a stop's clip.
    public var clips: ClipPaths
    public var afterSeconds: Double

    public init(clips: ClipPaths, afterSeconds: Double) {
        self.clips = clips
        self.afterSeconds = afterSeconds
    }
}

/// The kiosk's playing policies, from kiosk.yaml.
public struct PlayerSettings: Sendable, Equatable {
    public var whileBusy: BusyPolicy
    public var samePress: SamePressPolicy
    public var autoAdvance: Bool
    /// The loudest volume any command may set (0...100): a kiosk in a reading room is capped low.
    public var volumeCap: Int
    public var volumeStep: Int
    public var idlePrompt: IdlePrompt?
    /// Sound only inside these windows; empty means always open.
    public var openingHours: [DailyWindow]

    public init(whileBusy: BusyPolicy = .preempt, samePress: SamePressPolicy = .stop, autoAdvance: Bool = false,
                volumeCap: Int = 100, volumeStep: Int = 5, idlePrompt: IdlePrompt? = nil,
                openingHours: [DailyWindow] = []) {
        self.whileBusy = whileBusy
        self.samePress = samePress
        self.autoAdvance = autoAdvance
        self.volumeCap = volumeCap
        self.volumeStep = volumeStep
        self.idlePrompt = idlePrompt
        self.openingHours = openingHours
    }

    public func isOpen(minuteOfDay: Int) -> Bool {
        openingHours.isEmpty || openingHours.contains { $0.contains(minuteOfDay: minuteOfDay) }
    }
}

/// A reading of the clock the player is driven by: seconds (any fixed origin; the daemon uses Unix
/// time) and the local minute of the day, which quiet hours need. Tests make these by hand.
public struct Moment: Sendable, Equatable {
    public var seconds: Double
    public var minuteOfDay: Int

    public init(seconds: Double, minuteOfDay: Int = 12 * 60) {
        self.seconds = seconds
        self.minuteOfDay = minuteOfDay
    }
}
