import AudiogidCore
import AudiogidMessages
import Yams

/// How a reader's findings name a field.
public enum FieldNaming: Sendable, Equatable {
    /// tour.yaml, read by librarians: findings name the thing in words ("stop 'church': unknown field 'tittle'",
    /// "route order must be one of ...").
    case described
    /// kiosk.yaml, read by technicians: findings start with the dotted key they can search for
    /// ("triggers.gpio.buttons[0].press: must be a text value").
    case dotted
}

/// The one strict YAML reader Audiogid's files are read with: every mapping is checked against the keys it may hold
/// (an unknown key is an error with a "did you mean"), every scalar against the type it must have, and every
/// finding names the file, line, column and dotted key path.
///
/// Readers of a particular file (`ManifestReader`, the kiosk's `ConfigurationFile`, the `triggers:` reader) keep one
/// of these and ask it for fields and values; what they get back is already checked, and what was wrong is in
/// `findings`. Nothing is thrown: a reader goes on past a mistake, so one run reports every mistake.
public struct StrictYAML: Sendable {
    public let file: String
    public let naming: FieldNaming
    public private(set) var findings: [Finding] = []
    /// Where each known field was written, by dotted path, for checks made after reading.
    public private(set) var positions: [String: SourceLocation] = [:]
    /// Fields an unknown key was taken for ("tittle" → "title"): their absence is already explained.
    public private(set) var suggested: Set<String> = []

    public init(file: String, naming: FieldNaming) {
        self.file = file
        self.naming = naming
    }

    public var hasErrors: Bool { findings.contains { $0.severity == .error } }

    // MARK: - Mappings

