import AudiogidCore
import AudiogidKiosk
import AudiogidPackages
import Foundation
import Logging
import ServiceLifecycle

/// kiosk.yaml's `packages.inbox`: every `*.audiogid` that appears in the folder (copied over the network, or on a
/// USB stick mounted there) is installed as `audiogid install` would, the daemon reloads itself, a short sound
/// says "installed" or "refused" when no visitor is listening, and the file moves to `done/` or `refused/` with a
/// `.txt` beside it saying why.
///
/// The folder is looked at every couple of seconds rather than watched with inotify: a stick mounted over the
/// folder is a new file system that inotify on the old one never reports. A package is taken only once its size
/// and time stayed the same between two looks, so one still being copied is left alone.
final class PackageInbox: @unchecked Sendable {  // state touched only by the service's one loop
    struct Result: Equatable {
        var file: String
        var installed: Bool
        var message: String
    }

    let inbox: URL
    let installer: TourInstaller
    let announce: (_ installed: Bool) -> Void
    let logger: Logger
    /// Size and time of each package seen at the last look, to know when a copy has finished.
    private var seen: [String: String] = [:]
    /// Packages that could not be moved (a read-only stick): handled once, not again at every look.
    private var handled: Set<String> = []

    init(inbox: URL, installer: TourInstaller, announce: @escaping (Bool) -> Void, logger: Logger) {
        self.inbox = inbox
        self.installer = installer
        self.announce = announce
        self.logger = logger
    }

    /// One look at the folder: installs what has finished arriving, in name order.
    func look() -> [Result] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: inbox.path)) ?? [])
            .filter { $0.hasSuffix(".audiogid") && !$0.hasPrefix(".") }.sorted()
        var stamps: [String: String] = [:]
        var results: [Result] = []
        for name in names {
            let url = inbox.appendingPathComponent(name)
            var info = stat()
            guard lstat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            let stamp = "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
            stamps[name] = stamp
            guard seen[name] == stamp, !handled.contains(name + " " + stamp) else { continue }
            results.append(install(url))
            handled.insert(name + " " + stamp)
        }
        seen = stamps
        handled = handled.filter { entry in stamps.contains { entry == $0.key + " " + $0.value } }
        return results
    }

    private func install(_ url: URL) -> Result {
        let name = url.lastPathComponent
        let result: Result
        do {
            let outcome = try installer.install(url)
            let message: String
            switch outcome.change {
            case .installed, .switchedBack:
                message = "installed tour \(outcome.tour) version \(outcome.version)"
                    + (outcome.previous.map { " (was \($0))" } ?? "")
            case .alreadyInstalled:
                message = "tour \(outcome.tour) version \(outcome.version) was already installed"
            }
            logger.notice("package installed", metadata: ["package": "\(name)", "tour": "\(outcome.tour)",
                                                          "version": "\(outcome.version)", "reload": "\(outcome.daemon)"])
            result = Result(file: name, installed: true, message: message)
        } catch {
            logger.error("package refused", metadata: ["package": "\(name)", "reason": "\(error)"])
            result = Result(file: name, installed: false, message: "refused: \(error)")
        }
        file(url, into: result.installed ? "done" : "refused", note: result.message)
        announce(result.installed)
        return result
    }

    /// Moves the package to `done/` or `refused/` with NAME.txt saying what happened; on a read-only folder it
    /// stays where it is (and is not tried again until it changes).
    private func file(_ url: URL, into folder: String, note: String) {
        let target = inbox.appendingPathComponent(folder)
        let stamp = ISO8601DateFormatter().string(from: Date())
        do {
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            let destination = target.appendingPathComponent(url.lastPathComponent)
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.moveItem(at: url, to: destination)
            // The report comes last: a script waiting for NAME.txt finds the package already filed.
            try Data("\(stamp) \(url.lastPathComponent): \(note)\n".utf8)
                .write(to: target.appendingPathComponent(url.lastPathComponent + ".txt"), options: .atomic)
        } catch {
            logger.warning("package left in the inbox", metadata: ["package": "\(url.lastPathComponent)", "reason": "\(error)"])
        }
    }
}

/// Runs the inbox's looks on a thread of its own: an install reads and writes hundreds of megabytes, which must
/// not hold a thread of the pool that answers presses.
struct PackageInboxService: Service {
    let inbox: PackageInbox
    let interval: Duration
    let logger: Logger

    func run() async throws {
        logger.notice("watching the package inbox", metadata: ["inbox": "\(inbox.inbox.path)"])
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await Self.onThread { inbox.look() }
                try? await Task.sleep(for: interval)
            }
        }
        logger.debug("stopped", metadata: ["part": "package inbox"])
    }

    static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    /// The inbox of `settings`, installing into the daemon's data folder and reloading the daemon's own kiosk.
    static func make(_ settings: PackageSettings, configuration: KioskConfiguration, kiosk: Kiosk, shelf: TourShelf,
                     logger: Logger) throws -> PackageInboxService? {
        guard let inbox = settings.inbox else { return nil }
        let trust: TrustPolicy
        do { trust = try settings.trustPolicy() } catch { throw DaemonSetupError("packages.trusted_keys: \(error)") }
        if trust.keys.isEmpty, trust.requireSignature {
            logger.warning("the package inbox trusts no key: every signed package will be refused", metadata: ["trusted_keys": "\(settings.trustedKeys)"])
        }
        let installer = TourInstaller(
            dataDirectory: URL(fileURLWithPath: configuration.dataDirectory), trust: trust, limits: settings.limits,
            indexClips: { loaded in _ = shelf.index(loaded) },
            reloadDaemon: {
                switch kiosk.performAndWait(.reload, source: .auto) {
                case .success: .reloaded
                case .failure(let refusal): .failed("\(refusal)")
                }
            })
        let installed = TriggerService.systemClips(named: "package-installed", in: configuration.audioDirectory)
        let refused = TriggerService.systemClips(named: "package-refused", in: configuration.audioDirectory)
        let watcher = PackageInbox(inbox: URL(fileURLWithPath: inbox), installer: installer, announce: { ok in
            // Only into silence: a visitor's clip is never cut to say a tour was updated.
            guard kiosk.status.state.play == nil else { return }
            _ = kiosk.announce(ok ? installed : refused, source: .auto)
        }, logger: logger)
        return PackageInboxService(inbox: watcher, interval: .seconds(2), logger: logger)
    }
}
