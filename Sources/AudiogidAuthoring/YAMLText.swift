import AudiogidCore

/// How authoring tools write values into a `tour.yaml`: the same compact style the demo tours use
/// (`title: {ru: "…", en: "…"}`), quoted wherever YAML could misread a value.
enum YAMLText {
    /// A double-quoted YAML string; escapes what YAML double quotes need (quotes, backslashes, line breaks).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// A path or id written bare when it is plainly a path (letters, digits, `._/-`), quoted otherwise.
    static func pathOrQuoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._/-".unicodeScalars.contains($0)
        }
        let first = text.unicodeScalars.first
        let looksLikeValue = Double(text) != nil || ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"].contains(text.lowercased())
        return plain && first != "-" && first != "." && !looksLikeValue ? text : quoted(text)
    }

    /// A number as staff would write it: `142`, not `142.0`; otherwise the shortest text that reads back the same.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Languages in the tour's order, then any others alphabetically, so files stay stable between runs.
    static func ordered(_ codes: some Sequence<String>, tourLanguages: [String]) -> [String] {
        let set = Set(codes)
        return tourLanguages.filter(set.contains) + set.subtracting(tourLanguages).sorted()
    }

    static func flowText(_ text: LocalizedText, languages: [String]) -> String {
        let parts = ordered(text.byLanguage.keys, tourLanguages: languages).map { "\($0): \(quoted(text.byLanguage[$0]!))" }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    static func flowClips(_ clips: ClipPaths, languages: [String]) -> String {
        let parts = ordered(clips.keys, tourLanguages: languages).map { "\($0): \(pathOrQuoted(clips[$0]!))" }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    static func flowLocation(_ location: Coordinate) -> String {
        var parts = ["lat: \(number(location.lat))", "lon: \(number(location.lon))"]
        if let ele = location.ele { parts.append("ele: \(number(ele))") }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    /// The lines of one stop field, `indent` being the column the stop's keys start at; nil when the stop has no
    /// value for it. The first line carries no indent (the caller places it), the rest are indented.
    static func stopField(_ field: StopField, of stop: Stop, languages: [String], indent: Int) -> [String]? {
        let pad = String(repeating: " ", count: indent + 2)
        switch field {
        case .id: return ["id: \(pathOrQuoted(stop.id))"]
        case .number: return ["number: \(stop.number)"]
        case .title: return stop.title.isEmpty ? nil : ["title: \(flowText(stop.title, languages: languages))"]
        case .location: return stop.location.map { ["location: \(flowLocation($0))"] }
        case .radius: return stop.radiusM.map { ["radius_m: \(number($0))"] }
        case .dwell: return stop.dwellS == 0 ? nil : ["dwell_s: \(number(stop.dwellS))"]
        case .audio: return stop.audio.isEmpty ? nil : ["audio: \(flowClips(stop.audio, languages: languages))"]
        case .draft: return stop.draft ? ["draft: true"] : nil
        case .transcript:
            guard !stop.transcript.isEmpty else { return nil }
            return ["transcript:"] + ordered(stop.transcript.byLanguage.keys, tourLanguages: languages).map {
                "\(pad)\($0): \(quoted(stop.transcript.byLanguage[$0]!))"
            }
        }
    }

    /// A whole stop as a list item, `- id: ...` at `indent`.
    static func stopItem(_ stop: Stop, languages: [String], indent: Int) -> [String] {
        let keyIndent = indent + 2
        var lines: [String] = []
        for field in StopField.allCases {
            guard let fieldLines = stopField(field, of: stop, languages: languages, indent: keyIndent) else { continue }
            let lead = lines.isEmpty ? String(repeating: " ", count: indent) + "- " : String(repeating: " ", count: keyIndent)
            lines.append(lead + fieldLines[0])
            lines += fieldLines.dropFirst()
        }
        return lines
    }
}

/// The fields of a stop, in the order a new stop is written, named as in `tour.yaml`.
public enum StopField: String, CaseIterable, Sendable {
    case id, number, title, location
    case radius = "radius_m"
    case dwell = "dwell_s"
    case audio, transcript, draft
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
