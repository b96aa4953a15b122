import AudiogidCore
import AudiogidManifest
import Foundation
import Yams

/// Writes stop changes into a `tour.yaml`'s text in place: only the lines of the fields that change are replaced,
/// so every other line, comments included, stays as staff wrote it. New stops go after the last one.
public enum ManifestEditor {
    public static func apply(_ edits: [StopEdit], to text: String, file: String, languages: [String]) throws(AuthoringError) -> String {
        let changes = edits.filter { !$0.changed.isEmpty }
        guard !changes.isEmpty else { return text }
        let root: Node
        do {
            guard let node = try YAMLDocument(text: text, file: file).root else { throw AuthoringError("\(file) is empty") }
            root = node
        } catch let error as YAMLReadError {
            throw AuthoringError(error.finding.line)
        } catch {
            throw AuthoringError("\(file): \(error)")
        }
        var lines = text.components(separatedBy: "\n")
        let endsWithNewline = lines.last == ""
        if endsWithNewline { lines.removeLast() }

        guard let mapping = root.mapping,
              let (stopsKey, stopsValue) = mapping.first(where: { $0.key.string == "stops" }),
              let keyLine = stopsKey.mark?.line else {
            throw AuthoringError("\(file) has no 'stops:' list to update")
        }
        // The stops block ends before the next top-level key written below it, or at the end of the file.
        let nextTopLine = mapping.compactMap { $0.key.mark?.line }.filter { $0 > keyLine }.min()
        let blockEnd = trimmed(lines, from: keyLine, to: (nextTopLine ?? lines.count + 1) - 1)
        var replacements: [(first: Int, last: Int, lines: [String])] = []  // 1-based, inclusive; last < first inserts

        let items = stopsValue.sequence.map(Array.init) ?? []
        let blockStyle = stopsValue.sequence?.style != .flow && !items.isEmpty
            && items.allSatisfy { $0.mapping?.style != .flow && $0.mark != nil }
        if !blockStyle {
            // `stops: []` or a flow list: write the whole list out in block style.
            var stops: [Stop?] = Array(repeating: nil, count: items.count)
            for edit in edits { if let index = edit.index, index < stops.count { stops[index] = edit.stop } }
            guard stops.allSatisfy({ $0 != nil }) else {
                throw AuthoringError("\(file): the stops are written on one line ({...}); write them as a list of '- id: ...' to update them from a sheet")
            }
            let all = stops.compactMap { $0 } + changes.filter { $0.index == nil }.map(\.stop)
            let indent = (stopsKey.mark?.column ?? 1) - 1
            let body = all.flatMap { YAMLText.stopItem($0, languages: languages, indent: indent + 2) }
            let keyText = String(lines[keyLine - 1].prefix(indent)) + "stops:"
            replacements.append((keyLine, blockEnd, [keyText] + body))
        } else {
            let starts = items.map { $0.mark!.line }
            for edit in changes {
                guard let index = edit.index else { continue }
                let item = items[index]
                let itemEnd = trimmed(lines, from: starts[index], to: index + 1 < starts.count ? starts[index + 1] - 1 : blockEnd)
                replacements += fieldReplacements(edit, item: item, itemEnd: itemEnd, lines: lines, languages: languages)
            }
            let added = changes.filter { $0.index == nil }
            if !added.isEmpty {
                let dashColumn = dashIndent(lines[starts[0] - 1])
                let body = added.flatMap { YAMLText.stopItem($0.stop, languages: languages, indent: dashColumn) }
                replacements.append((blockEnd + 1, blockEnd, body))
            }
        }
        for change in replacements.sorted(by: { $0.first > $1.first }) {
            lines.replaceSubrange((change.first - 1)..<change.last, with: change.lines)
        }
        return lines.joined(separator: "\n") + (endsWithNewline ? "\n" : "")
    }

    /// Replaces each changed field's lines, adds fields the stop did not have after its last one, drops fields emptied.
    private static func fieldReplacements(_ edit: StopEdit, item: Node, itemEnd: Int, lines: [String],
                                          languages: [String]) -> [(first: Int, last: Int, lines: [String])] {
        guard let mapping = item.mapping else { return [] }
        let keys = mapping.compactMap { pair -> (name: String, line: Int, column: Int)? in
            guard let name = pair.key.string, let mark = pair.key.mark else { return nil }
            return (name, mark.line, mark.column)
        }.sorted { $0.line < $1.line }
        let indent = (keys.first?.column ?? 1) - 1
        var result: [(first: Int, last: Int, lines: [String])] = []
        var missing: [String] = []
        for field in StopField.allCases where edit.changed.contains(field) {
            let rendered = YAMLText.stopField(field, of: edit.stop, languages: languages, indent: indent) ?? []
            guard let position = keys.firstIndex(where: { $0.name == field.rawValue }) else {
                if !rendered.isEmpty { missing += [String(repeating: " ", count: indent) + rendered[0]] + rendered.dropFirst() }
                continue
            }
            let key = keys[position]
            let last = trimmed(lines, from: key.line, to: position + 1 < keys.count ? keys[position + 1].line - 1 : itemEnd)
            // Keep what precedes the key on its line (indentation, or "- " on a stop's first line).
            let prefix = String(lines[key.line - 1].prefix(key.column - 1))
            let replaced = rendered.isEmpty ? [] : [prefix + rendered[0]] + rendered.dropFirst()
            result.append((key.line, last, replaced))
        }
        if !missing.isEmpty { result.append((itemEnd + 1, itemEnd, missing)) }
        return result
    }

    /// `last`, moved up past blank and comment-only lines (they belong to what follows), but not above `first`.
    private static func trimmed(_ lines: [String], from first: Int, to last: Int) -> Int {
        var end = min(last, lines.count)
        while end > first {
            let text = lines[end - 1].trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("#") { end -= 1 } else { break }
        }
        return end
    }

    private static func dashIndent(_ line: String) -> Int { line.prefix { $0 == " " }.count }
}
