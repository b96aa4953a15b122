/// A message to show staff, kept as its meaning (`Message`) and its arguments until it is shown, so one finding or
/// one line of the command line can be read in English or in Russian.
///
/// Templates in the catalogues (`Messages+English.swift`, `Messages+Russian.swift`) name arguments by position:
/// `{1}` is the first argument; `{1#stop|stops}` picks a plural form by the first argument's number (English: one,
/// other; Russian: one, few, many — `{1#остановка|остановки|остановок}`).
public struct Wording: Sendable, Hashable, Codable {
    public var message: Message
    public var arguments: [Piece]

    public init(_ message: Message, _ arguments: Piece...) {
        self.message = message
        self.arguments = arguments
    }

    public init(_ message: Message, arguments: [Piece]) {
        self.message = message
        self.arguments = arguments
    }

    /// The message in English: what logs, JSON output and `Finding.message` hold.
    public var english: String { Language.english.render(self) }
}

/// One argument of a `Wording`: words that are the same in every language (a file name, an id, a number, what
/// the staff wrote), or another wording rendered in the same language.
public enum Piece: Sendable, Hashable, Codable, ExpressibleByStringInterpolation {
    case text(String)
    case wording(Wording)

    public init(stringLiteral value: String) { self = .text(value) }
    public init(stringInterpolation: DefaultStringInterpolation) { self = .text(String(stringInterpolation: stringInterpolation)) }

    public static func number(_ value: Int) -> Piece { .text(String(value)) }
    public static func of(_ message: Message, _ arguments: Piece...) -> Piece { .wording(Wording(message, arguments: arguments)) }
}

extension Language {
    /// The wording in this language; a message missing from the catalogue falls back to English.
    public func render(_ wording: Wording) -> String {
        let template = messages[wording.message] ?? Catalogue.englishMessages[wording.message] ?? wording.message.rawValue
        let values = wording.arguments.map { piece -> String in
            switch piece {
            case .text(let text): text
            case .wording(let inner): render(inner)
            }
        }
        return fill(template, with: values)
    }

    /// The catalogue of the command line's and the validator's messages in this language.
    public var messages: [Message: String] {
        switch self {
        case .english: Catalogue.englishMessages
        case .russian: Catalogue.russianMessages
        }
    }

    /// `{N}` and `{N#form|form|...}` replaced from `values` (1-based).
    func fill(_ template: String, with values: [String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let inside = rest[rest.index(after: open)..<close]
            let parts = inside.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            if let index = Int(parts[0]), index >= 1, index <= values.count {
                let value = values[index - 1]
                if parts.count == 2 {
                    let forms = parts[1].split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                    out += forms[min(pluralForm(Int(value) ?? 0), forms.count - 1)]
                } else {
                    out += value
                }
            } else {
                out += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// Which plural form a number takes: English one/other; Russian one/few/many (1, 21 остановка; 2–4, 22
    /// остановки; 5–20, 25 остановок).
    public func pluralForm(_ count: Int) -> Int {
        let n = abs(count)
        switch self {
        case .english: return n == 1 ? 0 : 1
        case .russian:
            if n % 10 == 1, n % 100 != 11 { return 0 }
            if (2...4).contains(n % 10), !(12...14).contains(n % 100) { return 1 }
            return 2
        }
    }
}
