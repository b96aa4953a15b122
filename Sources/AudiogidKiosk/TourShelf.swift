import AudiogidCore
import AudiogidManifest
import AudiogidRoute
import AudiogidStore
import Foundation
import Logging

/// The tours installed in a data folder, loaded for playing, with their clips indexed in the store.
///
/// Indexing keeps start-up fast on a Pi: a clip whose size and modification time match its index row
/// is not read again; a new or changed clip gets a checksum and (when a meter is given) its loudness
/// measured once.
public struct TourShelf: Sendable {
    public var toursDirectory: String
    public var audioDirectory: String
    public var store: KioskStore?
    public var measureLoudness: (@Sendable (URL) -> (lufs: Double, truePeak: Double)?)?
    public var logger: Logger

    public init(toursDirectory: String, audioDirectory: String, store: KioskStore?,
                measureLoudness: (@Sendable (URL) -> (lufs: Double, truePeak: Double)?)? = nil, logger: Logger) {
        self.toursDirectory = toursDirectory
        self.audioDirectory = audioDirectory
        self.store = store
        self.measureLoudness = measureLoudness
        self.logger = logger
    }

    public func install(_ id: String) throws -> InstalledTour {
        guard ManifestName.isSafe(id) else { throw KioskSetupError("'\(id)' is not a tour id (lower-case letters, digits and dashes)") }
        var folder = (toursDirectory as NSString).appendingPathComponent(id)
        var audio = audioDirectory
        // An installed package: tours/ID is a link to releases/ID/VERSION, which holds its own audio/. The link
        // is resolved once, so this load reads one release throughout even if an install switches it meanwhile,
        // and the clips it plays stay in that release.
        if let release = Self.packagedRelease(folder) {
            folder = release
            audio = (release as NSString).appendingPathComponent("audio")
        }
        let loaded: LoadedTour
        do {
            loaded = try TourLoader.load(path: folder, audioDirectory: audio)
        } catch {
            throw KioskSetupError("tour \(id) cannot be loaded:\n\(error.description)")
        }
        let (loudness, modified) = index(loaded)
        var installed = InstalledTour(loaded: loaded, order: routeOrder(loaded), loudness: loudness, modified: modified)
        if audio != audioDirectory { installed.libraryAudioDirectory = URL(fileURLWithPath: audioDirectory) }
        return installed
    }

    /// The queue's order: the author's, or for `order: optimize` the route engine's (over the tour's
    /// paths.geojson when it has one), computed once per load. A tour the engine cannot route plays in
    /// the author's order, with a warning, rather than not at all.
    func routeOrder(_ loaded: LoadedTour) -> [Stop] {
        let tour = loaded.tour
        guard tour.route.order == .optimize else { return tour.stops }
        do {
            let file = loaded.tourDirectory.appendingPathComponent("paths.geojson")
            let network = try FileManager.default.contents(atPath: file.path).map { data throws(RouteError) in try PathNetwork(geoJSON: data) }
            let seconds = Dictionary(uniqueKeysWithValues: tour.stops.compactMap { stop in
                loaded.clipDuration(for: stop, language: tour.defaultLanguage).map { (stop.id, $0) }
            })
            let visits = try RoutePlanner.plan(tour, clipSeconds: seconds, network: network).visits.map(\.stop)
            guard visits.count == tour.stops.count else { return tour.stops }
            return visits
        } catch {
            logger.warning("tour \(tour.id): route not optimised, playing stops in the manifest's order: \(error)")
            return tour.stops
        }
    }

    /// The release folder `tours/ID` links to, when it is an installed package (a link to a folder with its own audio/).
    static func packagedRelease(_ folder: String) -> String? {
        var info = stat()
        guard lstat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFLNK, let real = realpath(folder, nil) else { return nil }
        defer { free(real) }
        let release = String(cString: real)
        var isDirectory: ObjCBool = false
        let audio = (release as NSString).appendingPathComponent("audio")
        return FileManager.default.fileExists(atPath: audio, isDirectory: &isDirectory) && isDirectory.boolValue ? release : nil
    }

    /// Brings the clip index up to date for `loaded` and returns the loudness of each clip it knows, and each
    /// clip's modification time. `audiogid install` calls it on a staged release, so the daemon finds its clips measured.
    public func index(_ loaded: LoadedTour) -> (loudness: [String: ClipLoudness], modified: [String: Double]) {
        let known = (try? store?.indexedClips()) ?? [:]
        var loudness: [String: ClipLoudness] = [:]
        var modifiedTimes: [String: Double] = [:]
        var fresh: [IndexedClip] = []
        for (path, info) in loaded.clips {
            let url = loaded.clipURL(path)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
                  let size = (attributes[.size] as? NSNumber)?.int64Value,
                  let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 else { continue }
            modifiedTimes[path] = modified
            if let row = known[path], row.size == size, row.modified == modified,
               row.loudnessLUFS != nil || measureLoudness == nil {
                if let value = row.loudnessLUFS { loudness[path] = ClipLoudness(lufs: value, truePeak: row.truePeakDBTP) }
                continue
            }
            guard let checksum = Checksum.fnv1a64(fileAt: url) else { continue }
            let measured = measureLoudness?(url)
            if let measured { loudness[path] = ClipLoudness(lufs: measured.lufs, truePeak: measured.truePeak) }
            fresh.append(IndexedClip(path: path, size: size, modified: modified, checksum: checksum, info: info,
                                     loudnessLUFS: measured?.lufs, truePeakDBTP: measured?.truePeak,
                                     indexedAt: Date().timeIntervalSince1970))
        }
        if !fresh.isEmpty {
            logger.info("indexed \(fresh.count) new or changed clips of tour \(loaded.tour.id)")
            do { try store?.saveClips(fresh) } catch { logger.error("clip index not saved (will re-index next start): \(error)") }
        }
        return (loudness, modifiedTimes)
    }
}

enum ManifestName {
    static func isSafe(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }
}

/// The daemon cannot start (or switch) as asked: a message for the person at the kiosk.
public struct KioskSetupError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A checksum of a clip's bytes, so the index can tell a re-recorded clip from a touched one.
/// FNV-1a 64: no cryptographic claim (signatures are the tour package's job), only change detection.
enum Checksum {
    static func fnv1a64(fileAt url: URL) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        while let chunk = try? handle.read(upToCount: 1 << 16), !chunk.isEmpty {
            chunk.withUnsafeBytes { raw in
                for byte in raw { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            }
        }
        return "fnv1a64:" + String(hash, radix: 16)
    }
}
