import AudiogidCore
import AudiogidManifest
import Crypto
import Foundation
import Synchronization

/// One file a phone may download from the visitor listener: a clip or a picture named by an installed tour.
struct VisitorFile: Sendable, Equatable {
    /// The checked file inside the kiosk's `audio/` folder.
    var path: String
    var bytes: Int
    var modified: Date?
    var contentType: String
    /// SHA-256 of the file's bytes: the strong ETag, and the `?v=` that makes a changed clip a new URL.
    var hash: String

    var etag: String { "\"sha256-\(hash.prefix(32))\"" }
}

/// A stop as the visitor page shows it.
struct VisitorStop: Sendable, Equatable {
    var number: Int
    var id: String
    var title: LocalizedText
    var transcript: LocalizedText
    var image: String?
    /// By the language a visitor chose: the clip they hear after the tour's fallback rule.
    var clips: [String: VisitorClip]
}

struct VisitorClip: Sendable, Equatable {
    /// `/audio/PATH?v=HASH`: what the audio element plays and the service worker keeps.
    var url: String
    var bytes: Int
    var seconds: Double?
    /// The language actually heard (the tour's default when the chosen one has no recording).
    var language: String
    var isFallback: Bool
}

/// What the visitor listener serves of one installed tour: the words of every stop and the files behind them.
/// Built once per change of its tour.yaml (loading probes and hashes every clip).
struct VisitorTour: Sendable {
    var id: String
    var title: LocalizedText
    var description: LocalizedText
    var languages: [String]
    var stops: [VisitorStop]
    /// By URL path (`/audio/teplokhodik/1-rechnoy-vokzal.ru.ogg`): only these are served, nothing else of the data folder.
    var files: [String: VisitorFile]

    var defaultLanguage: String { languages.first ?? "en" }

    func title(in language: String) -> String { title.text(in: language, fallbacks: [defaultLanguage]) ?? id }

    func stop(_ number: Int) -> VisitorStop? { stops.first { $0.number == number } }

    init(_ loaded: LoadedTour) {
        let tour = loaded.tour
        id = tour.id
        title = tour.title
        description = tour.description
        languages = tour.languages
        var files: [String: VisitorFile] = [:]
        let locator = ClipLocator(audioDirectory: loaded.audioDirectory)
        /// The URL of a file the tour names, once it is proven to lie inside `audio/`.
        func publish(_ relative: String) -> (url: String, file: VisitorFile)? {
            guard case .success(let url) = locator.resolve(relative) else { return nil }
            let path = "/audio/" + (relative.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? relative)
            if let known = files[path] { return ("\(path)?v=\(known.hash.prefix(12))", known) }
            guard let file = VisitorFile(checking: url.path) else { return nil }
            files[path] = file
            return ("\(path)?v=\(file.hash.prefix(12))", file)
        }
        stops = tour.stops.filter { !$0.draft }.map { stop in
            var clips: [String: VisitorClip] = [:]
            for language in tour.languages {
                guard let choice = tour.clip(for: stop, language: language), let (url, file) = publish(choice.path) else { continue }
                clips[language] = VisitorClip(url: url, bytes: file.bytes, seconds: loaded.clips[choice.path]?.durationSeconds,
                                              language: choice.language, isFallback: choice.isFallback)
            }
            return VisitorStop(number: stop.number, id: stop.id, title: stop.title, transcript: stop.transcript,
                               image: stop.image.flatMap { publish($0)?.url }, clips: clips)
        }
        self.files = files
    }

    /// By tour folder: the tour.yaml's modification time when read, and what was read.
    private static let cache = Mutex<[String: (modified: Date?, tour: VisitorTour)]>([:])

    /// `load` on a thread of Dispatch's pool: reading a tour opens and hashes every clip, seconds on a Pi, and must
    /// not hold an event loop that every other connection (and the tests' other servers) shares.
    static func loading(_ id: String, from catalog: TourCatalog) async -> VisitorTour? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: load(id, from: catalog)) }
        }
    }

    /// The installed tour `id`, read (or taken from the cache while its tour.yaml is unchanged); nil when it cannot be loaded.
    static func load(_ id: String, from catalog: TourCatalog) -> VisitorTour? {
        guard TourID.isSafe(id) else { return nil }
        let manifest = "\(catalog.toursDirectory)/\(id)/tour.yaml"
        let modified = (try? FileManager.default.attributesOfItem(atPath: manifest)[.modificationDate] as? Date) ?? nil
        let key = "\(catalog.toursDirectory)/\(id)"
        if let cached = cache.withLock({ $0[key] }), cached.modified == modified { return cached.tour }
        guard let loaded = try? catalog.load(id) else { return nil }
        let tour = VisitorTour(loaded)
        cache.withLock { $0[key] = (modified, tour) }
        return tour
    }
}

extension VisitorFile {
    /// Reads the file once to hash it; nil when it is not a readable regular file.
    init?(checking path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try? handle.read(upToCount: 1 << 16), !chunk.isEmpty { hasher.update(data: chunk) }
        self.path = path
        bytes = (attributes[.size] as? NSNumber)?.intValue ?? 0
        modified = attributes[.modificationDate] as? Date
        contentType = Self.contentType(path)
        hash = hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func contentType(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "ogg", "oga": "audio/ogg"
        case "opus": "audio/ogg; codecs=opus"
        case "mp3": "audio/mpeg"
        case "m4a", "aac": "audio/mp4"
        case "wav": "audio/wav"
        case "flac": "audio/flac"
        case "jpg", "jpeg": "image/jpeg"
        case "png": "image/png"
        case "webp": "image/webp"
        case "gif": "image/gif"
        default: "application/octet-stream"
        }
    }
}
