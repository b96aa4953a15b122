import AudiogidCore
import AudiogidMessages
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
            yaml.error(at: root, field: "", Wording(.manifestNotMapping))
            return nil
        }
        let fields = yaml.fields(root, allowed: Self.tourKeys, path: "", what: .of(.whatTheTour)) ?? [:]
        // Languages first: plain-string text fields mean the default language.
        var languages: [String] = []
        if let node = fields["languages"] {
            languages = readLanguageList(node, field: "languages")
        } else {
            yaml.missing(at: root, field: "languages", Wording(.noLanguages))
        }
        if let first = languages.first { defaultLanguage = first }

        let format = fields["format"].flatMap { yaml.int($0, field: "format", what: .of(.whatFormat)) } ?? {
            yaml.missing(at: root, field: "format", Wording(.noFormat))
            return Tour.currentFormat
        }()
        let id = fields["id"].flatMap { readSlug($0, field: "id", what: .of(.whatTourID)) } ?? {
            if fields["id"] == nil { yaml.missing(at: root, field: "id", Wording(.noID)) }
            return ""
        }()
        let version = fields["version"].flatMap { readVersion($0) }
        let title = fields["title"].map { readText($0, field: "title", what: .of(.whatTourTitle)) } ?? {
            yaml.missing(at: root, field: "title", Wording(.noTitleField))
            return LocalizedText()
        }()
        let description = fields["description"].map { readText($0, field: "description", what: .of(.whatDescription)) } ?? LocalizedText()
        let mode = fields["mode"].flatMap { yaml.choice($0, TravelMode.self, field: "mode", what: .of(.whatMode)) } ?? .walk
        let speed = fields["speed_kmh"].flatMap { yaml.number($0, field: "speed_kmh", what: .of(.whatSpeed)) }
        let route = fields["route"].map { readRoute($0) } ?? RoutePlan()
        let intro = fields["intro"].map { readClips($0, field: "intro", what: .of(.whatIntro)) } ?? [:]

        var stops: [Stop] = []
        if let node = fields["stops"] {
            if let sequence = node.sequence {
                for (index, item) in sequence.enumerated() {
                    if let stop = readStop(item, index: index) { stops.append(stop) }
                }
            } else {
                yaml.error(at: node, field: "stops", Wording(.stopsNotList))
            }
        } else {
            yaml.missing(at: root, field: "stops", Wording(.noStopsList))
        }
        return Tour(format: format, id: id, title: title, description: description, languages: languages, mode: mode,
                    speedKmh: speed, route: route, intro: intro, stops: stops, version: version)
    }

    private mutating func readRoute(_ node: Node) -> RoutePlan {
        guard node.mapping != nil else {
            yaml.error(at: node, field: "route", Wording(.routeNotMapping))
            return RoutePlan()
        }
        let fields = yaml.fields(node, allowed: Self.routeKeys, path: "route", what: .of(.whatRoute)) ?? [:]
        var plan = RoutePlan()
        plan.order = fields["order"].flatMap { yaml.choice($0, RouteOrder.self, field: "route.order", what: .of(.whatRouteField, "order")) } ?? .fixed
        plan.start = fields["start"].flatMap { yaml.string($0, field: "route.start", what: .of(.whatRouteField, "start")) }
        plan.end = fields["end"].flatMap { yaml.string($0, field: "route.end", what: .of(.whatRouteField, "end")) }
        plan.loop = fields["loop"].flatMap { yaml.bool($0, field: "route.loop", what: .of(.whatRouteField, "loop")) } ?? false
        plan.circuity = fields["circuity"].flatMap { yaml.number($0, field: "route.circuity", what: .of(.whatRouteField, "circuity")) }
        return plan
    }

    // MARK: - Stops

    private mutating func readStop(_ node: Node, index: Int) -> Stop? {
        let path = "stops[\(index)]"
        yaml.record(path, at: node)
        guard let mapping = node.mapping else {
            yaml.error(at: node, field: path, Wording(.stopNotMapping, .number(index + 1)))
            return nil
        }
        let rawID = mapping["id"]?.string
        let label: Piece = rawID.map { Piece.of(.stopLabelID, .text($0)) } ?? Piece.of(.stopLabelIndex, .number(index + 1))
        func named(_ key: String) -> Piece { .of(.labelField, label, .text(key)) }
        let fields = yaml.fields(node, allowed: Self.stopKeys, path: path, what: label, stop: rawID) ?? [:]

        let id = fields["id"].flatMap { readSlug($0, field: "\(path).id", what: named("id"), stop: rawID) } ?? {
            if fields["id"] == nil { yaml.missing(at: node, field: "\(path).id", Wording(.stopNoID, label)) }
            return "#\(index + 1)"
        }()
        let number = fields["number"].flatMap { yaml.int($0, field: "\(path).number", what: named("number"), stop: id) } ?? {
            if fields["number"] == nil {
                yaml.missing(at: node, field: "\(path).number", Wording(.stopNoNumber, label), stop: id)
            }
            return 0
        }()
        let title = fields["title"].map { readText($0, field: "\(path).title", what: named("title"), stop: id) } ?? LocalizedText()
        var location: Coordinate?
        if let node = fields["location"] { location = readLocation(node, path: "\(path).location", label: label, stop: id) }
        let radius = fields["radius_m"].flatMap { yaml.number($0, field: "\(path).radius_m", what: named("radius_m"), stop: id) }
        let dwell = fields["dwell_s"].flatMap { yaml.number($0, field: "\(path).dwell_s", what: named("dwell_s"), stop: id) } ?? 0
        let audio = fields["audio"].map { readClips($0, field: "\(path).audio", what: named("audio"), stop: id) } ?? [:]
        let transcript = fields["transcript"].map {
            readText($0, field: "\(path).transcript", what: named("transcript"), stop: id)
        } ?? LocalizedText()
        let draft = fields["draft"].flatMap { yaml.bool($0, field: "\(path).draft", what: named("draft"), stop: id) } ?? false
        let image = fields["image"].flatMap {
            yaml.string($0, field: "\(path).image", what: named("image"), allowEmpty: false, stop: id)
        }
        return Stop(id: id, number: number, title: title, location: location, radiusM: radius, dwellS: dwell,
                    audio: audio, transcript: transcript, draft: draft, image: image)
    }

    private mutating func readLocation(_ node: Node, path: String, label: Piece, stop: String) -> Coordinate? {
        guard node.mapping != nil else {
            yaml.error(at: node, field: path, Wording(.locationNotMapping, label), stop: stop)
            return nil
        }
        let fields = yaml.fields(node, allowed: Self.locationKeys, path: path, what: .of(.labelField, label, "location"), stop: stop) ?? [:]
        guard let latNode = fields["lat"], let lonNode = fields["lon"] else {
            yaml.error(at: node, field: path, Wording(.locationNeedsBoth, label), stop: stop)
            return nil
        }
        guard let lat = yaml.number(latNode, field: "\(path).lat", what: .of(.labelWord, label, .of(.latitude)), stop: stop),
              let lon = yaml.number(lonNode, field: "\(path).lon", what: .of(.labelWord, label, .of(.longitude)), stop: stop) else { return nil }
        let ele = fields["ele"].flatMap { yaml.number($0, field: "\(path).ele", what: .of(.labelWord, label, .of(.elevation)), stop: stop) }
        return Coordinate(lat: lat, lon: lon, ele: ele)
    }

    // MARK: - Field kinds

    /// A text field: a plain string (the default language) or a map of language → text.
    private mutating func readText(_ node: Node, field: String, what: Piece, stop: String? = nil) -> LocalizedText {
        if let scalar = node.scalar, node.null == nil {
            return LocalizedText([defaultLanguage: scalar.string])
        }
        guard let mapping = node.mapping else {
            yaml.error(at: node, field: field, Wording(.textNotTextOrMap, what), stop: stop)
            return LocalizedText()
        }
        var texts: [String: String] = [:]
        for (key, value) in mapping {
            guard let code = key.scalar?.string else { continue }
            yaml.record("\(field).\(code)", at: key)
            guard let text = value.scalar?.string, value.null == nil else {
                yaml.error(at: value, field: "\(field).\(code)", Wording(.textInLanguageNotText, what, .text(code)), stop: stop)
                continue
            }
            texts[code] = text
        }
        return LocalizedText(texts)
    }

    /// A clip field: one path (the default language) or a map of language → path under `audio/`.
    private mutating func readClips(_ node: Node, field: String, what: Piece, stop: String? = nil) -> ClipPaths {
        if node.scalar != nil, node.null == nil, let path = yaml.string(node, field: field, what: what, stop: stop) {
            return [defaultLanguage: path]
        }
        guard let mapping = node.mapping else {
            yaml.error(at: node, field: field, Wording(.clipsNotPathOrMap, what), stop: stop)
            return [:]
        }
        var clips: ClipPaths = [:]
        for (key, value) in mapping {
            guard let code = key.scalar?.string else { continue }
            yaml.record("\(field).\(code)", at: value)
            if let path = yaml.string(value, field: "\(field).\(code)", what: .of(.whatInLanguage, what, .text(code)), stop: stop) {
                clips[code] = path
            }
        }
        return clips
    }

    /// `version: 3` or `version: 2026.11.2`; a YAML float such as `1.10` is read as written, not as 1.1.
    private mutating func readVersion(_ node: Node) -> TourVersion? {
        guard let scalar = node.scalar, node.null == nil, let version = TourVersion(scalar.string) else {
            yaml.error(at: node, field: "version",
                       Wording(.badVersion, .text(node.scalar?.string ?? "?")))
            return nil
        }
        return version
    }

    private mutating func readLanguageList(_ node: Node, field: String) -> [String] {
        guard let sequence = node.sequence else {
            yaml.error(at: node, field: field, Wording(.languagesNotList))
            return []
        }
        var codes: [String] = []
        for (index, item) in sequence.enumerated() {
            let itemField = "\(field)[\(index)]"
            yaml.record(itemField, at: item)
            guard let code = item.scalar?.string, item.null == nil, Self.isLanguageCode(code) else {
                yaml.error(at: item, field: itemField,
                      Wording(.notLanguageCode, .text(item.scalar?.string ?? "?")))
                continue
            }
            codes.append(code)
        }
        if codes.isEmpty, sequence.isEmpty { yaml.error(at: node, field: field, Wording(.languagesEmpty)) }
        return codes
    }

    private mutating func readSlug(_ node: Node, field: String, what: Piece, stop: String? = nil) -> String? {
        guard let text = yaml.string(node, field: field, what: what, stop: stop) else { return nil }
        guard Self.isSlug(text) else {
            yaml.error(at: node, field: field,
                       Wording(.badSlug, what, .text(text)), stop: stop)
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
