import AudiogidKiosk

/// The filter of mpd's `find`, `search`, `playlistfind`, `playlistsearch` and `count`, over the queue's tags: the
/// old form (`title "Пруд" album "Моё село"`) and the expression form (`(Title contains "Пруд")`, `((a) AND (b))`).
/// `find` compares exactly; `search` ignores case and matches parts, as mpd does. Trailing `sort` and `window`
/// are taken off first: the queue keeps its route order, the window cuts the matches.
struct MPDFilter {
    enum Operator { case equals, notEquals, contains, startsWith }

    struct Condition {
        /// Lower-cased: any, file, base, album, title, track.
        var tag: String
        var op: Operator
        var value: String
    }

    var conditions: [Condition] = []
    var window: Range<Int>?

    static let tags: Set<String> = ["any", "file", "base", "album", "title", "track"]

    init(_ arguments: [String], search: Bool) throws(MPDError) {
        var args = arguments
        while args.count >= 2, ["sort", "window"].contains(args[args.count - 2].lowercased()) {
            if args[args.count - 2].lowercased() == "window" {
                window = try Self.window(args[args.count - 1])
            }
            args.removeLast(2)
        }
        if args.count == 1, args[0].hasPrefix("(") {
            var parser = ExpressionParser(text: Array(args[0].unicodeScalars))
            conditions = try parser.parseAll()
            return
        }
        guard !args.isEmpty, args.count % 2 == 0 else { throw MPDError(.argument, "Incorrect number of filter arguments") }
        for pair in stride(from: 0, to: args.count, by: 2) {
            let tag = args[pair].lowercased()
            guard Self.tags.contains(tag) || MPDTag.mpdNames.contains(tag) else { throw MPDError(.argument, "Unknown filter type") }
            let op: Operator = tag == "base" ? .startsWith : (search ? .contains : .equals)
            conditions.append(Condition(tag: tag, op: op, value: args[pair + 1]))
        }
    }

    static func window(_ text: String) throws(MPDError) -> Range<Int> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Int(parts[0]), start >= 0 else { throw MPDError(.argument, "Invalid window: \(text)") }
        let end = parts[1].isEmpty ? Int.max : Int(parts[1]) ?? -1
        guard end >= start else { throw MPDError(.argument, "Invalid window: \(text)") }
        return start..<end
    }

    /// The entries that match every condition, in queue order, cut to the window.
    func matches(in status: KioskStatus, foldCase: Bool) -> [QueueEntry] {
        let found = status.queue.filter { entry in conditions.allSatisfy { matches($0, entry, status, foldCase) } }
        guard let window else { return found }
        return Array(found[min(window.lowerBound, found.count)..<min(window.upperBound, found.count)])
    }

    private func matches(_ condition: Condition, _ entry: QueueEntry, _ status: KioskStatus, _ foldCase: Bool) -> Bool {
        let file = entry.clip?.path ?? "\(status.tourID)/\(entry.stop.id)"
        let values: [String]
        switch condition.tag {
        case "any": values = [entry.title, status.tourTitle, String(entry.stop.number)]
        case "file", "base": values = [file]
        case "album": values = [status.tourTitle]
        case "title": values = [entry.title]
        case "track": values = [String(entry.stop.number)]
        default: values = []  // a tag a tour does not carry: never equal, never contains
        }
        let wanted = foldCase ? condition.value.lowercased() : condition.value
        let found = values.contains { raw in
            let value = foldCase ? raw.lowercased() : raw
            switch condition.op {
            case .equals, .notEquals: return value == wanted
            case .contains: return value.contains(wanted)
            case .startsWith: return value.hasPrefix(wanted)
            }
        }
        return condition.op == .notEquals ? !found : found
    }
}

/// mpd's filter expressions: `(TAG OP 'VALUE')`, `(TAG OP "VALUE")`, and `(EXPR AND EXPR ...)`.
private struct ExpressionParser {
    let text: [Unicode.Scalar]
    var index = 0

    mutating func parseAll() throws(MPDError) -> [MPDFilter.Condition] {
        let conditions = try parse()
        skipSpace()
        guard index == text.count else { throw MPDError(.argument, "Unparsed garbage after expression") }
        return conditions
    }

    mutating func parse() throws(MPDError) -> [MPDFilter.Condition] {
        skipSpace()
        guard take("(") else { throw MPDError(.argument, "'(' expected") }
        skipSpace()
        if peek == "(" {
            var all = try parse()
            while true {
                skipSpace()
                if take(")") { return all }
                guard word().uppercased() == "AND" else { throw MPDError(.argument, "'AND' expected") }
                all += try parse()
            }
        }
        let tag = word().lowercased()
        guard MPDFilter.tags.contains(tag) || MPDTag.mpdNames.contains(tag) else { throw MPDError(.argument, "Unknown filter type") }
        skipSpace()
        let op: MPDFilter.Operator
        switch word() {
        case "==": op = .equals
        case "!=": op = .notEquals
        case "contains": op = .contains
        case "starts_with": op = .startsWith
        default: throw MPDError(.argument, "Unknown filter operator")
        }
        skipSpace()
        let value = try quoted()
        skipSpace()
        guard take(")") else { throw MPDError(.argument, "')' expected") }
        return [MPDFilter.Condition(tag: tag, op: op, value: value)]
    }

    private var peek: Unicode.Scalar? { index < text.count ? text[index] : nil }

    private mutating func take(_ scalar: Unicode.Scalar) -> Bool {
        guard peek == scalar else { return false }
        index += 1
        return true
    }

    private mutating func skipSpace() { while peek == " " { index += 1 } }

    private mutating func word() -> String {
        var result = ""
        while let scalar = peek, scalar != " ", scalar != "(", scalar != ")", scalar != "\"", scalar != "'" {
            result.unicodeScalars.append(scalar)
            index += 1
        }
        return result
    }

    private mutating func quoted() throws(MPDError) -> String {
        guard let quote = peek, quote == "\"" || quote == "'" else { throw MPDError(.argument, "Quoted string expected") }
        index += 1
        var result = ""
        while let scalar = peek {
            index += 1
            if scalar == quote { return result }
            if scalar == "\\", let escaped = peek { index += 1; result.unicodeScalars.append(escaped); continue }
            result.unicodeScalars.append(scalar)
        }
        throw MPDError(.argument, "Closing quote not found")
    }
}
