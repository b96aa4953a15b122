import AudiogidCore
import AudiogidManifest
import Foundation
import ZIPFoundation

/// Writes a tour package: validates the tour first, then stores (never compresses: clips already are)
/// `tour.yaml`, `paths.geojson` if there is one, exactly the clips and pictures the manifest names, and after them a signed
/// `manifest.json`. The same tour and key give the same bytes: fixed times, sorted entries, and Ed25519
/// signatures are deterministic.
public enum TourPacker {
    public struct Packed: Sendable {
        public var url: URL
        public var manifest: PackageManifest
        public var signerKeyID: String?
    }

    /// - Parameters:
    ///   - tourPath: a tour folder or its tour.yaml.
    ///   - audioDirectory: where its clips are, if not the library's (or the tour's own) audio/ folder.
    ///   - version: the version to pack, when tour.yaml has none (it must agree when it has one).
    ///   - created: the package's time; by default SOURCE_DATE_EPOCH, else the newest of the tour's files.
    public static func pack(tourPath: String, audioDirectory: String? = nil, version: TourVersion? = nil,
                            key: MinisignSecretKey?, output: URL? = nil, created: Date? = nil) throws(PackingError) -> Packed {
        let manifestPath: String
        do { manifestPath = try TourLibrary.manifestPath(for: tourPath) } catch { throw PackingError(error.description) }
        let report = TourLoader.validate(manifestPath: manifestPath, audioDirectory: audioDirectory)
        guard !report.hasErrors, let tour = report.tour else {
            throw PackingError("the tour does not validate; nothing was packed", findings: report.findings.map(\.line))
        }
        let packVersion: TourVersion
        switch (tour.version, version) {
        case (nil, nil):
            throw PackingError("\(manifestPath): the tour has no 'version'; add one (version: 1) or pass --version")
        case (let written?, let given?) where written != given:
            throw PackingError("\(manifestPath): tour.yaml says version \(written) but --version says \(given); change one of them")
        case (let written?, _): packVersion = written
        case (nil, let given?): packVersion = given
        }

        var sources: [(path: String, url: URL)] = [("tour.yaml", URL(fileURLWithPath: manifestPath))]
        let paths = report.tourDirectory.appendingPathComponent("paths.geojson")
        if FileManager.default.fileExists(atPath: paths.path) { sources.append(("paths.geojson", paths)) }
        let locator = ClipLocator(audioDirectory: report.audioDirectory)
        // Clips and the stops' pictures (`image:`), both named relative to the audio folder.
        let clipPaths = Set(tour.intro.values).union(tour.stops.flatMap { $0.audio.values }).union(tour.stops.compactMap(\.image))
        for clip in clipPaths.sorted() {
            let inPackage = "audio/" + clip
            if let problem = PackagePath.problem(inPackage) {
                throw PackingError("\(manifestPath): clip '\(clip)' cannot go into a package: \(problem)")
            }
            guard case .success(let url) = locator.resolve(clip) else { throw PackingError("\(manifestPath): clip '\(clip)' cannot be read") }
            sources.append((inPackage, url))
        }
        sources.sort { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
        var seen: [String: String] = [:]
        for source in sources {
            if let other = seen.updateValue(source.path, forKey: PackagePath.foldedKey(source.path)) {
                throw PackingError("clips '\(other)' and '\(source.path)' differ only by case or accents; a kiosk's file system may see one file")
            }
        }

        var newest = Date(timeIntervalSince1970: 0)
        var sizes: [Int64] = []
        for source in sources {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: source.url.path),
                  let size = (attributes[.size] as? NSNumber)?.int64Value else {
                throw PackingError("\(source.url.path): cannot be read")
            }
            sizes.append(size)
            newest = max(newest, attributes[.modificationDate] as? Date ?? newest)
        }
        let time = created ?? sourceDateEpoch() ?? newest
        let packTime = Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down))

        // One pass over the clips: each is hashed as it is written, and the manifest with the hashes (and its
        // signature) is written after them, at the end of the zip.
        let destination = output ?? URL(fileURLWithPath: "\(tour.id)-\(packVersion).audiogid")
        let partial = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).partial-\(getpid())")
        let manifest: PackageManifest
        do {
            try? FileManager.default.removeItem(at: partial)
            let archive = try Archive(url: partial, accessMode: .create)
            var files: [PackageManifest.File] = []
            for (source, size) in zip(sources, sizes) {
                let sha256 = try add(archive, source.path, file: source.url, size: size, date: packTime)
                files.append(.init(path: source.path, size: size, sha256: sha256))
            }
            manifest = PackageManifest(format: PackageManifest.currentFormat, tour: tour.id, version: packVersion,
                                       created: packTime, files: files)
            let manifestData = manifest.encoded()
            try add(archive, PackageManifest.entryName, data: manifestData, date: packTime)
            if let key {
                let signature = MinisignSignature.sign([UInt8](manifestData), with: key, trustedComment: manifest.trustedComment)
                try add(archive, PackageManifest.signatureEntryName, data: Data(signature.fileText.utf8), date: packTime)
            }
            guard rename(partial.path, destination.path) == 0 else {
                throw PackingError("\(destination.path): cannot be written: \(String(cString: strerror(errno)))")
            }
        } catch let error as PackingError {
            try? FileManager.default.removeItem(at: partial)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw PackingError("\(destination.path): cannot be written: \(error)")
        }
        return Packed(url: destination, manifest: manifest, signerKeyID: key?.publicKey.keyIDText)
    }

    private static func add(_ archive: Archive, _ path: String, data: Data, date: Date) throws {
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: date,
                             permissions: 0o644, compressionMethod: .none) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }

    /// Streams the file in 1 MiB pieces, hashing what goes into the zip: a clip is never loaded whole. Returns its SHA-256.
    private static func add(_ archive: Archive, _ path: String, file: URL, size: Int64, date: Date) throws -> String {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hasher = SHA256Hasher()
        try archive.addEntry(with: path, type: .file, uncompressedSize: size, modificationDate: date, permissions: 0o644,
                             compressionMethod: .none, bufferSize: 1 << 20) { position, chunk in
            try handle.seek(toOffset: UInt64(position))
            let data = try handle.read(upToCount: chunk) ?? Data()
            guard data.count == chunk else { throw PackingError("\(file.path): changed while it was being packed") }
            hasher.update(data)
            return data
        }
        return hasher.finishHex()
    }

    private static func sourceDateEpoch() -> Date? {
        ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init).map(Date.init(timeIntervalSince1970:))
    }
}

public struct PackingError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The validator's findings, one `FILE:LINE:COL: error: ...` line each, when the tour did not validate.
    public var findings: [String]
    public init(_ message: String, findings: [String] = []) {
        self.message = message
        self.findings = findings
    }
    public var description: String { (findings + [message]).joined(separator: "\n") }
}
