import AudiogidCore
import AudiogidManifest
import AudiogidPackages
import Foundation

/// The web process's hand on the kiosk's tour library: the same `TourInstaller` as `audiogid install` and
/// `audiogid rollback`, with the same trusted keys, limits, clip indexing and daemon reload, which `audiogid web`
/// hands in (the CLI's own code for the last two).
public struct PackageDesk: Sendable {
    public var dataDirectory: String
    public var settings: PackageSettings
    /// Measures a staged release's clips into the daemon's clip index (`audiogid install`'s `ClipIndexing`).
    public var indexClips: @Sendable (LoadedTour) -> Void
    /// Tells the running daemon to reload (`audiogid install`'s `DaemonReloader`).
    public var reloadDaemon: @Sendable () -> DaemonReload

    public init(dataDirectory: String, settings: PackageSettings = PackageSettings(),
                indexClips: @escaping @Sendable (LoadedTour) -> Void = { _ in },
                reloadDaemon: @escaping @Sendable () -> DaemonReload = { .notRunning }) {
        self.dataDirectory = dataDirectory
        self.settings = settings
        self.indexClips = indexClips
        self.reloadDaemon = reloadDaemon
    }

    var dataURL: URL { URL(fileURLWithPath: dataDirectory) }

    /// Where uploads are written while they arrive: on the data folder's file system, so the free space checked
    /// is the space the install will use, and in a dot-folder no part of the kiosk reads tours from.
    var uploadsDirectory: URL { dataURL.appendingPathComponent(".uploads") }

    func installer(trust: TrustPolicy) -> TourInstaller {
        TourInstaller(dataDirectory: dataURL, trust: trust, limits: settings.limits, indexClips: indexClips, reloadDaemon: reloadDaemon)
    }

    /// Installs a package file, off the HTTP event loops: verifying, unpacking and measuring take seconds.
    func install(_ package: URL) async -> Result<TourInstaller.Outcome, PackageRefusal> {
        await Self.offLoop { [self] in
            let trust: TrustPolicy
            do { trust = try settings.trustPolicy() } catch {
                return .failure(.io("the trusted keys cannot be read: \(error)"))
            }
            do throws(PackageRefusal) { return .success(try installer(trust: trust).install(package)) } catch { return .failure(error) }
        }
    }

    func rollback(_ id: String) async -> Result<TourInstaller.Outcome, PackageRefusal> {
        await Self.offLoop { [self] in
            do throws(PackageRefusal) { return .success(try installer(trust: TrustPolicy(keys: [], source: "")).rollback(id)) }
            catch { return .failure(error) }
        }
    }

    /// The packaged tours, by id: version, signer and the releases kept for rollback.
    func installed() -> [String: InstalledPackage] {
        let list = TourInstaller(dataDirectory: dataURL, trust: TrustPolicy(keys: [], source: "")).list()
        return Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Trusted keys by key id, named after their file (`museum.pub` → `museum`): a name staff recognise.
    func signerNames() -> [String: String] {
        let folder = settings.trustedKeys
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var byID: [String: String] = [:]
        for name in names where name.hasSuffix(".pub") {
            if let key = try? MinisignPublicKey.read(from: URL(fileURLWithPath: folder).appendingPathComponent(name)) {
                byID[key.keyIDText] = String(name.dropLast(4))
            }
        }
        return byID
    }

    static func offLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: body()) }
        }
    }
}

extension InstalledPackage {
    /// The release `rollback` would switch to: the newest kept one older than the current.
    var rollbackTarget: String? {
        guard let version, let current = TourVersion(version) else { return nil }
        return kept.compactMap(TourVersion.init).filter { $0 < current }.max()?.description
    }
}
