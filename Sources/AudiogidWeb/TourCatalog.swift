import AudiogidMessages
import AudiogidCore
import AudiogidManifest
import AudiogidRoute
import Foundation
import Synchronization

/// One installed tour as the Tours page lists it.
public struct TourSummary: Sendable, Codable, Equatable {
    public var id: String
    public var title: String
    public var stops: Int
    public var languages: [String]
    /// Total audio per language, in seconds.
    public var audioSeconds: [String: Double]
    /// Why the tour cannot be loaded, when it cannot.
    public var problem: String?
}

/// The tours installed in the kiosk's data folder, read from disk as the daemon reads them.
public struct TourCatalog: Sendable {
    public var toursDirectory: String
    public var audioDirectory: String

    public init(toursDirectory: String, audioDirectory: String) {
        self.toursDirectory = toursDirectory
        self.audioDirectory = audioDirectory
    }

    public func ids() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: toursDirectory)) ?? []
        return entries.filter { TourID.isSafe($0) && FileManager.default.fileExists(atPath: "\(toursDirectory)/\($0)/tour.yaml") }.sorted()
    }

    public func load(_ id: String) throws(TourLoadError) -> LoadedTour {
        try TourLoader.load(path: (toursDirectory as NSString).appendingPathComponent(id), audioDirectory: audioDirectory)
    }

    public func summaries(language: String) -> [TourSummary] {
        ids().map { id in
            switch facts(id) {
            case .success(let facts):
                return TourSummary(id: id, title: facts.title.text(in: language, fallbacks: facts.languages) ?? id,
                                   stops: facts.stops, languages: facts.languages, audioSeconds: facts.audioSeconds, problem: nil)
            case .failure(let problem):
                return TourSummary(id: id, title: id, stops: 0, languages: [], audioSeconds: [:], problem: problem.description)
            }
        }
    }

    /// The tour's languages, for the Now page's language buttons.
    public func languages(of id: String) -> [String] {
        guard TourID.isSafe(id), case .success(let facts) = facts(id) else { return [] }
        return facts.languages
    }

    /// What the pages show of a tour, loaded once per change of its tour.yaml: loading probes every clip, which
    /// is too slow to do for each page a phone asks for.
    func facts(_ id: String) -> Result<TourFacts, TourProblem> {
        let manifest = "\(toursDirectory)/\(id)/tour.yaml"
        let modified = (try? FileManager.default.attributesOfItem(atPath: manifest)[.modificationDate] as? Date) ?? nil
        let key = "\(toursDirectory)/\(id)"
        if let cached = TourFacts.cache.withLock({ $0[key] }), cached.modified == modified { return cached.facts }
        let result: Result<TourFacts, TourProblem>
        do {
            let loaded = try load(id)
            let tour = loaded.tour
            var seconds: [String: Double] = [:]
            for code in tour.languages {
                seconds[code] = tour.stops.compactMap { loaded.clipDuration(for: $0, language: code) }.reduce(0, +)
            }
            result = .success(TourFacts(title: tour.title, stops: tour.stops.count, languages: tour.languages, audioSeconds: seconds))
        } catch {
            result = .failure(TourProblem(description: error.description))
        }
        TourFacts.cache.withLock { $0[key] = (modified, result) }
        return result
    }

    /// The route engine's map of the tour (over its paths.geojson when it has one).
    public func mapSVG(_ id: String) throws -> String {
        let loaded = try load(id)
        let tour = loaded.tour
        let seconds = Dictionary(uniqueKeysWithValues: tour.stops.compactMap { stop in
            loaded.clipDuration(for: stop, language: tour.defaultLanguage).map { (stop.id, $0) }
        })
        let file = loaded.tourDirectory.appendingPathComponent("paths.geojson")
        let network = try FileManager.default.contents(atPath: file.path).map { data throws(RouteError) in try PathNetwork(geoJSON: data) }
        return try RoutePlanner.plan(tour, clipSeconds: seconds, network: network).svg()
    }
}

/// A tour id as the daemon accepts one: also what keeps `..` and `/` out of every path built from a URL.
enum TourID {
    static func isSafe(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }
}

/// A tour's facts as the pages show them.
struct TourFacts: Sendable {
    var title: LocalizedText
    var stops: Int
    var languages: [String]
    var audioSeconds: [String: Double]

    /// By tour folder: the tour.yaml's modification time when read, and what was read.
    static let cache = Mutex<[String: (modified: Date?, facts: Result<TourFacts, TourProblem>)]>([:])
}

/// Why a tour cannot be loaded, in the loader's words.
struct TourProblem: Error, Sendable, CustomStringConvertible {
    var description: String
}
