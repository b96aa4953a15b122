import AudiogidCore
import Yams

/// Turns the YAML tree of a `tour.yaml` into a `Tour`, checking the shape of every field on the way:
/// unknown keys (with a "did you mean"), wrong types, missing required fields.
///
/// It records where each field was written so later checks can point at the right line.
struct ManifestReader {
    static let tourKeys = ["format", "id", "version", "title", "description", "languages", "mode", "speed_kmh", "route", "intro", "stops"]
    static let routeKeys = ["order", "start", "end", "loop", "circuity"]
    static let stopKeys = ["id", "number", "title", "location", "radius_m", "dwell_s", "audio", "transcript", "draft", "image"]
    static let locationKeys = ["lat", "lon", "ele"]

    private var yaml: StrictYAML
    /// The default language, known once `languages` is read; plain-string text fields belong to it.
    private var defaultLanguage = "en"

    init(file: String) { yaml = StrictYAML(file: file, naming: .described) }

    var findings: [Finding] { yaml.findings }

    var locator: FieldLocator {
        FieldLocator(file: yaml.file, positions: yaml.positions, reported: Set(findings.compactMap(\.field)).union(yaml.suggested))
    }

    // MARK: - Tour

    mutating func readTour(_ root: Node) -> Tour? {
        guard root.mapping != nil else {
            yaml.error(at: root, field: "", "the manifest must be a set of 'key: value' fields (format, id, title, languages, stops, ...)")
            return nil
        }
        let fields = yaml.fields(root, allowed: Self.tourKeys, path: "", what: "the tour") ?? [:]
        // Languages first: plain-string text fields mean the default language.
        var languages: [String] = []
        if let node = fields["languages"] {
            languages = readLanguageList(node, field: "languages")
        } else {
            yaml.missing(at: root, field: "languages", "the tour has no 'languages' list (for example: languages: [ru, en])")
        }
        if let first = languages.first { defaultLanguage = first }

        let format = fields["format"].flatMap { yaml.int($0, field: "format", what: "format") } ?? {
            yaml.missing(at: root, field: "format", "the tour has no 'format' (write: format: 1)")
            return Tour.currentFormat
        }()
        let id = fields["id"].flatMap { readSlug($0, field: "id", what: "the tour id") } ?? {
            if fields["id"] == nil { yaml.missing(at: root, field: "id", "the tour has no 'id' (a short name like moyo-selo)") }
            return ""
        }()
        let version = fields["version"].flatMap { readVersion($0) }
        let title = fields["title"].map { readText($0, field: "title", what: "the tour title") } ?? {
            yaml.missing(at: root, field: "title", "the tour has no 'title'")
            return LocalizedText()
        }()
        let description = fields["description"].map { readText($0, field: "description", what: "the description") } ?? LocalizedText()
        let mode = fields["mode"].flatMap { yaml.choice($0, TravelMode.self, field: "mode", what: "mode") } ?? .walk
        let speed = fields["speed_kmh"].flatMap { yaml.number($0, field: "speed_kmh", what: "speed_kmh") }
        let route = fields["route"].map { readRoute($0) } ?? RoutePlan()
        let intro = fields["intro"].map { readClips($0, field: "intro", what: "the intro clip") } ?? [:]

        var stops: [Stop] = []
        if let node = fields["stops"] {
            if let sequence = node.sequence {
                for (index, item) in sequence.enumerated() {
                    if let stop = readStop(item, index: index) { stops.append(stop) }
                }
            } else {
                yaml.error(at: node, field: "stops", "'stops' must be a list, each item starting with '- id: ...'")
            }
        } else {
            yaml.missing(at: root, field: "stops", "the tour has no 'stops' list")
        }
        return Tour(format: format, id: id, title: title, description: description, languages: languages, mode: mode,
                    speedKmh: speed, route: route, intro: intro, stops: stops, version: version)
    }

