/// Which stop a visitor asked for: the number on the sign (what a keypad or button sends) or the
/// stop's id from the manifest (what a remote or a script may prefer).
public enum StopReference: Sendable, Equatable, Hashable, CustomStringConvertible {
    case number(Int)
    case id(String)

    public var description: String {
        switch self {
        case .number(let number): "\(number)"
        case .id(let id): id
        }
    }
}

public enum LanguageRequest: Sendable, Equatable {
    case code(String)
    /// The next of the tour's declared languages, wrapping round: what a single "language" button does.
    case next
}

public enum VolumeRequest: Sendable, Equatable {
    case set(Int)
    case change(Int)
    /// One step up or down; the step is a player setting, so a button box need not know it.
    case up
    case down
}

/// A jump within a clip: to a second of it, or by seconds from where the listener is (negative: back).
public struct SeekRequest: Sendable, Equatable {
    /// The queue position whose clip to seek in (starting it if it is not the one playing); nil: the clip playing.
    public var position: Int?
    public var seconds: Double
    public var relative: Bool

    public init(position: Int? = nil, seconds: Double, relative: Bool) {
        self.position = position
        self.seconds = seconds
        self.relative = relative
    }
}

/// Everything a press, a remote or the daemon itself can ask the player to do.
///
/// Every trigger source (control socket, GPIO, serial, GPS, keypad) produces these values, so the
/// player never knows where a press came from; the source travels beside the command.
public enum Command: Sendable, Equatable {
    case play(StopReference)
    /// A 0-based index into the tour's route order (the MPD queue), as MPD's `play POS` means.
    case playPosition(Int)
    case next
    case previous
    case replay
    case stop
    case pause
    /// Continue a paused clip; when nothing is paused, play the current (or first) stop, as MPD's bare `play` does.
    case resume
    case toggle
    case language(LanguageRequest)
    case volume(VolumeRequest)
    case tour(String)
    case reload
    /// `seek -10`: a visitor's "back 10 s" button; `seek 30`: to 0:30 of the clip playing.
    case seek(SeekRequest)
}

/// A command line in the form `audiogid ctl`, serial button boxes and the trigger config use:
/// `play 3` (stop number 3), `play village-gate` (stop id), `lang zh`, `lang next`, `volume 40`,
/// `volume +10`, `volume up`, `next`, `stop` ...
public struct CommandSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Command {
    /// Every word `Command(line:)` understands, for help texts and error messages.
    public static let words = ["play", "playstop", "playpos", "next", "previous", "prev", "replay", "stop",
                               "pause", "resume", "toggle", "language", "lang", "volume", "vol", "tour", "reload", "seek"]

    public init(line: String) throws(CommandSyntaxError) {
        try self.init(words: line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init))
    }

    public init(words: [String]) throws(CommandSyntaxError) {
        guard let verb = words.first?.lowercased() else { throw CommandSyntaxError("empty command") }
        let args = Array(words.dropFirst())
        func noArguments(_ command: Command) throws(CommandSyntaxError) -> Command {
            guard args.isEmpty else { throw CommandSyntaxError("'\(verb)' takes no argument") }
            return command
        }
        func oneArgument() throws(CommandSyntaxError) -> String {
            guard args.count == 1 else { throw CommandSyntaxError("'\(verb)' takes one argument") }
            return args[0]
        }
        switch verb {
        case "play", "playstop":
            if verb == "play" && args.isEmpty { self = .resume; return }
            let arg = try oneArgument()
            if let number = Int(arg) {
                guard number >= 0 else { throw CommandSyntaxError("stop number must be positive: \(arg)") }
                self = .play(.number(number))
            } else {
                self = .play(.id(arg))
            }
        case "playpos":
            let arg = try oneArgument()
            guard let index = Int(arg), index >= 0 else { throw CommandSyntaxError("position must be 0 or more: \(arg)") }
            self = .playPosition(index)
        case "next": self = try noArguments(.next)
        case "previous", "prev": self = try noArguments(.previous)
        case "replay": self = try noArguments(.replay)
        case "stop": self = try noArguments(.stop)
        case "pause": self = try noArguments(.pause)
        case "resume": self = try noArguments(.resume)
        case "toggle": self = try noArguments(.toggle)
        case "language", "lang":
            let arg = try oneArgument()
            self = .language(arg.lowercased() == "next" ? .next : .code(arg))
        case "volume", "vol":
            let arg = try oneArgument()
            switch arg.lowercased() {
            case "up": self = .volume(.up)
            case "down": self = .volume(.down)
            default:
                if arg.hasPrefix("+") || arg.hasPrefix("-") {
                    guard let delta = Int(arg.dropFirst()) else { throw CommandSyntaxError("volume change must be +N or -N: \(arg)") }
                    self = .volume(.change(arg.hasPrefix("-") ? -delta : delta))
                } else {
                    guard let level = Int(arg), (0...100).contains(level) else {
                        throw CommandSyntaxError("volume must be 0-100, +N, -N, up or down: \(arg)")
                    }
                    self = .volume(.set(level))
                }
            }
        case "seek":
            let arg = try oneArgument()
            guard let seconds = Double(arg), seconds.isFinite else {
                throw CommandSyntaxError("seek takes seconds: 30 (to 0:30), +10 or -10 (from where it is): \(arg)")
            }
            self = .seek(SeekRequest(seconds: seconds, relative: arg.hasPrefix("+") || arg.hasPrefix("-")))
        case "tour": self = .tour(try oneArgument())
        case "reload": self = try noArguments(.reload)
        default:
            throw CommandSyntaxError("unknown command '\(verb)' (known: \(Command.words.joined(separator: ", ")))")
        }
    }
}

extension SeekRequest {
    /// Seconds as a ctl word: `10`, `-2.5`.
    public static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int(seconds)) : String(seconds)
    }
}

extension Command: CustomStringConvertible {
    /// The command as a ctl line (`play 3`, `lang zh`, `volume +10`): what logs show, and what `Command(line:)` reads back.
    public var description: String {
        switch self {
        case .play(let reference): "play \(reference)"
        case .playPosition(let index): "playpos \(index)"
        case .next: "next"
        case .previous: "previous"
        case .replay: "replay"
        case .stop: "stop"
        case .pause: "pause"
        case .resume: "resume"
        case .toggle: "toggle"
        case .language(.code(let code)): "lang \(code)"
        case .language(.next): "lang next"
        case .volume(.set(let level)): "volume \(level)"
        case .volume(.change(let delta)): "volume \(delta < 0 ? "-" : "+")\(abs(delta))"
        case .volume(.up): "volume up"
        case .volume(.down): "volume down"
        case .tour(let id): "tour \(id)"
        case .reload: "reload"
        case .seek(let request):
            (request.position.map { "seek in \($0) " } ?? "seek ")
                + (request.relative && request.seconds >= 0 ? "+" : "") + SeekRequest.format(request.seconds)
        }
    }
}
