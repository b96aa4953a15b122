import AudiogidCore
import AudiogidKiosk
import AudiogidManifest
import AudiogidTriggers
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// kiosk.yaml's trigger sources, running inside the daemon: each input's command line goes to the kiosk
/// exactly as `audiogid ctl` would send it, tagged with its source for the play log; the button LEDs follow
/// the player and the GPS zones follow the kiosk's tour.
///
/// A press is handed to the kiosk with `submit`, on the source's own reader, so two quick presses reach the
/// player in the order they were made and nothing waits for a task hop or for the disk.
final class TriggerService: Service {
    private let set: TriggerSet
    private let kiosk: Kiosk
    private let logger: Logger

    /// The local command a button, token or key may send to start a new boat trip (every GPS stop plays again).
    static let resetTrip = "gps reset"

    /// Prepares the sources for the kiosk's tour; nil when the config defines none. Opens nothing yet.
    static func make(_ config: TriggersConfig, kiosk: Kiosk, configuration: KioskConfiguration, logger: Logger) throws -> TriggerService? {
        guard !config.isEmpty else { return nil }
        let status = kiosk.status
        var tour: Tour?
        if config.gps != nil {
            let path = (configuration.toursDirectory as NSString).appendingPathComponent(status.tourID)
            tour = try TourLoader.load(path: path, audioDirectory: configuration.audioDirectory, checkClips: false).tour
        }
        return try TriggerService(config: config, kiosk: kiosk, tour: tour, order: status.queue.map(\.stop.id),
                                  noSuchStop: systemClips(named: "no-such-stop", in: configuration.audioDirectory), logger: logger)
    }

    /// `audio/system/NAME.<language>.<ext>` (or `NAME.<ext>` for every language) as clip paths relative to `audio/`.
    static func systemClips(named name: String, in audioDirectory: String) -> ClipPaths {
        let folder = (audioDirectory as NSString).appendingPathComponent("system")
        var clips: ClipPaths = [:]
        for file in (try? FileManager.default.contentsOfDirectory(atPath: folder))?.sorted() ?? [] {
            let parts = file.split(separator: ".").map(String.init)
            guard parts.first == name, parts.count == 2 || parts.count == 3 else { continue }
            clips[parts.count == 3 ? parts[1] : "*"] = "system/" + file
        }
        return clips
    }

    init(config: TriggersConfig, kiosk: Kiosk, tour: Tour?, order: [String]?, noSuchStop: ClipPaths = [:], logger: Logger) throws {
        self.kiosk = kiosk
        self.logger = logger
        let resetBox = Mutex<(@Sendable () -> Void)?>(nil)
        set = try TriggerSet(config: config, tour: tour, order: order, logger: logger) { event in
            guard let line = event.command else {
                logger.debug("\(event.input)")
                return
            }
            if line == Self.resetTrip {
                resetBox.withLock { $0 }?()
                logger.notice("new trip, every GPS stop may play again", metadata: ["input": "\(event.input)"])
                return
            }
            let command: Command
            do {
                command = try Command(line: line)
            } catch {
                logger.warning("not a command", metadata: ["input": "\(event.input)", "line": "\(line)", "reason": "\(error)"])
                return
            }
            switch kiosk.submit(command, source: event.source).0 {
            case .success: logger.info("\(event)")
            case .failure(let refusal):
                logger.notice("\(event) refused: \(refusal)")
                // A visitor who typed (or tapped a card for) a number with no stop hears so, rather than silence.
                if refusal.isUnknownStopNumber, event.source == .keypad || event.source == .serial, !noSuchStop.isEmpty {
                    _ = kiosk.announce(noSuchStop, source: event.source)
                }
            }
        }
        let set = self.set
        resetBox.withLock { $0 = { set.resetGpsTrip() } }
        for line in set.summary { logger.notice("trigger: \(line)") }
    }

    /// Opens every device (a missing one is logged and retried in the background) and returns once each has
    /// had its first try. The daemon reports READY only after this, so nothing a device sends right after
    /// start-up is lost.
    func open() async {
        await set.start()
        for input in set.inputs where !input.connected {
            logger.warning("trigger device missing at start; retrying in the background",
                           metadata: ["device": "\(input.name)", "kind": "\(input.kind)"])
        }
    }

    /// Each input device and whether it is open now: what `status` reports.
    var inputs: [TriggerInput] { self.set.inputs }

    func run() async throws {
        let set = self.set, kiosk = self.kiosk, logger = self.logger
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await state in kiosk.playerStates().cancelOnGracefulShutdown() { set.show(PlayerLight(state)) }
            }
            if set.hasGps {
                group.addTask {
                    var current: String?
                    for await installed in kiosk.tours().cancelOnGracefulShutdown() {
                        defer { current = installed.tour.id }
                        guard let current, current != installed.tour.id else { continue }
                        let zones = set.replaceGpsTour(installed.tour, order: installed.order.map(\.id))
                        logger.notice("GPS zones now from tour \(installed.tour.id): \(zones) zones")
                    }
                }
            }
        }
        await set.stop()
        logger.debug("stopped", metadata: ["part": "triggers"])
    }
}

extension PlayerLight {
    /// The idle prompt is not a stop: its lights stay in their idle pattern.
    init(_ state: PlayerState) {
        switch state {
        case .playing(let play): self = play.stopNumber.map { .playing(stop: $0) } ?? .idle
        case .paused(let play): self = play.stopNumber.map { .paused(stop: $0) } ?? .idle
        case .idle: self = .idle
        }
    }
}
