import AudiogidCore
import Yams

/// Turns the YAML tree of a `tour.yaml` into a `Tour`, checking the shape of every field on the way:
/// unknown keys (with a "did you mean"), wrong types, missing required fields.
///
/// It records where each field was written so later checks can point at the right line.
struct ManifestReader {
    static let tourKeys = ["format", "id", "title", "description", "languages", "mode", "speed_kmh", "route", "intro", "stops"]
    static let routeKeys = ["order", "start", "end", "loop", "circuity"]
    static let stopKeys = ["id", "number", "title", "location", "radius_m", "dwell_s", "audio", "transcript"]
    static let locationKeys = ["lat", "lon", "ele"]

    let file: String
    private(set) var findings: [Finding] = []
    private(set) var positions: [String: SourceLocation] = [:]
    /// Fields an unknown key was taken for ("tittle" → "title"): their absence is already explained.
    private var suggested: Set<String> = []
    /// The default language, known once `languages` is read; plain-string text fields belong to it.
    private var defaultLanguage = "en"

    init(file: String) { self.file = file }

    var locator: FieldLocator {
        FieldLocator(file: file, positions: positions, reported: Set(findings.compactMap(\.field)).union(suggested))
    }

    // MARK: - Tour

    mutating func readTour(_ root: Node) -> Tour? {
        guard let mapping = root.mapping else {
            error(at: root, field: "", "the manifest must be a set of 'key: value' fields (format, id, title, languages, stops, ...)")
            return nil
        }
        let fields = readFields(mapping, allowed: Self.tourKeys, path: "", what: "the tour")
        // Languages first: plain-string text fields mean the default language.
        var languages: [String] = []
        if let node = fields["languages"] {
            languages = readLanguageList(node, field: "languages")
        } else {
            error(at: root, field: "languages", "the tour has no 'languages' list (for example: languages: [ru, en])")
        }
        if let first = languages.first { defaultLanguage = first }

        let format = fields["format"].flatMap { readInt($0, field: "format", what: "format") } ?? {
            error(at: root, field: "format", "the tour has no 'format' (write: format: 1)")
            return Tour.currentFormat
        }()
        let id = fields["id"].flatMap { readSlug($0, field: "id", what: "the tour id") } ?? {
            if fields["id"] == nil { error(at: root, field: "id", "the tour has no 'id' (a short name like moyo-selo)") }
            return ""
        }()
        let title = fields["title"].map { readText($0, field: "title", what: "the tour title") } ?? {
            error(at: root, field: "title", "the tour has no 'title'")
            return LocalizedText()
        }()
        let description = fields["description"].map { readText($0, field: "description", what: "the description") } ?? LocalizedText()
        let mode = fields["mode"].flatMap { readEnum($0, TravelMode.self, field: "mode", what: "mode") } ?? .walk
        let speed = fields["speed_kmh"].flatMap { readNumber($0, field: "speed_kmh", what: "speed_kmh") }
        let route = fields["route"].map { readRoute($0) } ?? RoutePlan()
        let intro = fields["intro"].map { readClips($0, field: "intro", what: "the intro clip") } ?? [:]

        var stops: [Stop] = []
        if let node = fields["stops"] {
            if let sequence = node.sequence {
                for (index, item) in sequence.enumerated() {
                    if let stop = readStop(item, index: index) { stops.append(stop) }
                }
            } else {
                error(at: node, field: "stops", "'stops' must be a list, each item starting with '- id: ...'")
            }
        } else {
            error(at: root, field: "stops", "the tour has no 'stops' list")
        }
        return Tour(format: format, id: id, title: title, description: description, languages: languages, mode: mode,
                    speedKmh: speed, route: route, intro: intro, stops: stops)
    }

    private mutating func readRoute(_ node: Node) -> RoutePlan {
        guard let mapping = node.mapping else {
            error(at: node, field: "route", "'route' must be a set of fields, e.g. {order: optimize, loop: true}")
            return RoutePlan()
        }
        let fields = readFields(mapping, allowed: Self.routeKeys, path: "route", what: "route")
        var plan = RoutePlan()
        plan.order = fields["order"].flatMap { readEnum($0, RouteOrder.self, field: "route.order", what: "route order") } ?? .fixed
        plan.start = fields["start"].flatMap { readString($0, field: "route.start", what: "route start") }
        plan.end = fields["end"].flatMap { readString($0, field: "route.end", what: "route end") }
        plan.loop = fields["loop"].flatMap { readBool($0, field: "route.loop", what: "route loop") } ?? false
        plan.circuity = fields["circuity"].flatMap { readNumber($0, field: "route.circuity", what: "route circuity") }
        return plan
    }

    // MARK: - Stops

