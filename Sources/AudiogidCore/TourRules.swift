import AudiogidMessages

/// The rules a tour must follow beyond the shape of its manifest: unique ids and numbers, route ends that
/// name real stops, languages that are declared, clips present in every language.
///
/// The manifest reader checks types and spelling; these rules see the whole tour at once.
/// They are pure: a `Tour` and a `FieldLocator` in, findings out.
public enum TourRules {
    public static let stopNumberRange = 1...9999

    public static func check(_ tour: Tour, locator: FieldLocator) -> [Finding] {
        var findings: [Finding] = []
        func add(_ severity: Finding.Severity, _ field: String, _ message: Wording, stop: String? = nil) {
            guard !locator.reported.contains(field) else { return }
            findings.append(Finding(severity, at: locator.locate(field), message, stop: stop, field: field))
        }

        if tour.format != Tour.currentFormat {
            add(.error, "format", Wording(.formatUnsupported, "\(tour.format)", "\(Tour.currentFormat)"))
        }
        let declared = Set(tour.languages)
        var seenLanguages = Set<String>()
        for (index, code) in tour.languages.enumerated() where !seenLanguages.insert(code).inserted {
            add(.error, "languages[\(index)]", Wording(.languageTwice, .text(code)))
        }

        func checkLanguages<Values>(_ map: [String: Values], field: String, what: Piece, stop: String? = nil) {
            for code in map.keys.sorted() where !declared.contains(code) {
                add(.error, "\(field).\(code)",
                    Wording(.undeclaredLanguage, what, .text(code), "\(tour.languages)"), stop: stop)
            }
        }
        checkLanguages(tour.title.byLanguage, field: "title", what: .of(.whatTourTitle))
        checkLanguages(tour.description.byLanguage, field: "description", what: .of(.whatTourDescription))
        checkLanguages(tour.intro, field: "intro", what: .of(.whatIntro))
        if tour.title.isEmpty { add(.error, "title", Wording(.tourNoTitle)) }

        if tour.stops.isEmpty { add(.error, "stops", Wording(.tourNoStops)) }

        var firstByID: [String: Int] = [:]
        var firstByNumber: [Int: Int] = [:]
        for (index, stop) in tour.stops.enumerated() {
            let field = "stops[\(index)]"
            let name = naming(stop, in: tour)
            if let first = firstByID[stop.id] {
                add(.error, "\(field).id", Wording(.stopIDTwice, .text(stop.id), .number(first + 1)), stop: stop.id)
            } else {
                firstByID[stop.id] = index
            }
            if !stopNumberRange.contains(stop.number) {
                add(.error, "\(field).number", Wording(.numberOutOfRange, name, .number(stop.number)), stop: stop.id)
            } else if let first = firstByNumber[stop.number] {
                add(.error, "\(field).number",
                    Wording(.numberUsed, name, .number(stop.number), .text(tour.stops[first].id)), stop: stop.id)
            } else {
                firstByNumber[stop.number] = index
            }
            if stop.title.isEmpty { add(.error, "\(field).title", Wording(.stopNoTitle, name), stop: stop.id) }
            checkLanguages(stop.title.byLanguage, field: "\(field).title", what: .of(.nameTitle, name), stop: stop.id)
            checkLanguages(stop.transcript.byLanguage, field: "\(field).transcript", what: .of(.nameTranscript, name), stop: stop.id)
            checkLanguages(stop.audio, field: "\(field).audio", what: .of(.nameClipList, name), stop: stop.id)

            if let location = stop.location {
                if !(-90...90).contains(location.lat) {
                    add(.error, "\(field).location.lat", Wording(.latOutOfRange, name, "\(location.lat)"), stop: stop.id)
                }
                if !(-180...180).contains(location.lon) {
                    add(.error, "\(field).location.lon", Wording(.lonOutOfRange, name, "\(location.lon)"), stop: stop.id)
                }
                if let ele = location.ele, !(-500...9000).contains(ele) {
                    add(.error, "\(field).location.ele", Wording(.eleOffPlanet, name, "\(ele)"), stop: stop.id)
                }
            } else if tour.mode == .boat {
                add(.error, "\(field)", Wording(.boatStopNoLocation, name), stop: stop.id)
            }
            if let radius = stop.radiusM, radius <= 0 {
                add(.error, "\(field).radius_m", Wording(.radiusNotPositive, name), stop: stop.id)
            } else if stop.radiusM == nil, tour.mode == .boat {
                add(.warning, "\(field)", Wording(.boatStopNoRadius, name), stop: stop.id)
            }
            if stop.dwellS < 0 { add(.error, "\(field).dwell_s", Wording(.dwellNegative, name), stop: stop.id) }
            if stop.draft {
                add(.warning, "\(field).draft",
                    Wording(.draftClips, name), stop: stop.id)
            }

            if stop.audio.isEmpty {
                add(.warning, "\(field)", Wording(.noClips, name), stop: stop.id)
            } else if stop.audio[tour.defaultLanguage] == nil {
                add(.warning, "\(field).audio",
                    Wording(.noDefaultClip, name, .text(tour.defaultLanguage)),
                    stop: stop.id)
            } else {
                for code in tour.languages where stop.audio[code] == nil {
                    add(.warning, "\(field).audio",
                        Wording(.missingLanguageClip, name, .text(code), .text(tour.defaultLanguage)),
                        stop: stop.id)
                }
            }
        }

        for end in ["start", "end"] {
            let id = end == "start" ? tour.route.start : tour.route.end
            if let id, tour.stop(id: id) == nil {
                let hint: Piece = suggestion(for: id, among: tour.stops.map(\.id)).map { Piece.of(.didYouMean, .text($0)) } ?? ""
                add(.error, "route.\(end)", Wording(.routeEndNotStop, .text(end), .text(id), hint))
            }
        }
        if tour.route.loop, let end = tour.route.end, end != tour.route.start {
            add(.error, "route.end", Wording(.loopEnds, .text(end)))
        }
        if let circuity = tour.route.circuity, !(1...3).contains(circuity) {
            add(.error, "route.circuity", Wording(.circuityImplausible, "\(circuity)"))
        }
        if let speed = tour.speedKmh, !(speed > 0 && speed <= 80) {
            add(.error, "speed_kmh", Wording(.speedImplausible, "\(speed)"))
        }
        if tour.route.order == .optimize {
            let unplaced = tour.stops.filter { $0.location == nil }.map(\.id)
            if !unplaced.isEmpty {
                add(.warning, "route.order", Wording(.unplacedStops, .text(unplaced.joined(separator: ", "))))
            }
        }
        return findings
    }

    /// How a finding names a stop to a librarian: `stop 4 "Church" (church)`.
    public static func describe(_ stop: Stop, in tour: Tour) -> String {
        message(naming: stop, in: tour).english
    }

    /// The same, by meaning, for a finding shown in the staff's language.
    public static func naming(_ stop: Stop, in tour: Tour) -> Piece {
        .wording(message(naming: stop, in: tour))
    }

    private static func message(naming stop: Stop, in tour: Tour) -> Wording {
        if let title = stop.title.text(in: tour.defaultLanguage) {
            return Wording(.stopDescribedTitled, .number(stop.number), .text(title), .text(stop.id))
        }
        return Wording(.stopDescribed, .number(stop.number), .text(stop.id))
    }

    /// The closest of `candidates` to a misspelt `word`, if one is close enough to be a typo.
    public static func suggestion(for word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let allowed = best.0.count <= 4 ? 1 : best.0.count <= 8 ? 2 : 3
        return best.1 <= allowed ? best.0 : nil
    }

    /// Edits (insert, delete, replace, swap two neighbours) turning `a` into `b`: swapped letters are the
    /// commonest typo ("frist"), so they count as one.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
