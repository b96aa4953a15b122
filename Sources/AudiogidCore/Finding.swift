import AudiogidMessages

/// Where in a file something was written: 1-based line and column.
public struct SourceLocation: Sendable, Equatable, Hashable, Codable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
}

/// One thing the validator found wrong (or worth a look) in a tour.
public struct Finding: Sendable, Equatable, Codable {
    public enum Severity: String, Sendable, Equatable, Codable, Comparable {
        case warning
        case error

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    /// The stop the finding is about, when it is about one (its id).
    public var stop: String?
    /// The manifest field, as a dotted path (`stops[3].audio.zh`).
    public var field: String?
    /// True when a clip path tries to leave the library's `audio/` folder.
    public var isSecurity: Bool
    /// The message by meaning, to show it in the staff's language; nil for findings written as English text
    /// (a kiosk.yaml's, for technicians).
    public var wording: Wording?

    public init(_ severity: Severity, at location: SourceLocation, _ message: String,
                stop: String? = nil, field: String? = nil, isSecurity: Bool = false) {
        self.severity = severity
        self.location = location
        self.message = message
        self.stop = stop
        self.field = field
        self.isSecurity = isSecurity
    }

    /// A finding by meaning: `message` holds its English.
    public init(_ severity: Severity, at location: SourceLocation, _ wording: Wording,
                stop: String? = nil, field: String? = nil, isSecurity: Bool = false) {
        self.init(severity, at: location, wording.english, stop: stop, field: field, isSecurity: isSecurity)
        self.wording = wording
    }

    /// `FILE:LINE:COL: error: message`, the form compilers use, so editors can jump to it.
    public var line: String {
        "\(location.file):\(location.line):\(location.column): \(severity.rawValue): \(message)"
    }

    /// The same line in the staff's language: the place stays as compilers write it, the words are translated.
    public func line(in language: Language) -> String {
        let label = language.render(Wording(severity == .error ? .severityError : .severityWarning))
        let text = wording.map(language.render) ?? message
        return "\(location.file):\(location.line):\(location.column): \(label): \(text)"
    }
}
