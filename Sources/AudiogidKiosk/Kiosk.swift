import AudiogidCore
import AudiogidStore
import Foundation
import Logging

/// The kiosk at run time: one player fed by every command source, carrying out its decisions on
/// the speaker, the play log and the control socket's idle clients.
///
/// All commands pass through `submit` under one lock, in arrival order, whatever their source
/// (socket, GPIO, serial, GPS, keypad, the kiosk's own clock). Nothing under the lock touches a disk:
/// the speaker takes the clip through its in-memory inbox, and play-log rows and saved state go to the
/// `StoreWriter`'s queue. A front end that replies to a client waits for the command's rows to be
/// written before replying (`perform(_:source:) async`), so an acknowledged play is in the log even after
/// `kill -9`, while the sound has already started.
public final class Kiosk: @unchecked Sendable {  // every mutable field is guarded by `lock`
    public typealias TourLoading = @Sendable (String) throws -> InstalledTour
    /// Re-reads config and tours; given the id of the tour running now.
    public typealias Reloading = @Sendable (String) throws -> (KioskConfiguration, InstalledTour)

    private let lock = NSLock()
    private var player: Player
    private var installed: InstalledTour
    /// Bumped whenever another tour (or another copy of it) is adopted: a reload read ahead of the lock
    /// is adopted only if nothing was adopted meanwhile.
    private var tourGeneration = 0
    private var configuration: KioskConfiguration
    private let speaker: Speaker
    private let writer: StoreWriter?
    private let logger: Logger
    private let loadTour: TourLoading
    private let reloadAll: Reloading
    private let clock: @Sendable () -> Moment
    public let changes = ChangeBoard()

    private var lastError: String?
    private struct SongKey: Hashable { var tour, stop, clip: String }
    private var songIDs: [SongKey: Int] = [:]
    private var nextSongID = 1
    private var playlistVersion = 1
    private var entryVersions: [Int]
    private let startedAt: Double
    private var plays = 0
    private var secondsPlayed = 0.0
    private var observers: [Int: AsyncStream<PlayerState>.Continuation] = [:]
    private var tourObservers: [Int: AsyncStream<InstalledTour>.Continuation] = [:]
    private var nextObserver = 1
    /// Names of the input devices (keypad, serial port, GPIO chip) configured but not open now.
    private var missingInputs: @Sendable () -> [String] = { [] }