    /// The fields of a mapping, by key. Unknown keys are reported (with the nearest allowed key as a suggestion) and
    /// left out; a node that is not a mapping is reported and gives nil.
    /// - Parameters:
    ///   - path: the mapping's own dotted path ("" for the top of the file); fields are `path.key`.
    ///   - what: how a `.described` finding names the mapping ("stop 'church'").
    public mutating func fields(_ node: Node, allowed: [String], path: String, what: Piece? = nil,
                                stop: String? = nil) -> [String: Node]? {
        guard let mapping = node.mapping else {
            if path.isEmpty {
                error(at: node, field: "", Wording(.describedInvalid, what ?? .of(.theFile), .of(.mustBeKeyValueLines)), stop: stop)
            } else {
                invalid(node, field: path, what: what, Wording(.mustBeKeyValueLines), stop: stop)
            }
            return nil
        }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                error(at: key, field: path, Wording(.keyNotPlainWord, what ?? (path.isEmpty ? Piece.of(.theFile) : Piece.text(path))), stop: stop)
                continue
            }
            let field = Self.join(path, name)
            guard allowed.contains(name) else {
                let guess = TourRules.suggestion(for: name, among: allowed)
                let hint = Self.didYouMean(guess)
                if let guess { suggested.insert(Self.join(path, guess)) }
                switch naming {
                case .described:
                    error(at: key, field: field, Wording(.unknownField, what ?? .text(path), .text(name), hint), stop: stop)
                case .dotted:
                    error(at: key, field: field, Wording(.unknownKey, .text(field), hint, .text(allowed.joined(separator: ", "))), stop: stop)
                }
                continue
            }
            positions[field] = location(of: key)
            fields[name] = value
        }
        return fields
    }

    /// The items of a list; anything else is reported with `shape` (what the list should look like) and gives nil.
    public mutating func sequence(_ node: Node, field: String, what: Piece? = nil, _ shape: String,
                                  stop: String? = nil) -> [Node]? {
        guard let sequence = node.sequence else {
            invalid(node, field: field, what: what, shape, stop: stop)
            return nil
        }
        return Array(sequence)
    }

    /// A required field that is absent. Stays quiet when an unknown key nearby was already taken for it
    /// (`prot:` reported as "did you mean 'port'" needs no second "has no 'port'").
    public mutating func missing(at node: Node, field: String, _ message: String, stop: String? = nil) {
        guard !suggested.contains(field) else { return }
        error(at: node, field: field, message, stop: stop)
    }

    public mutating func missing(at node: Node, field: String, _ message: Wording, stop: String? = nil) {
        guard !suggested.contains(field) else { return }
        error(at: node, field: field, message, stop: stop)
    }

    // MARK: - Scalars

    /// A single text value; `allowEmpty: false` also refuses `""`.
    public mutating func string(_ node: Node, field: String, what: Piece? = nil, allowEmpty: Bool = true,
                                stop: String? = nil) -> String? {
        guard let scalar = node.scalar, node.null == nil, allowEmpty || !scalar.string.isEmpty else {
            // YAML reads a bare `null` or `~` as "nothing", which surprises whoever meant the word (ALSA's `null`
            // device): say how to write it.
            let bareNull = node.null != nil && !(node.scalar?.string.isEmpty ?? true)
            invalid(node, field: field, what: what,
                    bareNull ? Wording(.mustBeTextNotBareNull, .text(node.scalar!.string)) : Wording(.mustBeText), stop: stop)
            return nil
        }
        return scalar.string
    }

    public mutating func int(_ node: Node, field: String, what: Piece? = nil, in range: ClosedRange<Int>? = nil,
                             stop: String? = nil) -> Int? {
        guard let scalar = node.scalar, scalar.style == .plain, let value = Int(scalar.string) else {
            invalid(node, field: field, what: what, Wording(.mustBeWholeNumber, Self.shown(node)), stop: stop)
            return nil
        }
        if let range, !range.contains(value) {
            invalid(node, field: field, what: what, Wording(.mustBeBetween, "\(range.lowerBound)", "\(range.upperBound)", "\(value)"), stop: stop)
            return nil
        }
        return value
    }

    public mutating func number(_ node: Node, field: String, what: Piece? = nil, in range: ClosedRange<Double>? = nil,
                                stop: String? = nil) -> Double? {
        guard let scalar = node.scalar, scalar.style == .plain, let value = Double(scalar.string), value.isFinite else {
            invalid(node, field: field, what: what, Wording(.mustBeNumber, Self.shown(node)), stop: stop)
            return nil
        }
        if let range, !range.contains(value) {
            invalid(node, field: field, what: what, Wording(.mustBeBetween, "\(range.lowerBound)", "\(range.upperBound)", "\(value)"), stop: stop)
            return nil
        }
        return value
    }

    /// true/false, and YAML 1.1's yes/no/on/off, which hand-edited files use.
    public mutating func bool(_ node: Node, field: String, what: Piece? = nil, stop: String? = nil) -> Bool? {
        guard let scalar = node.scalar, scalar.style == .plain else {
            invalid(node, field: field, what: what, Wording(.mustBeTrueOrFalse, Self.shown(node)), stop: stop)
            return nil
        }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            invalid(node, field: field, what: what, Wording(.mustBeTrueOrFalse, .text(scalar.string)), stop: stop)
            return nil
        }
    }

    /// One of an enum's raw values, with a "did you mean" for a near miss.
    public mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ node: Node, _ type: Value.Type, field: String, what: Piece? = nil, stop: String? = nil
    ) -> Value? where Value.RawValue == String {
        let options = Value.allCases.map(\.rawValue)
        guard let text = node.scalar?.string, let value = Value(rawValue: text) else {
            let found = node.scalar?.string ?? "a list or map"
            let hint = Self.didYouMean(TourRules.suggestion(for: found, among: options))
            invalid(node, field: field, what: what, Wording(.mustBeOneOf, .text(options.joined(separator: ", ")), Self.shown(node), hint), stop: stop)
            return nil
        }
        return value
    }

    // MARK: - Findings

    public func location(of node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    /// Remembers where a field was written without checking it (list items, map entries read by hand).
    public mutating func record(_ field: String, at node: Node) {
        positions[field] = location(of: node)
    }

    /// An error in the reader's words: `predicate` ("must be a number, found 'x'") after the field's name.
    public mutating func invalid(_ node: Node, field: String, what: Piece? = nil, _ predicate: String, stop: String? = nil) {
        switch naming {
        case .described: error(at: node, field: field, "\(what.map(Self.english) ?? field) \(predicate)", stop: stop)
        case .dotted: error(at: node, field: field, "\(field): \(predicate)", stop: stop)
        }
    }

    /// The same, the predicate by meaning (`Wording(.mustBeNumber, "x")`).
    public mutating func invalid(_ node: Node, field: String, what: Piece? = nil, _ predicate: Wording, stop: String? = nil) {
        switch naming {
        case .described: error(at: node, field: field, Wording(.describedInvalid, what ?? .text(field), .wording(predicate)), stop: stop)
        case .dotted: error(at: node, field: field, Wording(.dottedInvalid, .text(field), .wording(predicate)), stop: stop)
        }
    }

    /// An error with a message written whole by the reader.
    public mutating func error(at node: Node, field: String, _ message: String, stop: String? = nil) {
        error(at: location(of: node), field: field, message, stop: stop)
    }

    public mutating func error(at location: SourceLocation, field: String, _ message: String, stop: String? = nil) {
        findings.append(Finding(.error, at: location, message, stop: stop, field: field.isEmpty ? nil : field))
    }

    /// An error by meaning, shown in the staff's language.
    public mutating func error(at node: Node, field: String, _ message: Wording, stop: String? = nil) {
        error(at: location(of: node), field: field, message, stop: stop)
    }

    public mutating func error(at location: SourceLocation, field: String, _ message: Wording, stop: String? = nil) {
        findings.append(Finding(.error, at: location, message, stop: stop, field: field.isEmpty ? nil : field))
    }

    /// `path.key`, or `key` at the top of the file.
    public static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A value as a finding quotes it.
    static func shown(_ node: Node) -> Piece { node.scalar.map { .text($0.string) } ?? .of(.aListOrMap) }

    /// " (did you mean 'title'?)" after a misspelt word, or nothing.
    public static func didYouMean(_ guess: String?) -> Piece { guess.map { Piece.of(.didYouMean, .text($0)) } ?? "" }

    static func english(_ piece: Piece) -> String {
        switch piece {
        case .text(let text): text
        case .wording(let wording): wording.english
        }
    }
}