    private mutating func readStop(_ node: Node, index: Int) -> Stop? {
        let path = "stops[\(index)]"
        positions[path] = location(of: node)
        guard let mapping = node.mapping else {
            error(at: node, field: path, "stop \(index + 1) in the list must be a set of fields starting with '- id: ...'")
            return nil
        }
        let rawID = mapping["id"]?.string
        let label = rawID.map { "stop '\($0)'" } ?? "stop \(index + 1) in the list"
        let fields = readFields(mapping, allowed: Self.stopKeys, path: path, what: label, stop: rawID)

        let id = fields["id"].flatMap { readSlug($0, field: "\(path).id", what: "\(label): id", stop: rawID) } ?? {
            if fields["id"] == nil { error(at: node, field: "\(path).id", "\(label) has no 'id'") }
            return "#\(index + 1)"
        }()
        let number = fields["number"].flatMap { readInt($0, field: "\(path).number", what: "\(label): number", stop: id) } ?? {
            if fields["number"] == nil {
                error(at: node, field: "\(path).number", "\(label) has no 'number' (what visitors press or type)", stop: id)
            }
            return 0
        }()
        let title = fields["title"].map { readText($0, field: "\(path).title", what: "\(label): title", stop: id) } ?? LocalizedText()
        var location: Coordinate?
        if let node = fields["location"] { location = readLocation(node, path: "\(path).location", label: label, stop: id) }
        let radius = fields["radius_m"].flatMap { readNumber($0, field: "\(path).radius_m", what: "\(label): radius_m", stop: id) }
        let dwell = fields["dwell_s"].flatMap { readNumber($0, field: "\(path).dwell_s", what: "\(label): dwell_s", stop: id) } ?? 0
        let audio = fields["audio"].map { readClips($0, field: "\(path).audio", what: "\(label): audio", stop: id) } ?? [:]
        let transcript = fields["transcript"].map {
            readText($0, field: "\(path).transcript", what: "\(label): transcript", stop: id)
        } ?? LocalizedText()
        return Stop(id: id, number: number, title: title, location: location, radiusM: radius, dwellS: dwell,
                    audio: audio, transcript: transcript)
    }

    private mutating func readLocation(_ node: Node, path: String, label: String, stop: String) -> Coordinate? {
        guard let mapping = node.mapping else {
            error(at: node, field: path, "\(label): location must be {lat: ..., lon: ...} in degrees", stop: stop)
            return nil
        }
        let fields = readFields(mapping, allowed: Self.locationKeys, path: path, what: "\(label): location", stop: stop)
        guard let latNode = fields["lat"], let lonNode = fields["lon"] else {
            error(at: node, field: path, "\(label): location needs both lat and lon", stop: stop)
            return nil
        }
        guard let lat = readNumber(latNode, field: "\(path).lat", what: "\(label): latitude", stop: stop),
              let lon = readNumber(lonNode, field: "\(path).lon", what: "\(label): longitude", stop: stop) else { return nil }
        let ele = fields["ele"].flatMap { readNumber($0, field: "\(path).ele", what: "\(label): elevation", stop: stop) }
        return Coordinate(lat: lat, lon: lon, ele: ele)
    }

    // MARK: - Field kinds

