import AudiogidCore
import AudiogidManifest
import AudiogidStore
import Foundation
import Logging

/// A tour ready to play: its manifest, its stops in route order, and what the clip index knows.
public struct InstalledTour: Sendable {
    public var loaded: LoadedTour
    /// The stops in route order: the queue.
    public var order: [Stop]
    /// Measured loudness by clip path (relative to `audio/`), from the clip index.
    public var loudness: [String: ClipLoudness]

    public init(loaded: LoadedTour, order: [Stop]? = nil, loudness: [String: ClipLoudness] = [:]) {
        self.loaded = loaded
        self.order = order ?? loaded.tour.stops
        self.loudness = loudness
    }

    public var tour: Tour { loaded.tour }

    func speakerClip(_ clip: ClipChoice) -> SpeakerClip {
        SpeakerClip(url: loaded.clipURL(clip.path), loudnessLUFS: loudness[clip.path]?.lufs,
                    truePeakDBTP: loudness[clip.path]?.truePeak, durationSeconds: loaded.clips[clip.path]?.durationSeconds)
    }

    /// The clips a visitor in `language` would hear, in route order: what the speaker prepares.
    func clipURLs(language: String) -> [URL] {
        order.compactMap { tour.clip(for: $0, language: language) }.map { loaded.clipURL($0.path) }
    }
}

/// A clip's integrated loudness (LUFS) and true peak (dBTP), as measured once into the clip index.
public struct ClipLoudness: Sendable, Equatable {
    public var lufs: Double
    public var truePeak: Double?
}

/// The answer to one command, as a trigger source or `ctl` sees it.
public struct CommandReply: Sendable, Equatable {
    public var ok: Bool
    public var message: String

    public static let done = CommandReply(ok: true, message: "")
    public static func refused(_ message: String) -> CommandReply { CommandReply(ok: false, message: message) }
}

/// Why the kiosk refused a command: the player said no, or a tour/config could not be loaded.
public struct KioskRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public var code: MPDErrorCode

    init(_ refusal: PlayerRefusal) {
        description = refusal.description
        switch refusal {
        case .noSuchStop, .noSuchPosition, .noClip, .endOfTour: code = .noExist
        case .unknownLanguage: code = .argument
        case .busy, .quietHours, .notPlaying: code = .playerSync
        }
    }

    init(_ message: String, code: MPDErrorCode) {
        description = message
        self.code = code
    }
}

/// The kiosk at run time: one player fed by every command source, carrying out its decisions on
/// the speaker, the play log and the control socket's idle clients.
///
/// All commands pass through `perform` under one lock, in arrival order, whatever their source
/// (socket, GPIO, serial, GPS, keypad, the daemon's own timer). A reply is given only after what
/// the command changed is on disk, so an acknowledged play is in the log even after `kill -9`.
public final class Kiosk: @unchecked Sendable {
    public typealias TourLoading = @Sendable (String) throws -> InstalledTour
    /// Re-reads config and tours; given the id of the tour running now.
    public typealias Reloading = @Sendable (String) throws -> (KioskConfiguration, InstalledTour)

    private let lock = NSLock()
    private var player: Player
    private var installed: InstalledTour
    private var configuration: KioskConfiguration
    private let speaker: Speaker
    private let store: KioskStore?
    private let logger: Logger
    private let loadTour: TourLoading
    private let reloadAll: Reloading
    private let clock: @Sendable () -> Moment
    let changes = ChangeBoard()

    private var logRows: [UInt64: Int64] = [:]
    private var storeWritable: Bool
    private var lastError: String?
    private var playlistVersion = 1
    private var entryVersions: [Int]
    private let startedAt: Double
    private var plays = 0
    private var secondsPlayed = 0.0
    private var observers: [Int: @Sendable (PlayerState) -> Void] = [:]
    private var nextObserver = 1
    private let observerQueue = DispatchQueue(label: "audiogid.kiosk.observers")
    private var ticker: DispatchSourceTimer?

