import AudiogidCore
import Foundation
import ZIPFoundation

/// An opened package whose directory, limits, paths, signature and manifest were checked; its files'
/// bytes are checked by `checkFiles`, which streams each one through SHA-256 (and into a folder, when
/// installing) without holding a clip in memory.
public final class TourPackage {
    public let url: URL
    public let manifest: PackageManifest
    /// The key that signed the manifest; nil for an unsigned package a kiosk chose to accept.
    public let signerKeyID: String?
    /// SHA-256 of manifest.json: tells two packages of one version apart.
    public let manifestDigest: String
    private let archive: Archive
    private let entries: [[UInt8]: Entry]

    /// Checks everything but the files' contents. Refuses before reading any clip.
    public init(url: URL, trust: TrustPolicy, limits: PackageLimits = PackageLimits()) throws(PackageRefusal) {
        self.url = url
        guard let kinds = ZipEntryKinds.read(url) else { throw .notAPackage("\(url.path) is not a zip file") }
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch { throw .notAPackage("\(url.path) cannot be read as a zip file") }
        self.archive = archive
        guard kinds.count <= limits.maxEntries else { throw .tooLarge("\(kinds.count) entries, more than \(limits.maxEntries)") }

        var entries: [[UInt8]: Entry] = [:]
        var folded: [String: String] = [:]
        var total: Int64 = 0
        for entry in archive {
            let path = entry.path
            let name = Array(path.utf8)
            guard entries.updateValue(entry, forKey: name) == nil else { throw .unsafePath(path: path, reason: "the package holds it twice") }
            if let other = folded.updateValue(path, forKey: PackagePath.foldedKey(path)) {
                throw .unsafePath(path: path, reason: "differs from '\(other)' only by case or Unicode normalisation")
            }
            switch kinds[name] {
            case .file?: break
            case .directory?: throw .unsafePath(path: path, reason: "is a directory, not a file")
            case .symlink?: throw .unsafePath(path: path, reason: "is a symbolic link")
            case .special(let what)?: throw .unsafePath(path: path, reason: "is \(what)")
            case nil: throw .notAPackage("the zip's directory does not match its entries")
            }
            guard entry.type == .file else { throw .unsafePath(path: path, reason: "is not a regular file") }
            if path != PackageManifest.entryName, path != PackageManifest.signatureEntryName, let problem = PackagePath.problem(path) {
                throw .unsafePath(path: path, reason: problem)
            }
            let size = Int64(clamping: entry.uncompressedSize)
            guard size <= limits.maxFileBytes else {
                throw .tooLarge("\(path) unpacks to \(size) bytes, more than \(limits.maxFileBytes)")
            }
            if entry.isCompressed, Double(size) > Double(max(entry.compressedSize, 1)) * limits.maxCompressionRatio {
                throw .tooLarge("\(path) is compressed more than \(Int(limits.maxCompressionRatio)) to 1")
            }
            total += size
            guard total <= limits.maxTotalBytes else { throw .tooLarge("the files unpack to more than \(limits.maxTotalBytes) bytes") }
        }
        self.entries = entries

        let manifestData = try Self.read(archive, entries[Array(PackageManifest.entryName.utf8)], name: PackageManifest.entryName,
                                         limit: PackageLimits.maxManifestBytes)
        guard let manifestData else { throw .notAPackage("it has no manifest.json") }
        var digest = SHA256Hasher()
        digest.update(manifestData)
        manifestDigest = digest.finishHex()

        // The signature first: nothing in an unverified manifest is believed.
        let signatureData = try Self.read(archive, entries[Array(PackageManifest.signatureEntryName.utf8)],
                                          name: PackageManifest.signatureEntryName, limit: PackageLimits.maxSignatureBytes)
        var signature: MinisignSignature?
        if let signatureData {
            let parsed: MinisignSignature
            do { parsed = try MinisignSignature(text: String(decoding: signatureData, as: UTF8.self), source: PackageManifest.signatureEntryName) }
            catch { throw .badSignature(error.description) }
            guard let key = trust.keys.first(where: { $0.keyID == parsed.keyID }) else {
                throw .untrustedKey(keyID: parsed.keyIDText, trusted: trust.source)
            }
            do { try parsed.verify([UInt8](manifestData), with: key) } catch { throw .badSignature(error.description) }
            signature = parsed
        } else if trust.requireSignature {
            throw .unsigned
        }
        signerKeyID = signature?.keyIDText

        let manifest = try PackageManifest.decode(manifestData)
        self.manifest = manifest
        try Self.check(manifest, signature: signature, entries: entries, limits: limits)
    }

