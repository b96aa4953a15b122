import AudiogidCore
import AudiogidStore
import Foundation
import Synchronization
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Command-line flags that win over kiosk.yaml.
public struct ConfigurationOverrides: Sendable, Equatable {
    public var data: String?
    public var tour: String?
    public var device: String?
    public var socket: String?
    public var verbose: Bool

    public init(data: String? = nil, tour: String? = nil, device: String? = nil, socket: String? = nil, verbose: Bool = false) {
        self.data = data
        self.tour = tour
        self.device = device
        self.socket = socket
        self.verbose = verbose
    }

    public func apply(to configuration: inout KioskConfiguration) {
        if let data { configuration.dataDirectory = data }
        if let tour { configuration.tour = tour }
        if let device { configuration.audio.device = device }
        if let socket { configuration.control.socketPath = socket }
        if verbose { configuration.verbose = true }
    }

    /// kiosk.yaml (or the built-in demo defaults when there is none) with these flags on top.
    public func configuration(file: String?) throws(ConfigurationError) -> KioskConfiguration {
        var configuration = try file.map { path throws(ConfigurationError) in try KioskConfiguration.load(file: path) } ?? KioskConfiguration()
        apply(to: &configuration)
        return configuration
    }
}

/// Makes the speaker a configuration asks for. The daemon passes the audio engine's; `device: none`
/// always gets a `SilentSpeaker`.
public typealias SpeakerFactory = @Sendable (AudioSettings, _ volumeCap: Int, Logger) throws -> Speaker

/// The kiosk daemon: store, tour, speaker, player and control socket wired together, with the
/// systemd protocol (READY, WATCHDOG, STOPPING) and signals (TERM/INT stop cleanly, HUP reloads).
public final class Daemon: @unchecked Sendable {
    public let kiosk: Kiosk
    private let speaker: Speaker
    public let server: ControlServer
    public let configuration: KioskConfiguration
    public let readyAfter: Double
    private let store: KioskStore?
    private let writer: StoreWriter?
    private let writing: Task<Void, Never>?
    private let notifier: SystemdNotifier
    private let logger: Logger
    private var watchdog: DispatchSourceTimer?
    private var ticking: Task<Void, Never>?

    /// Opens everything and starts accepting clients; throws (and nothing is left running) when the
    /// tour cannot be loaded or the socket is owned by another daemon.
    public init(configFile: String?, overrides: ConfigurationOverrides, logger: Logger,
                makeSpeaker: SpeakerFactory? = nil, notifier: SystemdNotifier = SystemdNotifier()) throws {
        let began = Date()
        let configuration = try overrides.configuration(file: configFile)
        self.configuration = configuration
        self.logger = logger
        self.notifier = notifier

        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: configuration.toursDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw KioskSetupError("no tours/ folder in the data folder \(configuration.dataDirectory); give --data DIR or a kiosk.yaml with 'data:'")
        }

        // A missing prompt clip would only show up minutes after start, as a failed play: refuse it now.
        for (language, path) in configuration.player.idlePrompt?.clips ?? [:] {
            let url = URL(fileURLWithPath: configuration.audioDirectory).appendingPathComponent(path)
            guard !path.contains(".."), FileManager.default.isReadableFile(atPath: url.path) else {
                let key = language == "*" ? "idle_prompt.clip" : "idle_prompt.clip.\(language)"
                throw KioskSetupError("\(configuration.file ?? "configuration"): \(key): \(path) is not a readable clip under \(configuration.audioDirectory)")
            }
        }

        // The store may be unwritable (read-only SD card, full disk): play on without a log.
        var store: KioskStore?
        do {
            store = try KioskStore(path: configuration.databasePath)
            let closed = try store?.closeOpenPlays() ?? 0
            if closed > 0 { logger.warning("\(closed) play(s) left open by a crash or power cut marked interrupted") }
        } catch {
            logger.critical("DATABASE \(configuration.databasePath) NOT USABLE, playing on WITHOUT LOGGING: \(error)")
            store = nil
        }
        self.store = store
        let saved = (try? store?.loadState()) ?? SavedState()
        let writer = store.map { store in
            StoreWriter(store: store) { health in
                if health.writable { logger.notice("play log writable again") }
                else { logger.critical("database not writable, playing on without logging", metadata: ["reason": "\(health.lastError ?? "")"]) }
            }
        }
        self.writer = writer
        writing = writer.map { writer in Task { await writer.run() } }

        let speaker: Speaker = configuration.audio.device == "none"
            ? SilentSpeaker()
            : try (makeSpeaker ?? AudioSpeaker.make)(configuration.audio, configuration.player.volumeCap, logger)

