/// Token → command rules for a serial button box or card reader, in the order the config lists them.
///
/// A token that equals a rule's key exactly wins first (a card UID such as "04A1B2C3"); otherwise the
/// keys are tried in order as regular expressions that must match the whole token, and `\1`...`\9` in the
/// command are replaced with the captured groups (`^BTN(\d+)$` → `play \1`).
// @unchecked: Regex<AnyRegexOutput> is not Sendable (Swift 6.3); a matcher is only ever used by the one decoder
// that owns it, which its TriggerSource keeps behind a Mutex and runs on one event loop.
public struct TokenMatcher: @unchecked Sendable {
    public struct Rule: Sendable, Equatable {
        public var pattern: String
        public var command: String
        public init(pattern: String, command: String) {
            self.pattern = pattern
            self.command = command
        }
    }

    public let rules: [Rule]
    private let exact: [String: String]
    private let expressions: [(Regex<AnyRegexOutput>, String)]

    /// Throws if a key looks like a pattern (has regex syntax) but does not compile.
    public init(_ rules: [Rule]) throws(TriggerConfigError) {
        self.rules = rules
        var exact: [String: String] = [:]
        var expressions: [(Regex<AnyRegexOutput>, String)] = []
        for rule in rules {
            if exact[rule.pattern] == nil { exact[rule.pattern] = rule.command }
            do {
                expressions.append((try Regex(rule.pattern), rule.command))
            } catch {
                if rule.pattern.unicodeScalars.contains(where: { "\\^$.|?*+()[]{}".unicodeScalars.contains($0) }) {
                    throw TriggerConfigError("match pattern '\(rule.pattern)' is not a valid regular expression: \(error)")
                }
            }
        }
        self.exact = exact
        self.expressions = expressions
    }

    /// The command for `token`, or nil if no rule matches.
    public func command(for token: String) -> String? {
        if let command = exact[token] { return command }
        for (regex, command) in expressions {
            guard let match = try? regex.wholeMatch(in: token) else { continue }
            return Self.substitute(command, match.output)
        }
        return nil
    }

    private static func substitute(_ template: String, _ output: AnyRegexOutput) -> String {
        var result = ""
        var iterator = template.makeIterator()
        while let c = iterator.next() {
            guard c == "\\" else { result.append(c); continue }
            guard let n = iterator.next() else { result.append(c); break }
            if let digit = n.wholeNumberValue, n.isASCII, digit > 0 {
                if digit < output.count, let captured = output[digit].substring { result += captured }
            } else {
                result.append(n)
            }
        }
        return result
    }
}

/// Turns the bytes from a serial button box or RFID reader into commands.
///
/// Lines are cut at the configured terminator; over-long lines, control bytes and invalid UTF-8
/// (what a wrong baud rate produces) are discarded. The same token again within `repeatIgnore` of the
/// last time it was seen is ignored: a card left on the reader keeps re-sending its UID.
public struct SerialTokenDecoder: TriggerDecoder {
    public let port: String
    public let matcher: TokenMatcher
    public let repeatIgnore: MonotonicNanos
    private var framer: LineFramer
    private var lastSeen: [String: MonotonicNanos] = [:]

    public init(port: String, matcher: TokenMatcher, terminator: String = "\r\n", maximumLength: Int = 256,
                repeatIgnore: MonotonicNanos = .seconds(1)) {
        self.port = port
        self.matcher = matcher
        self.repeatIgnore = repeatIgnore
        framer = LineFramer(terminator: terminator, maximumLength: maximumLength)
    }

    public mutating func decode(_ bytes: ArraySlice<UInt8>, at now: MonotonicNanos) -> [TriggerEvent] {
        var events: [TriggerEvent] = []
        for piece in framer.append(bytes) {
            switch piece {
            case .discarded(let count, let reason):
                events.append(TriggerEvent(source: .serial, input: "\(port) discarded \(count) bytes: \(reason)", command: nil))
            case .line(let token):
                events.append(receive(token, at: now))
            }
        }
        return events
    }

    /// Handles one complete token (what `decode` does for each line).
    public mutating func receive(_ token: String, at now: MonotonicNanos) -> TriggerEvent {
        let previous = lastSeen[token]
        lastSeen[token] = now
        if lastSeen.count > 256 { lastSeen = lastSeen.filter { now &- $0.value < repeatIgnore } }
        if let previous, now &- previous < repeatIgnore {
            return TriggerEvent(source: .serial, input: "\(port) token \(token) (repeat ignored)", command: nil)
        }
        let command = matcher.command(for: token)
        return TriggerEvent(source: .serial, input: "\(port) token \(token)\(command == nil ? " (no match)" : "")", command: command)
    }

    public var deadline: MonotonicNanos? { nil }
    public mutating func expire(at now: MonotonicNanos) -> [TriggerEvent] { [] }
    public mutating func disconnected() { framer.reset() }
}