    public init(configuration: KioskConfiguration, tour: InstalledTour, speaker: Speaker, store: KioskStore?,
                saved: SavedState = SavedState(), logger: Logger,
                loadTour: @escaping TourLoading, reload: @escaping Reloading,
                clock: @escaping @Sendable () -> Moment = Moment.now) {
        self.configuration = configuration
        self.installed = tour
        self.speaker = speaker
        self.store = store
        self.storeWritable = store != nil
        self.logger = logger
        self.loadTour = loadTour
        self.reloadAll = reload
        self.clock = clock
        let now = clock()
        self.startedAt = now.seconds
        player = Player(tour: tour.tour, order: tour.order, settings: configuration.player,
                        language: saved.language ?? configuration.language, volume: saved.volume ?? configuration.volume, at: now)
        entryVersions = Array(repeating: 1, count: tour.order.count)
        speaker.setVolume(player.volume)
        speaker.setEventHandler { [weak self] event in self?.speakerEvent(event) }
        speaker.prepare(tour.clipURLs(language: player.language))
    }

    /// Starts the clock that drives quiet hours and the idle prompt.
    public func start() {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "audiogid.kiosk.tick"))
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
        lock.withLock { ticker = timer }
    }

    // MARK: - Commands

    /// Runs one command from any source. Returns after its effects are carried out and logged.
    public func perform(_ command: Command, source: PressSource) -> Result<Void, KioskRefusal> {
        // Loading a tour may index (and measure) its clips: seconds on a Pi. Done before taking the lock, so
        // presses, status and the systemd watchdog are not held up meanwhile.
        let loaded: Loaded?
        switch command {
        case .tour(let id): loaded = .tour(Result { try loadTour(id) })
        case .reload: loaded = .all(Result { try reloadAll(lock.withLock { installed.tour.id }) })
        default: loaded = nil
        }
        return lock.withLock {
            let now = clock()
            let decision = player.handle(command, source: source, at: now)
            if let refusal = decision.refusal {
                logger.info("refused \(command) from \(source.rawValue): \(refusal)")
                return .failure(KioskRefusal(refusal))
            }
            logger.debug("\(command) from \(source.rawValue)")
            return apply(decision.effects, at: now, loaded: loaded)
        }
    }

    /// A tour (or configuration and tour) read ahead of the lock for `tour` and `reload`.
    private enum Loaded {
        case tour(Result<InstalledTour, any Error>)
        case all(Result<(KioskConfiguration, InstalledTour), any Error>)
    }

    /// Plays a sound of the player's own (paths under `audio/` by language), such as the keypad's "no such stop".
    public func announce(_ clips: ClipPaths, source: PressSource) -> Result<Void, KioskRefusal> {
        lock.withLock {
            let now = clock()
            let decision = player.announce(clips, source: source, at: now)
            if let refusal = decision.refusal { return .failure(KioskRefusal(refusal)) }
            return apply(decision.effects, at: now)
        }
    }

    /// The entry point for trigger sources: an `audiogid ctl`-style line (`play 3` = stop number 3,
    /// `lang next`, `volume +10`, `stop`), run through the same path as the control socket.
    public func execute(commandLine: String, source: PressSource) async -> CommandReply {
        let command: Command
        do { command = try Command(line: commandLine) } catch { return .refused(error.message) }
        switch perform(command, source: source) {
        case .success: return .done
        case .failure(let refusal): return .refused(refusal.description)
        }
    }

    /// Calls `handler` (on a private serial queue, in order) with the player's state after every change:
    /// what drives a button's LED. Returns an id for `removeObserver`.
    @discardableResult
    public func observe(_ handler: @escaping @Sendable (PlayerState) -> Void) -> Int {
        lock.withLock {
            defer { nextObserver += 1 }
            observers[nextObserver] = handler
            let state = player.state
            observerQueue.async { handler(state) }
            return nextObserver
        }
    }

    public func removeObserver(_ id: Int) {
        lock.withLock { _ = observers.removeValue(forKey: id) }
    }

    public var status: KioskStatus {
        lock.withLock {
            let now = clock()
            let tour = installed.tour
            let language = player.language
            let queue = installed.order.enumerated().map { index, stop in
                let clip = tour.clip(for: stop, language: language)
                return QueueEntry(position: index, stop: stop, title: tour.title(of: stop, in: language), clip: clip,
                                  duration: clip.flatMap { installed.loaded.clips[$0.path]?.durationSeconds },
                                  version: entryVersions.indices.contains(index) ? entryVersions[index] : playlistVersion)
            }
            let duration = player.state.play.flatMap { installed.loaded.clips[$0.clip.path]?.durationSeconds }
            return KioskStatus(state: player.state, volume: player.volume, language: language, tourID: tour.id,
                               tourTitle: tour.title.text(in: language, fallbacks: [tour.defaultLanguage]) ?? tour.id,
                               queue: queue, playlistVersion: playlistVersion, elapsed: player.elapsed(at: now),
                               duration: duration, speaker: speaker.status, storeWritable: storeWritable,
                               lastError: lastError, startedAt: startedAt, plays: plays, secondsPlayed: secondsPlayed)
        }
    }

    public var currentConfiguration: KioskConfiguration { lock.withLock { configuration } }

    /// Ends the current play as interrupted (logged), fades out and stops the clock: SIGTERM's path.
    public func shutdown() async {
        lock.withLock {
            ticker?.cancel()
            ticker = nil
            let now = clock()
            _ = apply(player.handle(.stop, source: .auto, at: now).effects, at: now)
        }
        await speaker.shutdown()
    }

    // MARK: - Events from the speaker and the clock

    private func speakerEvent(_ event: SpeakerEvent) {
        lock.withLock {
            let now = clock()
            switch event {
            case .finished(let token, let heard):
                _ = apply(player.clipEnded(token: token, outcome: .finished, secondsHeard: heard, at: now), at: now)
            case .failed(let token, let message):
                lastError = message
                logger.error("clip failed: \(message)")
                _ = apply(player.clipEnded(token: token, outcome: .failed, at: now), at: now)
            case .deviceLost(let message):
                lastError = "audio device lost: \(message)"
                logger.error("audio device lost: \(message); reopening")
                changes.post([.output])
            case .deviceRestored:
                lastError = nil
                logger.notice("audio device back")
                changes.post([.output])
            }
        }
    }

    func tick() {
        lock.withLock {
            let now = clock()
            _ = apply(player.tick(at: now), at: now)
        }
    }

    // MARK: - Carrying out decisions (caller holds the lock)

    private func apply(_ effects: [PlayerEffect], at now: Moment, loaded: Loaded? = nil) -> Result<Void, KioskRefusal> {
        var changed: Set<MPDSubsystem> = []
        var result: Result<Void, KioskRefusal> = .success(())
        for effect in effects {
            switch effect {
            case .start(let play):
                // Sound first, then the log: the sync to disk must not delay the visitor.
                speaker.play(installed.speakerClip(play.clip), token: play.token)
                if let stopID = play.stopID, let number = play.stopNumber {
                    logBegin(play, stopID: stopID, number: number)
                }
                logger.notice("play stop \(play.stopNumber.map(String.init) ?? "prompt") \(play.clip.path) [\(play.source.rawValue)]")
                changed.insert(.player)
            case .silence:
                speaker.stop()
                changed.insert(.player)
            case .pause:
                speaker.pause()
                changed.insert(.player)
            case .resume:
                speaker.resume()
                changed.insert(.player)
            case .setVolume(let level):
                speaker.setVolume(level)
                saveState()
                changed.insert(.mixer)
            case .languageChanged(let language):
                speaker.prepare(installed.clipURLs(language: language))
                saveState()
                bumpPlaylist()
                changed.formUnion([.playlist, .options])
            case .ended(let ended):
                logEnd(ended)
                changed.insert(.player)
            case .loadTour(let id):
                do {
                    let tour: InstalledTour
                    if case .tour(let ready) = loaded { tour = try ready.get() } else { tour = try loadTour(id) }
                    result = adopt(tour, configuration: nil, at: now, changed: &changed)
                    logger.notice("tour \(id) loaded")
                } catch {
                    logger.error("tour \(id) not loaded: \(error)")
                    result = .failure(KioskRefusal("tour \(id) not loaded: \(error)", code: .noExist))
                }
            case .reload:
                do {
                    let (newConfiguration, tour): (KioskConfiguration, InstalledTour)
                    if case .all(let ready) = loaded { (newConfiguration, tour) = try ready.get() } else {
                        (newConfiguration, tour) = try reloadAll(installed.tour.id)
                    }
                    result = adopt(tour, configuration: newConfiguration, at: now, changed: &changed)
                    logger.notice("reloaded \(newConfiguration.file ?? "configuration") and tour \(tour.tour.id)")
                } catch {
                    // The old configuration keeps running: a typo must not silence a kiosk.
                    logger.error("reload refused, keeping the running configuration: \(error)")
                    result = .failure(KioskRefusal("reload refused: \(error)", code: .argument))
                }
            }
        }
        if changed.contains(.player) { notifyObservers() }
        changes.post(changed)
        return result
    }

    private func adopt(_ tour: InstalledTour, configuration newConfiguration: KioskConfiguration?, at now: Moment,
                       changed: inout Set<MPDSubsystem>) -> Result<Void, KioskRefusal> {
        installed = tour
        var effects = player.replaceTour(tour.tour, order: tour.order, at: now)
        speaker.prepare(tour.clipURLs(language: player.language))
        if let newConfiguration {
            if newConfiguration.audio != configuration.audio || newConfiguration.control != configuration.control
                || newConfiguration.databasePath != configuration.databasePath {
                logger.warning("audio, control and database settings take effect at the next restart; the rest is reloaded")
            }
            configuration = newConfiguration
            effects += player.updateSettings(newConfiguration.player)
        }
        entryVersions = Array(repeating: playlistVersion + 1, count: tour.order.count)
        bumpPlaylist()
        saveState()
        changed.formUnion([.playlist, .options])
        return apply(effects, at: now)
    }

    private func bumpPlaylist() {
        playlistVersion += 1
        entryVersions = Array(repeating: playlistVersion, count: installed.order.count)
    }

    private func notifyObservers() {
        let state = player.state
        for handler in observers.values { observerQueue.async { handler(state) } }
    }

    // MARK: - The store, which may fail without stopping playback

    private func logBegin(_ play: Play, stopID: String, number: Int) {
        plays += 1
        guard let store, storeWritable || retryStore() else { return }
        let record = PlayRecord(startedAt: play.startedAt, tourID: installed.tour.id, stopID: stopID, stopNumber: number,
                                language: play.clip.language, source: play.source)
        do {
            logRows[play.token] = try store.beginPlay(record)
        } catch {
            storeFailed(error)
        }
    }

    private func logEnd(_ ended: PlayEnded) {
        secondsPlayed += ended.secondsHeard
        guard let row = logRows.removeValue(forKey: ended.play.token), let store else { return }
        do {
            try store.endPlay(id: row, outcome: ended.outcome, secondsHeard: ended.secondsHeard, endedAt: ended.endedAt)
        } catch {
            storeFailed(error)
        }
    }

    private func saveState() {
        guard let store, storeWritable || retryStore() else { return }
        do {
            try store.saveState(SavedState(tourID: installed.tour.id, language: player.language, volume: player.volume))
        } catch {
            storeFailed(error)
        }
    }

    private var lastStoreRetry = 0.0

    /// After a failure, try the database again at most once a minute (a remounted card, space freed).
    private func retryStore() -> Bool {
        let now = clock().seconds
        guard now - lastStoreRetry >= 60 else { return false }
        lastStoreRetry = now
        return true
    }

    private func storeFailed(_ error: Error) {
        if storeWritable {
            logger.critical("DATABASE NOT WRITABLE, playing on WITHOUT LOGGING: \(error)")
        } else {
            logger.error("database still not writable: \(error)")
        }
        storeWritable = false
        lastStoreRetry = clock().seconds
        lastError = "database not writable: \(error)"
    }
}

extension Moment {
    /// The wall clock: Unix seconds and the local minute of the day.
    @Sendable public static func now() -> Moment {
        let seconds = Date().timeIntervalSince1970
        var time = time_t(seconds)
        var local = tm()
        localtime_r(&time, &local)
        return Moment(seconds: seconds, minuteOfDay: Int(local.tm_hour) * 60 + Int(local.tm_min))
    }
}