        // Loudness is measured once per clip into the index, only when something will play it.
        let measure: (@Sendable (URL) -> (lufs: Double, truePeak: Double)?)? = configuration.audio.device == "none" ? nil : AudioSpeaker.measure
        let shelf = TourShelf(toursDirectory: configuration.toursDirectory, audioDirectory: configuration.audioDirectory,
                              store: store, measureLoudness: measure, logger: logger)
        // The tour the kiosk last ran wins over kiosk.yaml's, unless --tour says otherwise.
        var tourID = overrides.tour ?? saved.tourID ?? configuration.tour
        let tour: InstalledTour
        do {
            tour = try shelf.install(tourID)
        } catch where tourID != configuration.tour {
            logger.error("saved tour \(tourID) cannot be loaded, starting \(configuration.tour): \(error)")
            tourID = configuration.tour
            tour = try shelf.install(tourID)
        }

        self.speaker = speaker
        let configFileForReload = configFile
        let running = Mutex(configuration)
        kiosk = Kiosk(
            configuration: configuration, tour: tour, speaker: speaker, writer: writer, saved: saved, logger: logger,
            loadTour: { id in try shelf.install(id) },
            reload: { currentTourID in
                let fresh = try overrides.configuration(file: configFileForReload)
                // A changed `tour:` in kiosk.yaml switches tours; otherwise the running tour is re-read.
                let previous = running.withLock { $0 }
                let tour = try shelf.install(fresh.tour != previous.tour ? fresh.tour : currentTourID)
                running.withLock { $0 = fresh }
                return (fresh, tour)
            })

        let control = configuration.control
        if control.tcpPort != nil, !["127.0.0.1", "localhost"].contains(control.tcpAddress), control.defaultPermissions.contains(.admin) {
            logger.warning("control.tcp listens on \(control.tcpAddress) and gives every client admin rights: set passwords")
        }
        server = ControlServer(kiosk: kiosk, settings: configuration.control, logger: logger)
        try server.start()
        let kiosk = self.kiosk
        ticking = Task { await kiosk.runClock() }
        readyAfter = Date().timeIntervalSince(began)
        notifier.notify("READY=1\nSTATUS=playing tour \(tour.tour.id)")
        logger.notice("ready in \(Int(readyAfter * 1000)) ms: tour \(tour.tour.id) (\(tour.order.count) stops), socket \(configuration.control.socketPath)\(server.tcpPort.map { ", tcp \(configuration.control.tcpAddress):\($0)" } ?? "")")
        startWatchdog()
    }

    /// The watchdog is pinged only while the kiosk answers: a deadlocked player gets restarted by systemd.
    private func startWatchdog() {
        guard let interval = notifier.watchdogInterval else { return }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "audiogid.watchdog"))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [kiosk, notifier] in
            _ = kiosk.status
            notifier.notify("WATCHDOG=1")
        }
        timer.resume()
        watchdog = timer
    }

    /// Runs until SIGTERM or SIGINT; SIGHUP reloads kiosk.yaml and the tour.
    public func run() async {
        let signals = AsyncStream<Int32> { continuation in
            var sources: [DispatchSourceSignal] = []
            for number in [SIGTERM, SIGINT, SIGHUP] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { continuation.yield(number) }
                source.resume()
                sources.append(source)
            }
            let keep = SignalSources(sources)
            continuation.onTermination = { _ in keep.cancel() }
        }
        for await number in signals {
            if number == SIGHUP {
                logger.notice("SIGHUP: reloading")
                notifier.notify("RELOADING=1")
                if case .failure(let refusal) = await kiosk.perform(.reload, source: .auto) { logger.error("\(refusal)") }
                notifier.notify("READY=1")
                continue
            }
            break
        }
        await stop()
    }

    /// STOPPING, close the socket, end the current play as interrupted (logged), fade out, close the database.
    public func stop() async {
        notifier.notify("STOPPING=1")
        watchdog?.cancel()
        server.stop()
        ticking?.cancel()
        kiosk.shutdown()
        await speaker.shutdown()
        writer?.finish()
        await writing?.value
        do { try store?.close() } catch { logger.error("database not closed cleanly (the WAL keeps every write): \(error)") }
        logger.notice("stopped")
    }
}

private final class SignalSources: @unchecked Sendable {
    let sources: [DispatchSourceSignal]
    init(_ sources: [DispatchSourceSignal]) { self.sources = sources }
    func cancel() { sources.forEach { $0.cancel() } }
}
