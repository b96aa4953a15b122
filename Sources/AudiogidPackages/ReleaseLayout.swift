import AudiogidCore
import Foundation

/// Where installed packages live in a kiosk's data folder, so the daemon reads them unchanged:
///
///     tours/ID                 -> ../releases/ID/VERSION   (a symlink, replaced by one rename())
///     releases/ID/VERSION/     tour.yaml, paths.geojson, audio/..., release.json
///     releases/.trusted/ID     the highest version ever installed (rollback protection, kept after uninstall)
///     releases/.staging-*, releases/.trash-*   unpacking and removal in progress (left by a kill; cleared next time)
///
/// A release folder appears only by renaming a complete, verified staging folder, and `tours/ID` changes only by
/// renaming a new symlink over it, so at any instant `tours/ID` names a whole release, old or new.
public struct ReleaseLayout: Sendable {
    public let dataDirectory: URL

    public init(dataDirectory: URL) { self.dataDirectory = dataDirectory.standardizedFileURL }

    public var toursDirectory: URL { dataDirectory.appendingPathComponent("tours") }
    public var releasesDirectory: URL { dataDirectory.appendingPathComponent("releases") }
    var trustedDirectory: URL { releasesDirectory.appendingPathComponent(".trusted") }

    public func tourLink(_ id: String) -> URL { toursDirectory.appendingPathComponent(id) }
    public func releases(of id: String) -> URL { releasesDirectory.appendingPathComponent(id) }
    public func release(_ id: String, _ version: TourVersion) -> URL { releases(of: id).appendingPathComponent(version.description) }

    /// What `tours/ID` is: an installed package's link, a folder someone copied by hand, or nothing.
    enum TourEntry: Equatable { case none, link(String), folder }

    func tourEntry(_ id: String) -> TourEntry {
        var info = stat()
        guard lstat(tourLink(id).path, &info) == 0 else { return .none }
        if info.st_mode & S_IFMT == S_IFLNK {
            return .link((try? FileManager.default.destinationOfSymbolicLink(atPath: tourLink(id).path)) ?? "")
        }
        return .folder
    }

    /// The version `tours/ID` points at, when it is an installed package.
    func currentVersion(_ id: String) -> TourVersion? {
        guard case .link(let target) = tourEntry(id) else { return nil }
        let parts = target.split(separator: "/")
        guard parts.count >= 2, parts[parts.count - 2] == Substring(id) else { return nil }
        return TourVersion(String(parts[parts.count - 1]))
    }

    /// The versions kept in `releases/ID/`, oldest first.
    func keptVersions(_ id: String) -> [TourVersion] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: releases(of: id).path)) ?? []
        return names.compactMap { name in
            guard let version = TourVersion(name), version.description == name else { return nil }
            return FileManager.default.fileExists(atPath: release(id, version).appendingPathComponent(ReleaseRecord.fileName).path) ? version : nil
        }.sorted()
    }

    /// The highest version this kiosk ever installed of `id`.
    func highestTrusted(_ id: String) -> TourVersion? {
        (try? String(contentsOf: trustedDirectory.appendingPathComponent(id), encoding: .utf8))
            .flatMap { TourVersion($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func installedTourIDs() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: releasesDirectory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }
}

/// `release.json` in each release folder: where the release came from, for `list` and for telling packages apart.
public struct ReleaseRecord: Sendable, Codable, Equatable {
    static let fileName = "release.json"

    public var tour: String
    public var version: TourVersion
    public var signer: String?
    public var installedAt: Date
    /// SHA-256 of the package's manifest.json: the same version packed twice differs here.
    public var manifestSHA256: String
    public var package: String

    static func read(_ folder: URL) -> ReleaseRecord? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(fileName)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(ReleaseRecord.self, from: data)
    }

    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return ((try? encoder.encode(self)) ?? Data()) + Data("\n".utf8)
    }
}
