import AudiogidCore
import AudiogidManifest
import Foundation

/// What a running daemon said when told to reload after the library changed.
public enum DaemonReload: Sendable, Equatable {
    case reloaded
    /// No daemon listens on the control socket: nothing has the old release open.
    case notRunning
    case failed(String)
}

/// Installs, rolls back and removes packaged tours in a kiosk's data folder (see `ReleaseLayout`).
///
/// Install: verify the signature and limits, check free space, unpack into a staging folder on the same
/// file system while checking every file's SHA-256, validate the tour with the rules of `validate`, index
/// its clips, rename the staging folder to `releases/ID/VERSION`, and switch `tours/ID` with one rename.
/// Any refusal before the switch removes the staging folder and leaves the library as it was.
public struct TourInstaller {
    public var layout: ReleaseLayout
    public var trust: TrustPolicy
    public var limits: PackageLimits
    /// Measures and records the clips of a tour about to go live (the daemon's clip index), so the first
    /// press after the switch does not wait for loudness analysis. Called on the staged release.
    public var indexClips: (LoadedTour) -> Void
    /// Tells a running daemon to read the library again.
    public var reloadDaemon: () -> DaemonReload
    /// Space to leave free beyond the tour's own bytes (the play log still has to grow).
    public var reserveBytes: Int64 = 16 << 20
    /// Called at named points of an install; tests use it to stop at each one.
    public var checkpoint: (String) -> Void = { _ in }

    public init(dataDirectory: URL, trust: TrustPolicy, limits: PackageLimits = PackageLimits(),
                indexClips: @escaping (LoadedTour) -> Void = { _ in }, reloadDaemon: @escaping () -> DaemonReload = { .notRunning }) {
        layout = ReleaseLayout(dataDirectory: dataDirectory)
        self.trust = trust
        self.limits = limits
        self.indexClips = indexClips
        self.reloadDaemon = reloadDaemon
    }

    public struct Outcome: Sendable, Equatable {
        public enum Change: Sendable, Equatable { case installed, alreadyInstalled, switchedBack }
        public var tour: String
        public var version: TourVersion
        public var previous: TourVersion?
        public var change: Change
        public var daemon: DaemonReload
    }

    public func install(_ package: URL, allowDowngrade: Bool = false) throws(PackageRefusal) -> Outcome {
        try LibraryFiles.withLock(layout.dataDirectory) { () throws(PackageRefusal) -> Outcome in
            LibraryFiles.clearLeftovers(in: layout.releasesDirectory)
            let opened = try TourPackage(url: package, trust: trust, limits: limits)
            let manifest = opened.manifest
            let id = manifest.tour, version = manifest.version
            let current = layout.currentVersion(id)

            if layout.tourEntry(id) == .folder {
                throw .io("\(layout.tourLink(id).path) is a folder copied by hand, not an installed package; "
                          + "move it out of tours/ and install again")
            }
            if let highest = [layout.highestTrusted(id), current].compactMap({ $0 }).max(), version < highest, !allowDowngrade {
                throw .downgrade(tour: id, offered: version.description, trusted: highest.description)
            }
            let target = layout.release(id, version)
            if let kept = ReleaseRecord.read(target) {
                guard kept.manifestSHA256 == opened.manifestDigest else {
                    throw .io("version \(version) of tour \(id) is already installed with different contents; "
                              + "give the changed tour a new version")
                }
                if current == version {
                    return Outcome(tour: id, version: version, previous: current, change: .alreadyInstalled, daemon: .notRunning)
                }
                try switchLink(id, to: version)
                let daemon = reloadDaemon()
                return Outcome(tour: id, version: version, previous: current, change: .switchedBack, daemon: daemon)
            }

            if let free = LibraryFiles.availableBytes(at: layout.dataDirectory), free < manifest.totalBytes + reserveBytes {
                throw .diskFull(needed: manifest.totalBytes + reserveBytes, available: free)
            }
            let staging = try makeStaging()
            do throws(PackageRefusal) {
                checkpoint("staging")
                try opened.checkFiles(writingInto: staging) { _ in checkpoint("file") }
                let loaded = try validate(staging, id: id, version: version)
                checkpoint("validated")
                indexClips(loaded)
                let record = ReleaseRecord(tour: id, version: version, signer: opened.signerKeyID, installedAt: Date(),
                                           manifestSHA256: opened.manifestDigest, package: package.lastPathComponent)
                try LibraryFiles.writeAtomically(record.encoded(), to: staging.appendingPathComponent(ReleaseRecord.fileName))
                try createFolder(layout.releases(of: id))
                checkpoint("release")
                try LibraryFiles.rename(staging, to: target)
            } catch {
                try? FileManager.default.removeItem(at: staging)
                throw error
            }
            if layout.highestTrusted(id).map({ version > $0 }) ?? true {
                try LibraryFiles.writeAtomically(Data("\(version)\n".utf8), to: layout.trustedDirectory.appendingPathComponent(id))
            }
            checkpoint("switch")
            try switchLink(id, to: version)
            checkpoint("switched")
            let daemon = reloadDaemon()
            pruneIfUnused(id, daemon: daemon)
            return Outcome(tour: id, version: version, previous: current, change: .installed, daemon: daemon)
        }
    }