    /// Reads a mapping's keys, reporting unknown ones with the nearest known key as a suggestion.
    private mutating func readFields(_ mapping: Node.Mapping, allowed: [String], path: String, what: String,
                                     stop: String? = nil) -> [String: Node] {
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                error(at: key, field: path, "\(what): a key must be a plain word", stop: stop)
                continue
            }
            let field = path.isEmpty ? name : "\(path).\(name)"
            guard allowed.contains(name) else {
                let guess = TourRules.suggestion(for: name, among: allowed)
                let hint = guess.map { " (did you mean '\($0)'?)" } ?? ""
                if let guess { suggested.insert(path.isEmpty ? guess : "\(path).\(guess)") }
                error(at: key, field: field, "\(what): unknown field '\(name)'\(hint)", stop: stop)
                continue
            }
            positions[field] = location(of: key)
            fields[name] = value
        }
        return fields
    }

    /// A text field: a plain string (the default language) or a map of language → text.
    private mutating func readText(_ node: Node, field: String, what: String, stop: String? = nil) -> LocalizedText {
        if let scalar = node.scalar, node.null == nil {
            return LocalizedText([defaultLanguage: scalar.string])
        }
        guard let mapping = node.mapping else {
            error(at: node, field: field, "\(what) must be text or a map of language: text", stop: stop)
            return LocalizedText()
        }
        var texts: [String: String] = [:]
        for (key, value) in mapping {
            guard let code = key.scalar?.string else { continue }
            positions["\(field).\(code)"] = location(of: key)
            guard let text = value.scalar?.string, value.null == nil else {
                error(at: value, field: "\(field).\(code)", "\(what) in '\(code)' must be text", stop: stop)
                continue
            }
            texts[code] = text
        }
        return LocalizedText(texts)
    }

    /// A clip field: one path (the default language) or a map of language → path under `audio/`.
    private mutating func readClips(_ node: Node, field: String, what: String, stop: String? = nil) -> ClipPaths {
        if node.scalar != nil, node.null == nil, let path = readString(node, field: field, what: what, stop: stop) {
            return [defaultLanguage: path]
        }
        guard let mapping = node.mapping else {
            error(at: node, field: field, "\(what) must be a clip path or a map of language: clip path", stop: stop)
            return [:]
        }
        var clips: ClipPaths = [:]
        for (key, value) in mapping {
            guard let code = key.scalar?.string else { continue }
            positions["\(field).\(code)"] = location(of: value)
            if let path = readString(value, field: "\(field).\(code)", what: "\(what) in '\(code)'", stop: stop) {
                clips[code] = path
            }
        }
        return clips
    }

    private mutating func readLanguageList(_ node: Node, field: String) -> [String] {
        guard let sequence = node.sequence else {
            error(at: node, field: field, "languages must be a list like [ru, zh, en]; the first is the default")
            return []
        }
        var codes: [String] = []
        for (index, item) in sequence.enumerated() {
            let itemField = "\(field)[\(index)]"
            positions[itemField] = location(of: item)
            guard let code = item.scalar?.string, item.null == nil, Self.isLanguageCode(code) else {
                error(at: item, field: itemField,
                      "'\(item.scalar?.string ?? "?")' is not a language code; use codes like ru, zh, en (ISO 639-1)")
                continue
            }
            codes.append(code)
        }
        if codes.isEmpty, sequence.isEmpty { error(at: node, field: field, "languages is empty; list at least one") }
        return codes
    }

    private mutating func readString(_ node: Node, field: String, what: String, stop: String? = nil) -> String? {
        guard let scalar = node.scalar, node.null == nil else {
            error(at: node, field: field, "\(what) must be a single value", stop: stop)
            return nil
        }
        return scalar.string
    }

    private mutating func readSlug(_ node: Node, field: String, what: String, stop: String? = nil) -> String? {
        guard let text = readString(node, field: field, what: what, stop: stop) else { return nil }
        guard Self.isSlug(text) else {
            error(at: node, field: field,
                  "\(what) '\(text)' must use only small latin letters, digits and '-', e.g. old-church", stop: stop)
            return text
        }
        return text
    }

    private mutating func readInt(_ node: Node, field: String, what: String, stop: String? = nil) -> Int? {
        guard let scalar = node.scalar, scalar.style == .plain, let value = Int(scalar.string) else {
            error(at: node, field: field, "\(what) must be a whole number, found '\(node.scalar?.string ?? "a list or map")'", stop: stop)
            return nil
        }
        return value
    }

    private mutating func readNumber(_ node: Node, field: String, what: String, stop: String? = nil) -> Double? {
        guard let scalar = node.scalar, scalar.style == .plain, let value = Double(scalar.string), value.isFinite else {
            error(at: node, field: field, "\(what) must be a number, found '\(node.scalar?.string ?? "a list or map")'", stop: stop)
            return nil
        }
        return value
    }

    private mutating func readBool(_ node: Node, field: String, what: String) -> Bool? {
        guard let scalar = node.scalar, scalar.style == .plain, let value = node.bool else {
            error(at: node, field: field, "\(what) must be true or false, found '\(node.scalar?.string ?? "a list or map")'")
            return nil
        }
        return value
    }

    private mutating func readEnum<Value: RawRepresentable & CaseIterable>(
        _ node: Node, _ type: Value.Type, field: String, what: String
    ) -> Value? where Value.RawValue == String {
        let options = Value.allCases.map(\.rawValue)
        guard let text = node.scalar?.string, let value = Value(rawValue: text) else {
            let found = node.scalar?.string ?? "a list or map"
            let hint = TourRules.suggestion(for: found, among: options).map { " (did you mean '\($0)'?)" } ?? ""
            error(at: node, field: field, "\(what) must be one of \(options.joined(separator: ", ")), found '\(found)'\(hint)")
            return nil
        }
        return value
    }

    // MARK: - Findings

    private func location(of node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    private mutating func error(at node: Node, field: String, _ message: String, stop: String? = nil) {
        if message.contains(" has no '"), suggested.contains(field) { return }
        findings.append(Finding(.error, at: location(of: node), message, stop: stop, field: field.isEmpty ? nil : field))
    }

    static func isSlug(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 64 else { return false }
        let allowed: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        return first != "-" && text.unicodeScalars.allSatisfy(allowed)
    }

    static func isLanguageCode(_ text: String) -> Bool {
        let parts = text.split(separator: "-", maxSplits: 1)
        guard let base = parts.first, (2...3).contains(base.count),
              base.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) }) else { return false }
        return parts.count == 1 || parts[1].unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}