    public init(configuration: KioskConfiguration, tour: InstalledTour, speaker: Speaker, writer: StoreWriter?,
                saved: SavedState = SavedState(), logger: Logger,
                loadTour: @escaping TourLoading, reload: @escaping Reloading,
                clock: @escaping @Sendable () -> Moment = Moment.now) {
        self.configuration = configuration
        self.installed = tour
        self.speaker = speaker
        self.writer = writer
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

    /// Drives quiet hours and the idle prompt: a tick a second until the task is cancelled.
    public func runClock() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            tick()
        }
    }

    // MARK: - Commands

    /// Runs one command from any source and returns once it has been carried out and what it logged is
    /// written: what the control socket replies after.
    public func perform(_ command: Command, source: PressSource) async -> Result<Void, KioskRefusal> {
        let (result, ticket) = submit(command, source: source)
        if let writer, ticket != .none { await writer.written(ticket) }
        return result
    }

    /// `perform` for a front end on a plain thread: carries the command out, then blocks until its log rows are written.
    public func performAndWait(_ command: Command, source: PressSource) -> Result<Void, KioskRefusal> {
        let (result, ticket) = submit(command, source: source)
        if let writer, ticket != .none, !writer.waitWritten(ticket) {
            logger.warning("the play log is slow to write; replying before it is on disk")
        }
        return result
    }

    /// Carries `command` out and returns without waiting for the disk: what a button or a GPS zone uses,
    /// which has nobody to reply to. Returns the ticket of the rows it queued for the store.
    @discardableResult
    public func submit(_ command: Command, source: PressSource) -> (Result<Void, KioskRefusal>, StoreWriter.Ticket) {
        // Loading a tour may index (and measure) its clips: seconds on a Pi. Done before taking the lock, so
        // presses, status and the systemd watchdog are not held up meanwhile.
        switch command {
        case .tour(let id):
            return run(command, source: source, loaded: .tour(Result { try loadTour(id) }))
        case .reload:
            // A `tour B` adopted while the reload read the old tour must not be undone: read again for B.
            for _ in 0..<3 {
                let (id, generation) = lock.withLock { (installed.tour.id, tourGeneration) }
                let loaded = Result { try reloadAll(id) }
                if let outcome = run(command, source: source, loaded: .all(loaded), ifGeneration: generation) { return outcome }
            }
            return (.failure(.reloadRefused(reason: "the tour kept changing while it was being read; try again")), .none)
        default:
            return run(command, source: source, loaded: nil)
        }
    }

    /// Plays a sound of the player's own (paths under `audio/` by language), such as the keypad's "no such stop".
    public func announce(_ clips: ClipPaths, source: PressSource) -> Result<Void, KioskRefusal> {
        lock.withLock {
            let now = clock()
            let decision = player.announce(clips, source: source, at: now)
            if let refusal = decision.refusal { return .failure(.player(refusal)) }
            var ticket = StoreWriter.Ticket.none
            return apply(decision.effects, at: now, ticket: &ticket)
        }
    }

    /// The entry point for trigger sources and `ctl`-style lines (`play 3` = stop number 3, `lang next`,
    /// `volume +10`, `stop`), run through the same path as the control socket.
    public func execute(commandLine: String, source: PressSource) async -> CommandReply {
        let command: Command
        do { command = try Command(line: commandLine) } catch { return .refused(error.message) }
        switch await perform(command, source: source) {
        case .success: return .done
        case .failure(let refusal): return .refused(refusal.description)
        }
    }

    /// A tour (or configuration and tour) read ahead of the lock for `tour` and `reload`.
    private enum Loaded {
        case tour(Result<InstalledTour, any Error>)
        case all(Result<(KioskConfiguration, InstalledTour), any Error>)
    }

    private func run(_ command: Command, source: PressSource, loaded: Loaded?) -> (Result<Void, KioskRefusal>, StoreWriter.Ticket) {
        run(command, source: source, loaded: loaded, ifGeneration: nil)!
    }

    /// Nil when `ifGeneration` is given and another tour was adopted since it was read.
    private func run(_ command: Command, source: PressSource, loaded: Loaded?,
                     ifGeneration generation: Int?) -> (Result<Void, KioskRefusal>, StoreWriter.Ticket)? {
        lock.withLock {
            if let generation, generation != tourGeneration { return nil }
            let now = clock()
            let decision = player.handle(command, source: source, at: now)
            if let refusal = decision.refusal {
                logger.info("command refused", metadata: ["command": "\(command)", "source": "\(source.rawValue)", "reason": "\(refusal)"])
                return (.failure(.player(refusal)), .none)
            }
            logger.debug("command", metadata: ["command": "\(command)", "source": "\(source.rawValue)"])
            var ticket = StoreWriter.Ticket.none
            let result = apply(decision.effects, at: now, loaded: loaded, ticket: &ticket)
            return (result, ticket)
        }
    }

    /// The player's state after every change, newest first when the reader is slow (a button's LED
    /// wants the present, not the history). The stream starts with the current state.
    public func playerStates() -> AsyncStream<PlayerState> {
        let (stream, continuation) = AsyncStream<PlayerState>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = lock.withLock {
            defer { nextObserver += 1 }
            observers[nextObserver] = continuation
            continuation.yield(player.state)
            return nextObserver
        }
        continuation.onTermination = { [weak self] _ in self?.lock.withLock { _ = self?.observers.removeValue(forKey: id) } }
        return stream
    }

    /// Tells `status` how to learn which configured input devices are missing (unplugged, not there at start).
    public func reportInputs(_ missing: @escaping @Sendable () -> [String]) {
        lock.withLock { missingInputs = missing }
    }

    /// Each tour the kiosk adopts (`tour ID`, a reload), starting with the one running now: what GPS zones follow.
    public func tours() -> AsyncStream<InstalledTour> {
        let (stream, continuation) = AsyncStream<InstalledTour>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = lock.withLock {
            defer { nextObserver += 1 }
            tourObservers[nextObserver] = continuation
            continuation.yield(installed)
            return nextObserver
        }
        continuation.onTermination = { [weak self] _ in self?.lock.withLock { _ = self?.tourObservers.removeValue(forKey: id) } }
        return stream
    }

    /// The MPD song id of a queue entry: one per (tour, stop, clip file), handed out as entries are first shown, so
    /// an id never names another file (a language switch gives the stops new ids). Caller holds the lock.
    private func songID(tour: String, stop: String, clip: String) -> Int {
        let key = SongKey(tour: tour, stop: stop, clip: clip)
        if let id = songIDs[key] { return id }
        defer { nextSongID += 1 }
        songIDs[key] = nextSongID
        return nextSongID
    }

    public var status: KioskStatus {
        lock.withLock {
            let now = clock()
            let tour = installed.tour
            let language = player.language
            let playing = player.state.play
            let queue = installed.order.enumerated().map { index, stop in
                var clip = tour.clip(for: stop, language: language)
                var title = tour.title(of: stop, in: language)
                if let playing, playing.position == index, playing.stopID == stop.id {
                    // The entry playing describes the clip playing until it ends, whatever the language is now.
                    clip = playing.clip
                    if !playing.clip.isFallback { title = tour.title(of: stop, in: playing.clip.language) }
                }
                let info = clip.flatMap { installed.loaded.clips[$0.path] }
                return QueueEntry(position: index, id: songID(tour: tour.id, stop: stop.id, clip: clip?.path ?? ""),
                                  stop: stop, title: title, clip: clip,
                                  duration: info?.durationSeconds, format: info, modified: clip.flatMap { installed.modified[$0.path] },
                                  version: entryVersions.indices.contains(index) ? entryVersions[index] : playlistVersion)
            }
            let playingFormat = player.state.play.flatMap { installed.loaded.clips[$0.clip.path] }
            let duration = playingFormat?.durationSeconds
            let storeHealth = writer?.health
            return KioskStatus(state: player.state, current: player.state.play == nil ? player.lastPosition : player.state.play?.position,
                               playingFormat: playingFormat, volume: player.volume, language: language, tourID: tour.id,
                               tourTitle: tour.title.text(in: language, fallbacks: [tour.defaultLanguage]) ?? tour.id,
                               routeLoops: tour.route.loop, queue: queue, playlistVersion: playlistVersion, elapsed: player.elapsed(at: now),
                               duration: duration, speaker: speaker.status, storeWritable: storeHealth?.writable ?? false,
                               lastError: lastError ?? storeHealth?.lastError, startedAt: startedAt, plays: plays,
                               secondsPlayed: secondsPlayed, missingInputs: missingInputs())
        }
    }

    public var cursor: KioskCursor {
        lock.withLock {
            KioskCursor(playing: player.state.play != nil,
                        current: player.state.play == nil ? player.lastPosition : player.state.play?.position,
                        queueLength: installed.order.count, routeLoops: installed.tour.route.loop)
        }
    }

    public var currentConfiguration: KioskConfiguration { lock.withLock { configuration } }

    /// Forgets the last error `status` reports (MPD's `clearerror`).
    public func clearError() {
        lock.withLock {
            guard lastError != nil else { return }
            lastError = nil
            changes.post([.player])
        }
    }

    /// Where a file the running tour names (a clip, a stop's picture) is: relative to the data folder's `audio/`.
    public func fileURL(_ relativePath: String) -> URL { lock.withLock { installed.loaded.clipURL(relativePath) } }

    /// Ends the current play as interrupted (queued for the log) and closes the observers' streams:
    /// the kiosk's part of a clean shutdown. The speaker's fade and the store's last write come after.
    public func shutdown() {
        let streams = lock.withLock {
            let now = clock()
            var ticket = StoreWriter.Ticket.none
            _ = apply(player.handle(.stop, source: .auto, at: now).effects, at: now, ticket: &ticket)
            defer { observers.removeAll(); tourObservers.removeAll() }
            return (Array(observers.values), Array(tourObservers.values))
        }
        // Outside the lock: finishing a stream runs its termination handler, which takes the lock.
        streams.0.forEach { $0.finish() }
        streams.1.forEach { $0.finish() }
    }

    // MARK: - Events from the speaker and the clock

    private func speakerEvent(_ event: SpeakerEvent) {
        lock.withLock {
            let now = clock()
            var ticket = StoreWriter.Ticket.none
            switch event {
            case .finished(let token, let heard):
                _ = apply(player.clipEnded(token: token, outcome: .finished, secondsHeard: heard, at: now), at: now, ticket: &ticket)
            case .failed(let token, let message):
                lastError = message
                logger.error("clip failed", metadata: ["reason": "\(message)"])
                _ = apply(player.clipEnded(token: token, outcome: .failed, at: now), at: now, ticket: &ticket)
            case .deviceLost(let message):
                lastError = "audio device lost: \(message)"
                logger.error("audio device lost; reopening", metadata: ["reason": "\(message)"])
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
            var ticket = StoreWriter.Ticket.none
            _ = apply(player.tick(at: now), at: now, ticket: &ticket)
        }
    }

    // MARK: - Carrying out decisions (caller holds the lock)

    private func apply(_ effects: [PlayerEffect], at now: Moment, loaded: Loaded? = nil,
                       ticket: inout StoreWriter.Ticket) -> Result<Void, KioskRefusal> {
        var changed: Set<KioskChange> = []
        var result: Result<Void, KioskRefusal> = .success(())
        for effect in effects {
            switch effect {
            case .start(let play):
                speaker.play(installed.speakerClip(play.clip), token: play.token)
                if let stopID = play.stopID, let number = play.stopNumber {
                    plays += 1
                    let record = PlayRecord(startedAt: play.startedAt, tourID: installed.tour.id, stopID: stopID, stopNumber: number,
                                            language: play.clip.language, source: play.source)
                    store(.playBegan(token: play.token, record), &ticket)
                }
                logger.info("play", metadata: ["stop": "\(play.stopNumber.map(String.init) ?? "prompt")",
                                                "clip": "\(play.clip.path)", "source": "\(play.source.rawValue)"])
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
            case .seek(let token, let seconds):
                speaker.seek(to: seconds, token: token)
                changed.insert(.player)
            case .setVolume(let level):
                speaker.setVolume(level)
                saveState(&ticket)
                changed.insert(.mixer)
            case .languageChanged(let language):
                speaker.prepare(installed.clipURLs(language: language))
                saveState(&ticket)
                bumpPlaylist()
                changed.formUnion([.playlist, .options])
            case .ended(let ended):
                secondsPlayed += ended.secondsHeard
                if let position = ended.play.position, installed.order.indices.contains(position),
                   installed.tour.clip(for: installed.order[position], language: player.language)?.path != ended.play.clip.path {
                    // It played on in the language it began in: its entry now shows the queue's language.
                    playlistVersion += 1
                    if entryVersions.indices.contains(position) { entryVersions[position] = playlistVersion }
                    changed.insert(.playlist)
                }
                store(.playEnded(token: ended.play.token, outcome: ended.outcome, secondsHeard: ended.secondsHeard,
                                 endedAt: ended.endedAt), &ticket)
                changed.insert(.player)
            case .loadTour(let id):
                do {
                    guard case .tour(let ready) = loaded else { throw KioskSetupError("the tour was not read ahead") }
                    result = adopt(try ready.get(), configuration: nil, at: now, changed: &changed, ticket: &ticket)
                    logger.notice("tour loaded", metadata: ["tour": "\(id)"])
                } catch {
                    logger.error("tour not loaded", metadata: ["tour": "\(id)", "reason": "\(error)"])
                    result = .failure(.tourNotLoaded(id: id, reason: "\(error)"))
                }
            case .reload:
                do {
                    guard case .all(let ready) = loaded else { throw KioskSetupError("the configuration was not read ahead") }
                    let (newConfiguration, tour) = try ready.get()
                    result = adopt(tour, configuration: newConfiguration, at: now, changed: &changed, ticket: &ticket)
                    logger.notice("reloaded", metadata: ["file": "\(newConfiguration.file ?? "built-in")", "tour": "\(tour.tour.id)"])
                } catch {
                    // The old configuration keeps running: a typo must not silence a kiosk.
                    logger.error("reload refused, keeping the running configuration", metadata: ["reason": "\(error)"])
                    result = .failure(.reloadRefused(reason: "\(error)"))
                }
            }
        }
        if changed.contains(.player) { publishState() }
        changes.post(changed)
        return result
    }

    private func adopt(_ tour: InstalledTour, configuration newConfiguration: KioskConfiguration?, at now: Moment,
                       changed: inout Set<KioskChange>, ticket: inout StoreWriter.Ticket) -> Result<Void, KioskRefusal> {
        installed = tour
        tourGeneration += 1
        for continuation in tourObservers.values { continuation.yield(tour) }
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
        saveState(&ticket)
        changed.formUnion([.playlist, .options])
        return apply(effects, at: now, ticket: &ticket)
    }

    private func bumpPlaylist() {
        playlistVersion += 1
        entryVersions = Array(repeating: playlistVersion, count: installed.order.count)
    }

    private func publishState() {
        let state = player.state
        for continuation in observers.values { continuation.yield(state) }
    }

    /// A clip heard on a visitor's phone, reported by the web process once it ended: one whole row of the play
    /// log with source `phone` and the browser's anonymous id, queued like every row. Nil when queued; else why not.
    public func logPhonePlay(listener: String, tourID: String, stopNumber: Int, language: String,
                             secondsHeard: Double, finished: Bool) -> String? {
        lock.withLock {
            guard tourID == installed.tour.id else { return "\(tourID) is not the kiosk's tour" }
            guard let stop = installed.tour.stop(number: stopNumber) else { return "no stop \(stopNumber)" }
            // The kiosk's clock, not the phone's: phones on a boat without internet keep any time at all.
            let now = clock().seconds
            var record = PlayRecord(startedAt: now - secondsHeard, endedAt: now, tourID: tourID, stopID: stop.id,
                                    stopNumber: stopNumber, language: language, source: .socket, secondsHeard: secondsHeard,
                                    outcome: finished ? PlayOutcome.finished.rawValue : PlayOutcome.interrupted.rawValue)
            record.source = PlayRecord.phoneSource
            record.listener = listener
            var ticket = StoreWriter.Ticket.none
            store(.playHeard(record), &ticket)
            return nil
        }
    }

    // MARK: - The store: queued, never written under the lock

    private func store(_ entry: StoreWriter.Entry, _ ticket: inout StoreWriter.Ticket) {
        guard let writer else { return }
        ticket = max(ticket, writer.enqueue(entry))
    }

    private func saveState(_ ticket: inout StoreWriter.Ticket) {
        store(.state(SavedState(tourID: installed.tour.id, language: player.language, volume: player.volume)), &ticket)
    }
}
