import AudiogidMessages
import AudiogidCore
import AudiogidManifest
import AudiogidPackages
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
    /// tour.yaml's version (the package's, for a packaged tour).
    public var version: String?
    /// True when installed from a package: `tours/ID` links to a release, and rollback may apply.
    public var packaged: Bool = false
    /// The key id that signed the package; nil when it was unsigned or the tour was copied by hand.
    public var signer: String?
    /// The trusted key file naming that key (`museum.pub` → `museum`), when one does.
    public var signerName: String?
    /// When the package was installed (ISO 8601).
    public var installedAt: String?
    /// The version `rollback` would go back to; absent when there is none.
    public var rollbackTo: String?
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
        let (folder, audio) = place(id)
        return try TourLoader.load(path: folder, audioDirectory: audio)
    }

    /// The folder a tour is read from and its clips' folder. An installed package (`tours/ID` links to
    /// `releases/ID/VERSION`) has its own audio/, as the daemon's `TourShelf` reads it; the link is resolved once.
    func place(_ id: String) -> (folder: String, audio: String) {
        let folder = (toursDirectory as NSString).appendingPathComponent(id)
        guard (try? FileManager.default.destinationOfSymbolicLink(atPath: folder)) != nil else { return (folder, audioDirectory) }
        let release = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        var isDirectory: ObjCBool = false
        let own = (release as NSString).appendingPathComponent("audio")
        guard FileManager.default.fileExists(atPath: own, isDirectory: &isDirectory), isDirectory.boolValue else { return (release, audioDirectory) }
        return (release, own)
    }

    public func summaries(language: String) -> [TourSummary] {
        ids().map { id in
            switch facts(id) {
            case .success(let facts):
                return TourSummary(id: id, title: facts.title.text(in: language, fallbacks: facts.languages) ?? id,
                                   stops: facts.stops, languages: facts.languages, audioSeconds: facts.audioSeconds, problem: nil,
                                   version: facts.version)
            case .failure(let problem):
                return TourSummary(id: id, title: id, stops: 0, languages: [], audioSeconds: [:], problem: problem.description)
            }
        }
    }

    /// The summaries with what the package records add: version, signer, when installed, and what rollback
    /// would go back to.
    public func summaries(language: String, packages: [String: InstalledPackage], signerNames: [String: String]) -> [TourSummary] {
        let dates = ISO8601DateFormatter()
        return summaries(language: language).map { summary in
            var summary = summary
            guard let package = packages[summary.id], let version = package.version,
                  (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(toursDirectory)/\(summary.id)")) != nil else { return summary }
            summary.packaged = true
            summary.version = version
            summary.signer = package.signer
            summary.signerName = package.signer.flatMap { signerNames[$0] }
            summary.installedAt = package.installedAt.map { dates.string(from: $0) }
            summary.rollbackTo = package.rollbackTarget
            return summary
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
        // Keyed by the folder the link resolves to: a new release of a package is a new folder.
        let key = place(id).folder
        let manifest = "\(key)/tour.yaml"
        let modified = (try? FileManager.default.attributesOfItem(atPath: manifest)[.modificationDate] as? Date) ?? nil
        if let cached = TourFacts.cache.withLock({ $0[key] }), cached.modified == modified { return cached.facts }
        let result: Result<TourFacts, TourProblem>
        do {
            let loaded = try load(id)
            let tour = loaded.tour
            var seconds: [String: Double] = [:]
            for code in tour.languages {
                seconds[code] = tour.stops.compactMap { loaded.clipDuration(for: $0, language: code) }.reduce(0, +)
            }
            result = .success(TourFacts(title: tour.title, stops: tour.stops.count, languages: tour.languages, audioSeconds: seconds,
                                        version: tour.version?.description))
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
    var version: String?

    /// By tour folder: the tour.yaml's modification time when read, and what was read.
    static let cache = Mutex<[String: (modified: Date?, facts: Result<TourFacts, TourProblem>)]>([:])
}

/// Why a tour cannot be loaded, in the loader's words.
struct TourProblem: Error, Sendable, CustomStringConvertible {
    var description: String
}
