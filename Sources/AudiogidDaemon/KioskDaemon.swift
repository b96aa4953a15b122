import AudiogidControl
import AudiogidCore
import AudiogidKiosk
import AudiogidStore
import AudiogidTriggers
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Why the daemon would not start: the message the technician reads in the journal.
public struct DaemonSetupError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// The composition root: kiosk.yaml (read once) becomes one ServiceGroup of the daemon's parts.
///
/// `open` builds and opens everything in dependency order — store, speaker, tour, kiosk, control socket,
/// trigger devices — and throws, leaving nothing running, when the kiosk cannot work (no tours folder, a
/// tour that does not load, a socket owned by another daemon). `run` then runs the group: READY goes to
/// systemd only once every part is open, and SIGTERM/SIGINT stop the parts in reverse order (see
/// KioskServices.swift for why that order).
public final class KioskDaemon: Sendable {
    public let kiosk: Kiosk
    public let configuration: KioskConfiguration
    private let readyLine: String
    private let group: ServiceGroup
    private let trigger: TriggerService?
    private let speaker: Speaker
    private let logger: Logger

    /// - Parameters:
    ///   - file: kiosk.yaml as read (or built-in defaults), with the command line's flags applied.
    ///   - configFile: where to read kiosk.yaml again on SIGHUP (nil: the defaults, nothing to re-read).
    public static func open(_ file: KioskFile, configFile: String?, overrides: ConfigurationOverrides, logger: Logger,
                            makeSpeaker: SpeakerFactory = AudioSpeaker.make,
                            notifier: SystemdNotifier = SystemdNotifier(),
                            shutdownBudget: Duration = .seconds(6)) async throws -> KioskDaemon {
        let began = ContinuousClock.now
        let daemon = try KioskDaemon(file, configFile: configFile, overrides: overrides, logger: logger, makeSpeaker: makeSpeaker,
                                     notifier: notifier, shutdownBudget: shutdownBudget)
        // 6. The trigger devices and the audio device: opened (or logged missing) before READY, so `status` right
        // after READY says how the kiosk really is (not "device closed" for a card about to open).
        await daemon.trigger?.open()
        await daemon.speaker.deviceTried()
        daemon.logReady(after: ContinuousClock.now - began)
        return daemon
    }