    /// The manifest must agree with the signed comment and list exactly the zip's other entries.
    private static func check(_ manifest: PackageManifest, signature: MinisignSignature?, entries: [[UInt8]: Entry],
                              limits: PackageLimits) throws(PackageRefusal) {
        guard manifest.format == PackageManifest.currentFormat else {
            throw .badManifest("format \(manifest.format) is not supported; this Audiogid reads format \(PackageManifest.currentFormat)")
        }
        guard !manifest.tour.isEmpty, manifest.tour.unicodeScalars.count <= 64,
              manifest.tour.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }),
              !manifest.tour.hasPrefix("-") else {
            throw .badManifest("'\(manifest.tour)' is not a tour id")
        }
        if let signature {
            let fields = signature.trustedFields
            guard fields["tour"] == manifest.tour, fields["version"].flatMap(TourVersion.init) == manifest.version else {
                throw .badSignature("the signed comment names tour \(fields["tour"] ?? "?") version \(fields["version"] ?? "?"), "
                                    + "the manifest tour \(manifest.tour) version \(manifest.version)")
            }
        }
        var listed = Set<[UInt8]>()
        var folded: [String: String] = [:]
        for file in manifest.files {
            if let problem = PackagePath.problem(file.path) { throw .unsafePath(path: file.path, reason: problem) }
            guard listed.insert(Array(file.path.utf8)).inserted else { throw .badManifest("\(file.path) is listed twice") }
            if let other = folded.updateValue(file.path, forKey: PackagePath.foldedKey(file.path)) {
                throw .unsafePath(path: file.path, reason: "differs from '\(other)' only by case or Unicode normalisation")
            }
            guard file.size >= 0, file.size <= limits.maxFileBytes else { throw .tooLarge("\(file.path) is listed with \(file.size) bytes") }
            guard let entry = entries[Array(file.path.utf8)] else { throw .missingFile(path: file.path) }
            guard Int64(clamping: entry.uncompressedSize) == file.size else {
                throw .fileMismatch(path: file.path, reason: "the zip says \(entry.uncompressedSize) bytes, the manifest \(file.size)")
            }
        }
        guard listed.contains(Array("tour.yaml".utf8)) else { throw .missingFile(path: "tour.yaml") }
        let metadata: Set<[UInt8]> = [Array(PackageManifest.entryName.utf8), Array(PackageManifest.signatureEntryName.utf8)]
        for name in entries.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) where !listed.contains(name) && !metadata.contains(name) {
            throw .unlistedFile(path: String(decoding: name, as: UTF8.self))
        }
        guard manifest.totalBytes <= limits.maxTotalBytes else { throw .tooLarge("the files add up to \(manifest.totalBytes) bytes") }
    }

    private static func read(_ archive: Archive, _ entry: Entry?, name: String, limit: Int) throws(PackageRefusal) -> Data? {
        guard let entry else { return nil }
        guard entry.uncompressedSize <= UInt64(limit) else { throw .tooLarge("\(name) is larger than \(limit) bytes") }
        var data = Data()
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                data.append(chunk)
                if data.count > limit { throw PackageRefusal.tooLarge("\(name) is larger than \(limit) bytes") }
            }
        } catch let refusal as PackageRefusal {
            throw refusal
        } catch {
            throw .notAPackage("\(name) cannot be read: \(error)")
        }
        return data
    }

    /// Streams every listed file through SHA-256 and compares size and hash with the manifest. With
    /// `folder`, also writes each file under it (creating `audio/...` folders); the caller removes the
    /// folder if this throws. `progress` is told each file's path once it is checked.
    public func checkFiles(writingInto folder: URL? = nil, progress: (String) -> Void = { _ in }) throws(PackageRefusal) {
        for file in manifest.files {
            guard let entry = entries[Array(file.path.utf8)] else { throw .missingFile(path: file.path) }
            var output: Int32 = -1
            if let folder {
                let target = folder.appendingPathComponent(file.path)
                do {
                    try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                } catch {
                    throw .io("\(target.deletingLastPathComponent().path): cannot be created: \(error.localizedDescription)")
                }
                // O_EXCL and O_NOFOLLOW: an entry can never write through something already there.
                output = open(target.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
                guard output >= 0 else { throw .io("\(target.path): cannot be created: \(String(cString: strerror(errno)))") }
            }
            defer { if output >= 0 { close(output) } }
            var hasher = SHA256Hasher()
            var count: Int64 = 0
            do {
                // The CRC is skipped: SHA-256 checks the same bytes, and is the check that matters.
                _ = try archive.extract(entry, bufferSize: 1 << 20, skipCRC32: true) { chunk in
                    count += Int64(chunk.count)
                    if count > file.size { throw PackageRefusal.fileMismatch(path: file.path, reason: "holds more bytes than the manifest's \(file.size)") }
                    hasher.update(chunk)
                    if output >= 0 { try Self.writeAll(output, chunk, path: file.path) }
                }
                if output >= 0, fsync(output) != 0 { throw Self.writeRefusal(errno, path: file.path) }
            } catch let refusal as PackageRefusal {
                throw refusal
            } catch {
                throw .fileMismatch(path: file.path, reason: "cannot be read from the package: \(error)")
            }
            guard count == file.size else { throw .fileMismatch(path: file.path, reason: "holds \(count) bytes, the manifest says \(file.size)") }
            guard hasher.finishHex() == file.sha256 else {
                throw .fileMismatch(path: file.path, reason: "its SHA-256 differs from the signed manifest's (changed or damaged)")
            }
            progress(file.path)
        }
    }

    private static func writeAll(_ fd: Int32, _ chunk: Data, path: String) throws(PackageRefusal) {
        var failure: Int32 = 0
        chunk.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure != 0 { throw writeRefusal(failure, path: path) }
    }

    private static func writeRefusal(_ code: Int32, path: String) -> PackageRefusal {
        code == ENOSPC || code == EDQUOT
            ? .io("the disk filled up while unpacking \(path)")
            : .io("\(path): cannot be written: \(String(cString: strerror(code)))")
    }
}
