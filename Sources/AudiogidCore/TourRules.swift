/// The rules a tour must follow beyond the shape of its manifest: unique ids and numbers, route ends that
/// name real stops, languages that are declared, clips present in every language.
///
/// The manifest reader checks types and spelling; these rules see the whole tour at once.
/// They are pure: a `Tour` and a `FieldLocator` in, findings out.
public enum TourRules {
    public static let stopNumberRange = 1...9999

    public static func check(_ tour: Tour, locator: FieldLocator) -> [Finding] {
        var findings: [Finding] = []
        func add(_ severity: Finding.Severity, _ field: String, _ message: String, stop: String? = nil) {
            guard !locator.reported.contains(field) else { return }
            findings.append(Finding(severity, at: locator.locate(field), message, stop: stop, field: field))
        }

        if tour.format != Tour.currentFormat {
            add(.error, "format", "format \(tour.format) is not supported; this version of Audiogid reads format \(Tour.currentFormat)")
        }
        let declared = Set(tour.languages)
        var seenLanguages = Set<String>()
        for (index, code) in tour.languages.enumerated() where !seenLanguages.insert(code).inserted {
            add(.error, "languages[\(index)]", "language '\(code)' is listed twice in languages")
        }

        func checkLanguages<Values>(_ map: [String: Values], field: String, what: String, stop: String? = nil) {
            for code in map.keys.sorted() where !declared.contains(code) {
                add(.error, "\(field).\(code)",
                    "\(what) has language '\(code)', which is not declared in languages \(tour.languages)", stop: stop)
            }
        }
        checkLanguages(tour.title.byLanguage, field: "title", what: "the tour title")
        checkLanguages(tour.description.byLanguage, field: "description", what: "the tour description")
        checkLanguages(tour.intro, field: "intro", what: "the intro clip")
        if tour.title.isEmpty { add(.error, "title", "the tour has no title") }

        if tour.stops.isEmpty { add(.error, "stops", "the tour has no stops") }

        var firstByID: [String: Int] = [:]
        var firstByNumber: [Int: Int] = [:]
        for (index, stop) in tour.stops.enumerated() {
            let field = "stops[\(index)]"
            let name = describe(stop, in: tour)
            if let first = firstByID[stop.id] {
                add(.error, "\(field).id", "stop id '\(stop.id)' is used twice (first at stop \(first + 1) in the list)", stop: stop.id)
            } else {
                firstByID[stop.id] = index
            }
            if !stopNumberRange.contains(stop.number) {
                add(.error, "\(field).number", "\(name): number \(stop.number) is out of range; visitors can type 1 to 9999", stop: stop.id)
            } else if let first = firstByNumber[stop.number] {
                add(.error, "\(field).number",
                    "\(name): number \(stop.number) is already used by stop '\(tour.stops[first].id)'", stop: stop.id)
            } else {
                firstByNumber[stop.number] = index
            }
            if stop.title.isEmpty { add(.error, "\(field).title", "\(name) has no title", stop: stop.id) }
            checkLanguages(stop.title.byLanguage, field: "\(field).title", what: "\(name): the title", stop: stop.id)
            checkLanguages(stop.transcript.byLanguage, field: "\(field).transcript", what: "\(name): the transcript", stop: stop.id)
            checkLanguages(stop.audio, field: "\(field).audio", what: "\(name): the clip list", stop: stop.id)

            if let location = stop.location {
                if !(-90...90).contains(location.lat) {
                    add(.error, "\(field).location.lat", "\(name): latitude \(location.lat) is out of range (-90 to 90)", stop: stop.id)
                }
                if !(-180...180).contains(location.lon) {
                    add(.error, "\(field).location.lon", "\(name): longitude \(location.lon) is out of range (-180 to 180)", stop: stop.id)
                }
                if let ele = location.ele, !(-500...9000).contains(ele) {
                    add(.error, "\(field).location.ele", "\(name): elevation \(ele) m is not on this planet's surface", stop: stop.id)
                }
            } else if tour.mode == .boat {
                add(.error, "\(field)", "\(name) has no location; a boat tour needs one to know when to play it", stop: stop.id)
            }
            if let radius = stop.radiusM, radius <= 0 {
                add(.error, "\(field).radius_m", "\(name): radius_m must be more than 0", stop: stop.id)
            } else if stop.radiusM == nil, tour.mode == .boat {
                add(.warning, "\(field)", "\(name) has no radius_m; the boat's GPS will use the default geofence", stop: stop.id)
            }
            if stop.dwellS < 0 { add(.error, "\(field).dwell_s", "\(name): dwell_s cannot be negative", stop: stop.id) }
            if stop.draft {
                add(.warning, "\(field).draft",
                    "\(name) plays machine-spoken draft clips; record it (audiogid import-audio) and remove 'draft: true'", stop: stop.id)
            }

            if stop.audio.isEmpty {
                add(.warning, "\(field)", "\(name) has no clips yet; visitors will hear nothing here", stop: stop.id)
            } else if stop.audio[tour.defaultLanguage] == nil {
                add(.warning, "\(field).audio",
                    "\(name) has no clip in the default language '\(tour.defaultLanguage)', so there is nothing to fall back to",
                    stop: stop.id)
            } else {
                for code in tour.languages where stop.audio[code] == nil {
                    add(.warning, "\(field).audio",
                        "\(name) has no '\(code)' clip; visitors who chose \(code) will hear '\(tour.defaultLanguage)'",
                        stop: stop.id)
                }
            }
        }

        for end in ["start", "end"] {
            let id = end == "start" ? tour.route.start : tour.route.end
            if let id, tour.stop(id: id) == nil {
                let hint = suggestion(for: id, among: tour.stops.map(\.id)).map { " (did you mean '\($0)'?)" } ?? ""
                add(.error, "route.\(end)", "route \(end) '\(id)' is not a stop of this tour\(hint)")
            }
        }
        if tour.route.loop, let end = tour.route.end, end != tour.route.start {
            add(.error, "route.end", "a loop returns to where it starts, so it cannot end at '\(end)'; remove end or set loop: false")
        }
        if let circuity = tour.route.circuity, !(1...3).contains(circuity) {
            add(.error, "route.circuity", "route circuity \(circuity) is implausible; use a factor from 1 to 3 (streets are about 1.25)")
        }
        if let speed = tour.speedKmh, !(speed > 0 && speed <= 80) {
            add(.error, "speed_kmh", "speed_kmh \(speed) is implausible; use a speed above 0 and at most 80 km/h")
        }
        if tour.route.order == .optimize {
            let unplaced = tour.stops.filter { $0.location == nil }.map(\.id)
            if !unplaced.isEmpty {
                add(.warning, "route.order", "the route cannot place stops without a location: \(unplaced.joined(separator: ", "))")
            }
        }
        return findings
    }

    /// How a finding names a stop to a librarian: `stop 4 "Church" (church)`.
    public static func describe(_ stop: Stop, in tour: Tour) -> String {
        let title = stop.title.text(in: tour.defaultLanguage).map { " \"\($0)\"" } ?? ""
        return "stop \(stop.number)\(title) (\(stop.id))"
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