    /// Switches `tours/ID` to the highest kept release below the current one.
    public func rollback(_ id: String) throws(PackageRefusal) -> Outcome {
        try LibraryFiles.withLock(layout.dataDirectory) { () throws(PackageRefusal) -> Outcome in
            LibraryFiles.clearLeftovers(in: layout.releasesDirectory)
            guard let current = layout.currentVersion(id) else { throw .notInstalled("tour \(id) is not an installed package") }
            guard let previous = layout.keptVersions(id).filter({ $0 < current }).last else {
                throw .notInstalled("tour \(id) has no release older than \(current) to roll back to")
            }
            try switchLink(id, to: previous)
            return Outcome(tour: id, version: previous, previous: current, change: .switchedBack, daemon: reloadDaemon())
        }
    }

    /// Removes `tours/ID` and its releases. The highest trusted version is remembered, so an old package
    /// cannot come back later. If the running daemon cannot let the tour go (it is playing it), nothing is removed.
    public func uninstall(_ id: String) throws(PackageRefusal) -> DaemonReload {
        try LibraryFiles.withLock(layout.dataDirectory) { () throws(PackageRefusal) -> DaemonReload in
            LibraryFiles.clearLeftovers(in: layout.releasesDirectory)
            guard case .link(let target) = layout.tourEntry(id) else { throw .notInstalled("tour \(id) is not an installed package") }
            guard unlink(layout.tourLink(id).path) == 0 else { throw .io("\(layout.tourLink(id).path): cannot be removed") }
            LibraryFiles.syncDirectory(layout.toursDirectory)
            let daemon = reloadDaemon()
            if case .failed(let reason) = daemon {
                // Put the link back: the daemon still needs the tour.
                symlink(target, layout.tourLink(id).path)
                throw .io("the running daemon still needs tour \(id) (\(reason)); switch it to another tour first")
            }
            LibraryFiles.remove(layout.releases(of: id), trashIn: layout.releasesDirectory)
            return daemon
        }
    }

    /// The packaged tours in the data folder.
    public func list() -> [InstalledPackage] {
        layout.installedTourIDs().compactMap { id in
            let kept = layout.keptVersions(id)
            guard let current = layout.currentVersion(id), let record = ReleaseRecord.read(layout.release(id, current)) else {
                return kept.isEmpty ? nil : InstalledPackage(id: id, version: nil, signer: nil, installedAt: nil,
                                                              kept: kept.map(\.description))
            }
            return InstalledPackage(id: id, version: current.description, signer: record.signer, installedAt: record.installedAt,
                                    kept: kept.map(\.description))
        }
    }

    // MARK: - Steps

    private func makeStaging() throws(PackageRefusal) -> URL {
        try createFolder(layout.releasesDirectory)
        var template = Array(layout.releasesDirectory.appendingPathComponent(".staging-XXXXXX").path.utf8CString)
        guard let made = mkdtemp(&template) else { throw .io("cannot make a staging folder in \(layout.releasesDirectory.path)") }
        // mkdtemp makes it 0700; the release must be readable by the daemon's user.
        chmod(made, 0o755)
        return URL(fileURLWithPath: String(cString: made))
    }

    private func createFolder(_ url: URL) throws(PackageRefusal) {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        catch { throw .io("\(url.path): cannot be created: \(error.localizedDescription)") }
    }

    /// The same rules as `audiogid validate`, on the staged files; the tour must be the package's.
    private func validate(_ staging: URL, id: String, version: TourVersion) throws(PackageRefusal) -> LoadedTour {
        let loaded: LoadedTour
        do {
            loaded = try TourLoader.load(path: staging.path, audioDirectory: staging.appendingPathComponent("audio").path)
        } catch {
            throw .invalidTour(findings: error.findings.filter { $0.severity == .error }.map { finding in
                finding.line.replacingOccurrences(of: staging.path + "/", with: "")
            })
        }
        guard loaded.tour.id == id else { throw .invalidTour(findings: ["tour.yaml: id is '\(loaded.tour.id)', the package says '\(id)'"]) }
        if let written = loaded.tour.version, written != version {
            throw .invalidTour(findings: ["tour.yaml: version is \(written), the package says \(version)"])
        }
        return loaded
    }

    /// Points `tours/ID` at `releases/ID/VERSION` with one rename of a new link over the old.
    private func switchLink(_ id: String, to version: TourVersion) throws(PackageRefusal) {
        try createFolder(layout.toursDirectory)
        let next = layout.releasesDirectory.appendingPathComponent(".next-\(id)")
        unlink(next.path)
        // Relative, so the data folder can be moved or mounted elsewhere.
        guard symlink("../releases/\(id)/\(version)", next.path) == 0 else {
            throw .io("\(next.path): cannot make a link: \(String(cString: strerror(errno)))")
        }
        try LibraryFiles.rename(next, to: layout.tourLink(id))
    }

    /// Keeps the current release and the one `rollback` would pick; removes older ones, but only once no
    /// daemon can be reading them (it reloaded, or none runs).
    private func pruneIfUnused(_ id: String, daemon: DaemonReload) {
        guard daemon == .reloaded || daemon == .notRunning, let current = layout.currentVersion(id) else { return }
        let kept = layout.keptVersions(id)
        let previous = kept.filter { $0 < current }.last
        for version in kept where version != current && version != previous && version < current {
            LibraryFiles.remove(layout.release(id, version), trashIn: layout.releasesDirectory)
        }
    }
}

/// One line of `audiogid list`.
public struct InstalledPackage: Sendable, Codable, Equatable {
    public var id: String
    /// nil when `tours/ID` no longer points at a release (uninstalled by hand).
    public var version: String?
    public var signer: String?
    public var installedAt: Date?
    /// Every release kept on disk, oldest first (the current one and what rollback can go back to).
    public var kept: [String]
}
