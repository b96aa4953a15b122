import AudiogidKiosk
/// One command line of the MPD protocol, split into its name and arguments.
///
/// MPD's quoting: arguments are separated by spaces or tabs; an argument may be enclosed in double
/// quotes, inside which a backslash escapes the next character (`\"`, `\\`). The command name is
/// never quoted and is matched case-sensitively, as MPD does.
public struct MPDRequest: Sendable, Equatable {
    public var name: String
    public var arguments: [String]

    public init(name: String, arguments: [String] = []) {
        self.name = name
        self.arguments = arguments
    }

    public init(line: String) throws(MPDError) {
        var words: [String] = []
        var current = ""
        var iterator = line.unicodeScalars.makeIterator()
        var inWord = false
        while let scalar = iterator.next() {
            switch scalar {
            case " ", "\t":
                if inWord { words.append(current); current = ""; inWord = false }
            case "\"" where !inWord:
                // A quoted argument runs to the next unescaped quote.
                var closed = false
                while let inner = iterator.next() {
                    if inner == "\\" {
                        guard let escaped = iterator.next() else { break }
                        current.unicodeScalars.append(escaped)
                    } else if inner == "\"" {
                        closed = true
                        break
                    } else {
                        current.unicodeScalars.append(inner)
                    }
                }
                guard closed else { throw MPDError(.unknown, "Missing closing '\"'", namesCommand: false) }
                words.append(current)
                current = ""
                // A quoted argument must be followed by a separator or the end of the line.
                if let next = iterator.next(), next != " ", next != "\t" {
                    throw MPDError(.unknown, "Space expected after closing '\"'", namesCommand: false)
                }
            default:
                current.unicodeScalars.append(scalar)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        guard let name = words.first else { throw MPDError(.unknown, "No command given", namesCommand: false) }
        guard words.count <= 256 else { throw MPDError(.unknown, "Too many arguments", namesCommand: false) }
        self.name = name
        self.arguments = Array(words.dropFirst())
    }

    /// The request as a client writes it, each argument quoted and escaped: what `ctl` sends.
    public var line: String {
        ([name] + arguments.map(MPDRequest.quote)).joined(separator: " ")
    }

    public static func quote(_ argument: String) -> String {
        var quoted = "\""
        for character in argument {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }
}

/// MPD's `ACK` error codes (src/protocol/Ack.hxx), which every client library knows.
public enum MPDErrorCode: Int, Sendable, Equatable {
    case notList = 1
    case argument = 2
    case password = 3
    case permission = 4
    case unknown = 5
    case noExist = 50
    case playlistMax = 51
    case system = 52
    case playlistLoad = 53
    case updateAlready = 54
    case playerSync = 55
    case exist = 56
}

/// A command that failed: becomes one `ACK [code@index] {command} message` line.
public struct MPDError: Error, Sendable, Equatable {
    public var code: MPDErrorCode
    public var message: String
    /// Whether the ACK names the command: mpd leaves the braces empty when it could not make out a known
    /// command (a quoting error, an unknown name), and clients print what is there.
    public var namesCommand: Bool

    public init(_ code: MPDErrorCode, _ message: String, namesCommand: Bool = true) {
        self.code = code
        self.namesCommand = namesCommand
        // An ACK is one line: a message must not break the framing.
        self.message = message.replacingNewlines()
    }

    public func ackLine(index: Int, command: String) -> String {
        "ACK [\(code.rawValue)@\(index)] {\(namesCommand ? command.replacingNewlines() : "")} \(message)"
    }
}

extension String {
    func replacingNewlines() -> String {
        guard contains(where: { $0.isNewline }) else { return self }
        return String(map { $0.isNewline ? " " : $0 })
    }
}
