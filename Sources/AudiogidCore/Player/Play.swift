/// One clip being played: which stop, which clip and language, who asked, and the token that ties
/// the audio engine's events back to it.
public struct Play: Sendable, Equatable {
    public var token: UInt64
    /// The stop, or nil for the idle prompt.
    public var stopID: String?
    public var stopNumber: Int?
    /// Index in the route order (the MPD queue), nil for the idle prompt.
    public var position: Int?
    public var clip: ClipChoice
    public var source: PressSource
    public var startedAt: Double

    public var isPrompt: Bool { stopID == nil }
}

public enum PlayOutcome: String, Sendable, Equatable, Codable {
    /// The clip played to its end.
    case finished
    /// A press, a stop, quiet hours or shutdown cut it short.
    case interrupted
    /// The audio engine could not play it (unreadable file, device gone).
    case failed
}

public struct PlayEnded: Sendable, Equatable {
    public var play: Play
    public var outcome: PlayOutcome
    public var secondsHeard: Double
    public var endedAt: Double
}

public enum PlayerState: Sendable, Equatable {
    case idle
    case playing(Play)
    case paused(Play)

    public var play: Play? {
        switch self {
        case .idle: nil
        case .playing(let play), .paused(let play): play
        }
    }
}

/// What the player decided; the daemon carries each out in order on the audio engine, the store
/// and the control socket.
public enum PlayerEffect: Sendable, Equatable {
    /// Start this clip (fading out whatever plays).
    case start(Play)
    /// Fade out and fall silent.
    case silence
    case pause
    case resume
    /// Carry on the clip of `token` from this second of it.
    case seek(token: UInt64, seconds: Double)
    case setVolume(Int)
    case languageChanged(String)
    /// A play is over: log it.
    case ended(PlayEnded)
    /// Load another tour, then call `Player.replaceTour`.
    case loadTour(String)
    /// Re-read config and tours, then call `Player.replaceTour` / `updateSettings`.
    case reload
}

/// Why the player refused a command; the control socket turns these into `ACK` lines.
public enum PlayerRefusal: Sendable, Equatable, CustomStringConvertible {
    case noSuchStop(StopReference)
    case noSuchPosition(Int)
    case noClip(stopID: String, language: String)
    case unknownLanguage(String)
    case busy(playing: Int?)
    case quietHours
    case endOfTour
    case notPlaying

    public var description: String {
        switch self {
        case .noSuchStop(let ref): "no stop \(ref) in this tour"
        case .noSuchPosition(let index): "no position \(index) in the queue"
        case .noClip(let stop, let language): "stop \(stop) has no clip in \(language) nor in the tour's default language"
        case .unknownLanguage(let code): "the tour has no language '\(code)'"
        case .busy(let number): "busy playing stop \(number.map(String.init) ?? "prompt") (while_playing: ignore)"
        case .quietHours: "quiet hours: the kiosk is closed"
        case .endOfTour: "no further stop in the route"
        case .notPlaying: "nothing is playing"
        }
    }
}

public struct PlayerDecision: Sendable, Equatable {
    public var effects: [PlayerEffect]
    public var refusal: PlayerRefusal?

    public init(_ effects: [PlayerEffect] = [], refusal: PlayerRefusal? = nil) {
        self.effects = effects
        self.refusal = refusal
    }
}