    private mutating func readRoute(_ node: Node) -> RoutePlan {
        guard node.mapping != nil else {
            yaml.error(at: node, field: "route", "'route' must be a set of fields, e.g. {order: optimize, loop: true}")
            return RoutePlan()
        }
        let fields = yaml.fields(node, allowed: Self.routeKeys, path: "route", what: "route") ?? [:]
        var plan = RoutePlan()
        plan.order = fields["order"].flatMap { yaml.choice($0, RouteOrder.self, field: "route.order", what: "route order") } ?? .fixed
        plan.start = fields["start"].flatMap { yaml.string($0, field: "route.start", what: "route start") }
        plan.end = fields["end"].flatMap { yaml.string($0, field: "route.end", what: "route end") }
        plan.loop = fields["loop"].flatMap { yaml.bool($0, field: "route.loop", what: "route loop") } ?? false
        plan.circuity = fields["circuity"].flatMap { yaml.number($0, field: "route.circuity", what: "route circuity") }
        return plan
    }

    // MARK: - Stops

    private mutating func readStop(_ node: Node, index: Int) -> Stop? {
        let path = "stops[\(index)]"
        yaml.record(path, at: node)
        guard let mapping = node.mapping else {
            yaml.error(at: node, field: path, "stop \(index + 1) in the list must be a set of fields starting with '- id: ...'")
            return nil
        }
        let rawID = mapping["id"]?.string
        let label = rawID.map { "stop '\($0)'" } ?? "stop \(index + 1) in the list"
        let fields = yaml.fields(node, allowed: Self.stopKeys, path: path, what: label, stop: rawID) ?? [:]

        let id = fields["id"].flatMap { readSlug($0, field: "\(path).id", what: "\(label): id", stop: rawID) } ?? {
            if fields["id"] == nil { yaml.missing(at: node, field: "\(path).id", "\(label) has no 'id'") }
            return "#\(index + 1)"
        }()
        let number = fields["number"].flatMap { yaml.int($0, field: "\(path).number", what: "\(label): number", stop: id) } ?? {
            if fields["number"] == nil {
                yaml.missing(at: node, field: "\(path).number", "\(label) has no 'number' (what visitors press or type)", stop: id)
            }
            return 0
        }()
        let title = fields["title"].map { readText($0, field: "\(path).title", what: "\(label): title", stop: id) } ?? LocalizedText()
        var location: Coordinate?
        if let node = fields["location"] { location = readLocation(node, path: "\(path).location", label: label, stop: id) }
        let radius = fields["radius_m"].flatMap { yaml.number($0, field: "\(path).radius_m", what: "\(label): radius_m", stop: id) }
        let dwell = fields["dwell_s"].flatMap { yaml.number($0, field: "\(path).dwell_s", what: "\(label): dwell_s", stop: id) } ?? 0
        let audio = fields["audio"].map { readClips($0, field: "\(path).audio", what: "\(label): audio", stop: id) } ?? [:]
        let transcript = fields["transcript"].map {
            readText($0, field: "\(path).transcript", what: "\(label): transcript", stop: id)
        } ?? LocalizedText()
        let draft = fields["draft"].flatMap { yaml.bool($0, field: "\(path).draft", what: "\(label): draft", stop: id) } ?? false
        let image = fields["image"].flatMap {
            yaml.string($0, field: "\(path).image", what: "\(label): image", allowEmpty: false, stop: id)
        }
        return Stop(id: id, number: number, title: title, location: location, radiusM: radius, dwellS: dwell,
                    audio: audio, transcript: transcript, draft: draft, image: image)
    }

    private mutating func readLocation(_ node: Node, path: String, label: String, stop: String) -> Coordinate? {
        guard node.mapping != nil else {
            yaml.error(at: node, field: path, "\(label): location must be {lat: ..., lon: ...} in degrees", stop: stop)
            return nil
        }
        let fields = yaml.fields(node, allowed: Self.locationKeys, path: path, what: "\(label): location", stop: stop) ?? [:]
        guard let latNode = fields["lat"], let lonNode = fields["lon"] else {
            yaml.error(at: node, field: path, "\(label): location needs both lat and lon", stop: stop)
            return nil
        }
        guard let lat = yaml.number(latNode, field: "\(path).lat", what: "\(label): latitude", stop: stop),
              let lon = yaml.number(lonNode, field: "\(path).lon", what: "\(label): longitude", stop: stop) else { return nil }
        let ele = fields["ele"].flatMap { yaml.number($0, field: "\(path).ele", what: "\(label): elevation", stop: stop) }
        return Coordinate(lat: lat, lon: lon, ele: ele)
    }