    /// - Parameter shutdownBudget: how long the parts may take to stop before the rest are cancelled; systemd's
    ///   TimeoutStopSec is 10 s, so a part that hangs is cancelled well before SIGKILL.
    private init(_ file: KioskFile, configFile: String?, overrides: ConfigurationOverrides, logger: Logger,
                 makeSpeaker: SpeakerFactory, notifier: SystemdNotifier, shutdownBudget: Duration) throws {
        self.logger = logger
        let configuration = file.configuration
        self.configuration = configuration
        try Self.checkDataFolder(configuration)

        // 1. The store. It may be unwritable (read-only SD card, full disk): play on without a log.
        var store: KioskStore?
        do {
            store = try KioskStore(path: configuration.databasePath)
            let closed = try store?.closeOpenPlays() ?? 0
            if closed > 0 { logger.warning("\(closed) play(s) left open by a crash or power cut marked interrupted") }
        } catch {
            logger.critical("database not usable, playing on without logging",
                            metadata: ["database": "\(configuration.databasePath)", "reason": "\(error)"])
            store = nil
        }
        let saved = (try? store?.loadState()) ?? SavedState()
        let writer = store.map { store in
            StoreWriter(store: store) { health in
                if health.writable { logger.notice("play log writable again") }
                else { logger.critical("database not writable, playing on without logging", metadata: ["reason": "\(health.lastError ?? "")"]) }
            }
        }
        writer?.start()

        // 2. The speaker; `device: none` keeps time silently.
        let speaker: Speaker = configuration.audio.device == "none"
            ? SilentSpeaker()
            : try makeSpeaker(configuration.audio, configuration.player.volumeCap, logger)
        self.speaker = speaker

        // 3. The tour: the one the kiosk last ran wins over kiosk.yaml's, unless --tour says otherwise.
        // Loudness is measured once per clip into the index, only when something will play it.
        let measure: (@Sendable (URL) -> (lufs: Double, truePeak: Double)?)? = configuration.audio.device == "none" ? nil : AudioSpeaker.measure
        let shelf = TourShelf(toursDirectory: configuration.toursDirectory, audioDirectory: configuration.audioDirectory,
                              store: store, measureLoudness: measure, logger: logger)
        var tourID = overrides.tour ?? saved.tourID ?? configuration.tour
        let tour: InstalledTour
        do {
            tour = try shelf.install(tourID)
        } catch where tourID != configuration.tour {
            logger.error("saved tour cannot be loaded, starting kiosk.yaml's", metadata: ["tour": "\(tourID)", "reason": "\(error)"])
            tourID = configuration.tour
            tour = try shelf.install(tourID)
        }

        // 4. The kiosk. A reload reads the whole kiosk.yaml again (triggers too), so a file with errors is refused.
        let running = RunningTourID(configuration.tour)
        kiosk = Kiosk(
            configuration: configuration, tour: tour, speaker: speaker, writer: writer, saved: saved, logger: logger,
            loadTour: { id in try shelf.install(id) },
            reload: { currentTourID in
                var fresh = try configFile.map { try KioskFile.read(path: $0) }?.configuration ?? KioskConfiguration()
                overrides.apply(to: &fresh)
                // A changed `tour:` in kiosk.yaml switches tours; otherwise the running tour is re-read.
                let tour = try shelf.install(running.id != fresh.tour ? fresh.tour : currentTourID)
                running.id = fresh.tour
                return (fresh, tour)
            })

        // The package inbox (kiosk.yaml `packages.inbox`), checked before anything is bound or opened.
        let inbox = try PackageInboxService.make(file.packages, configuration: configuration, kiosk: kiosk, shelf: shelf, logger: logger)

        // 5. The control socket, bound now so a second daemon on the same socket fails here, before anything runs.
        let control = configuration.control
        if control.tcpPort != nil, !["127.0.0.1", "localhost"].contains(control.tcpAddress), control.defaultPermissions.contains(.admin) {
            logger.warning("control.tcp listens on \(control.tcpAddress) and gives every client admin rights: set passwords")
        }
        let server = ControlServer(kiosk: kiosk, settings: control, logger: logger)
        try server.start()

        // 6. The trigger sources, checked against the tour; their devices open in `open`, before READY.
        let trigger: TriggerService?
        do {
            trigger = try TriggerService.make(file.triggers, kiosk: kiosk, configuration: configuration, logger: logger)
        } catch {
            server.stop()
            throw DaemonSetupError("triggers: \(error)")
        }
        self.trigger = trigger
        if let trigger { kiosk.reportInputs { trigger.inputs.filter { !$0.connected }.map(\.name) } }
        readyLine = "tour \(tour.tour.id) (\(tour.order.count) stops), socket \(control.socketPath)"
            + (server.tcpPort.map { ", tcp \(control.tcpAddress):\($0)" } ?? "")

        var services: [any Service] = []
        if let writer, let store { services.append(StoreService(writer: writer, store: store, logger: logger)) }
        services.append(SpeakerService(speaker: speaker, logger: logger))
        services.append(KioskService(kiosk: kiosk, logger: logger))
        services.append(ControlService(server: server, logger: logger))
        if let trigger { services.append(trigger) }
        if let inbox { services.append(inbox) }
        services.append(HangupService(kiosk: kiosk, notifier: notifier, logger: logger))
        services.append(SystemdService(notifier: notifier, kiosk: kiosk, readyStatus: "playing tour \(tour.tour.id)", logger: logger))
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = shutdownBudget
        group = ServiceGroup(configuration: groupConfiguration)
    }

    /// Runs until SIGTERM or SIGINT, then stops every part in order.
    public func run() async throws {
        try await group.run()
        logStopped()
    }

    /// Stops the daemon as SIGTERM would (for embedding and tests).
    public func stop() async {
        await group.triggerGracefulShutdown()
    }

    private func logReady(after elapsed: Duration) {
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        logger.notice("ready in \(milliseconds) ms: \(readyLine)")
    }

    private func logStopped() {
        logger.notice("stopped")
    }

    private static func checkDataFolder(_ configuration: KioskConfiguration) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: configuration.toursDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DaemonSetupError("no tours/ folder in the data folder \(configuration.dataDirectory); give --data DIR or a kiosk.yaml with 'data:'")
        }
        // A missing prompt clip would only show up minutes after start, as a failed play: refuse it now.
        for (language, path) in configuration.player.idlePrompt?.clips ?? [:] {
            let url = URL(fileURLWithPath: configuration.audioDirectory).appendingPathComponent(path)
            guard !path.contains(".."), FileManager.default.isReadableFile(atPath: url.path) else {
                let key = language == "*" ? "idle_prompt.clip" : "idle_prompt.clip.\(language)"
                throw DaemonSetupError("\(configuration.file ?? "configuration"): \(key): \(path) is not a readable clip under \(configuration.audioDirectory)")
            }
        }
    }
}

/// kiosk.yaml's `tour:` as last read, so a reload switches tours only when the file's `tour:` changed.
private final class RunningTourID: Sendable {
    private let value: Mutex<String>
    init(_ id: String) { value = Mutex(id) }
    var id: String {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