    // MARK: - Field kinds

    /// A text field: a plain string (the default language) or a map of language → text.
    private mutating func readText(_ node: Node, field: String, what: String, stop: String? = nil) -> LocalizedText {
        if let scalar = node.scalar, node.null == nil {
            return LocalizedText([defaultLanguage: scalar.string])
        }
        guard let mapping = node.mapping else {
            yaml.error(at: node, field: field, "\(what) must be text or a map of language: text", stop: stop)
            return LocalizedText()
        }
        var texts: [String: String] = [:]
        for (key, value) in mapping {
            guard let code = key.scalar?.string else { continue }
            yaml.record("\(field).\(code)", at: key)
            guard let text = value.scalar?.string, value.null == nil else {
                yaml.error(at: value, field: "\(field).\(code)", "\(what) in '\(code)' must be text", stop: stop)
                continue
            }
            texts[code] = text
        }
        return LocalizedText(texts)
    }

    /// A clip field: one path (the default language) or a map of language → path under `audio/`.
    private mutating func readClips(_ node: Node, field: String, what: String, stop: String? = nil) -> ClipPaths {
        if node.scalar != nil, node.null == nil, let path = yaml.string(node, field: field, what: what, stop: stop) {
            return [defaultLanguage: path]
        }
        guard let mapping = node.mapping else {
            yaml.error(at: node, field: field, "\(what) must be a clip path or a map of language: clip path", stop: stop)
            return [:]
        }
        var clips: ClipPaths = [:]
        for (key, value) in mapping {
            guard let code = key.scalar?.string else { continue }
            yaml.record("\(field).\(code)", at: value)
            if let path = yaml.string(value, field: "\(field).\(code)", what: "\(what) in '\(code)'", stop: stop) {
                clips[code] = path
            }
        }
        return clips
    }

    /// `version: 3` or `version: 2026.11.2`; a YAML float such as `1.10` is read as written, not as 1.1.
    private mutating func readVersion(_ node: Node) -> TourVersion? {
        guard let scalar = node.scalar, node.null == nil, let version = TourVersion(scalar.string) else {
            yaml.error(at: node, field: "version",
                       "version '\(node.scalar?.string ?? "?")' must be a positive whole number or dotted numbers, e.g. 3 or 2026.11.2")
            return nil
        }
        return version
    }

    private mutating func readLanguageList(_ node: Node, field: String) -> [String] {
        guard let sequence = node.sequence else {
            yaml.error(at: node, field: field, "languages must be a list like [ru, zh, en]; the first is the default")
            return []
        }
        var codes: [String] = []
        for (index, item) in sequence.enumerated() {
            let itemField = "\(field)[\(index)]"
            yaml.record(itemField, at: item)
            guard let code = item.scalar?.string, item.null == nil, Self.isLanguageCode(code) else {
                yaml.error(at: item, field: itemField,
                      "'\(item.scalar?.string ?? "?")' is not a language code; use codes like ru, zh, en (ISO 639-1)")
                continue
            }
            codes.append(code)
        }
        if codes.isEmpty, sequence.isEmpty { yaml.error(at: node, field: field, "languages is empty; list at least one") }
        return codes
    }

    private mutating func readSlug(_ node: Node, field: String, what: String, stop: String? = nil) -> String? {
        guard let text = yaml.string(node, field: field, what: what, stop: stop) else { return nil }
        guard Self.isSlug(text) else {
            yaml.error(at: node, field: field,
                       "\(what) '\(text)' must use only small latin letters, digits and '-', e.g. old-church", stop: stop)
            return text
        }
        return text
    }

    // MARK: - Findings

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
