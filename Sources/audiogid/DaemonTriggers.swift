import AudiogidCore
import AudiogidKiosk
import AudiogidManifest
import AudiogidTriggers
import Foundation
import Logging
import Synchronization

/// kiosk.yaml's trigger sources, running inside the daemon: each input's command line goes to the kiosk
/// exactly as `audiogid ctl` would send it, tagged with its source for the play log, and the button
/// LEDs follow the player.
///
/// Commands are run synchronously on the source's own thread (`Kiosk.perform`), so two quick presses
/// reach the player in the order they were made and nothing waits for a task hop.
final class DaemonTriggers {
    private let set: TriggerSet
    private let kiosk: Kiosk
    private let lights: Task<Void, Never>
    private let tourWatch: DispatchSourceTimer?

    /// The local command a button, token or key may send to start a new boat trip (every GPS stop plays again).
    static let resetTrip = "gps reset"

    /// Reads and checks the `triggers:` section, before the daemon opens anything: a misspelt command
    /// on a button is a start-up error, not a dead button found by a visitor.
    static func configuration(file: String?) throws(TriggerConfigError) -> TriggersConfig {
        guard let file else { return TriggersConfig() }
        do {
            return try KioskFile.read(path: file).triggers
        } catch {
            throw TriggerConfigError(error.description)
        }
    }

    /// Every command line the config names, with where it is, for checking.
    static func commandLines(in config: TriggersConfig) -> [(String, String)] {
        var lines: [(String, String)] = []
        for (index, button) in (config.gpio?.buttons ?? []).enumerated() {
            if let press = button.press { lines.append(("triggers.gpio.buttons[\(index)].press", press)) }
            if let long = button.long_press { lines.append(("triggers.gpio.buttons[\(index)].long_press", long)) }
        }
        for (index, serial) in config.serial.enumerated() {
            for rule in serial.match.rules {
                // A capture reference stands for what the token will carry: check the command with a number there.
                let sample = rule.command.replacingOccurrences(of: #"\\[1-9]"#, with: "1", options: .regularExpression)
                lines.append(("triggers.serial[\(index)].match \"\(rule.pattern)\"", sample))
            }
        }
        for rule in config.keypad?.keys?.rules ?? [] { lines.append(("triggers.keypad.keys.\(rule.pattern)", rule.command)) }
        return lines
    }

    /// Starts the sources for the daemon's tour; nil when the config defines none.
    static func start(_ config: TriggersConfig, daemon: Daemon, logger: Logger) throws -> DaemonTriggers? {
        guard !config.isEmpty else { return nil }
        let status = daemon.kiosk.status
        var tour: Tour?
        if config.gps != nil {
            let path = (daemon.configuration.toursDirectory as NSString).appendingPathComponent(status.tourID)
            tour = try TourLoader.load(path: path, audioDirectory: daemon.configuration.audioDirectory, checkClips: false).tour
        }
        return try DaemonTriggers(config: config, kiosk: daemon.kiosk, tour: tour, order: status.queue.map(\.stop.id),
                                  toursDirectory: daemon.configuration.toursDirectory,
                                  noSuchStop: systemClips(named: "no-such-stop", in: daemon.configuration.audioDirectory),
                                  logger: logger)
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

    init(config: TriggersConfig, kiosk: Kiosk, tour: Tour?, order: [String]?, toursDirectory: String,
         noSuchStop: ClipPaths = [:], logger: Logger) throws {
        self.kiosk = kiosk
        let resetBox = Mutex<(@Sendable () -> Void)?>(nil)
        set = try TriggerSet(config: config, tour: tour, order: order, logger: logger) { event in
            guard let line = event.command else {
                logger.debug("\(event.input)")
                return
            }
            if line == Self.resetTrip {
                resetBox.withLock { $0 }?()
                logger.notice("\(event.input): new trip, every GPS stop may play again")
                return
            }
            let command: Command
            do {
                command = try Command(line: line)
            } catch {
                logger.warning("\(event.input) → '\(line)' is not a command: \(error)")
                return
            }
            switch kiosk.submit(command, source: event.source).0 {
            case .success: logger.info("\(event)")
            case .failure(let refusal):
                logger.notice("\(event) refused: \(refusal)")
                // A visitor who typed (or tapped a card for) a number with no stop hears so, rather than silence.
                if case .play(.number) = command, event.source == .keypad || event.source == .serial,
                   refusal.isUnknownStopNumber, !noSuchStop.isEmpty {
                    _ = kiosk.announce(noSuchStop, source: event.source)
                }
            }
        }
        let set = self.set
        resetBox.withLock { $0 = { set.resetGpsTrip() } }
        let states = kiosk.playerStates()
        lights = Task { for await state in states { set.show(PlayerLight(state)) } }
        for line in set.summary { logger.notice("trigger: \(line)") }
        tourWatch = set.hasGps ? Self.watchTour(kiosk: kiosk, set: set, current: tour?.id, toursDirectory: toursDirectory, logger: logger) : nil
        set.start()
    }

    func stop() {
        tourWatch?.cancel()
        lights.cancel()
        set.stop()
    }

    /// GPS zones belong to a tour: when the kiosk switches tours (`ctl tour`, a reload), the zones follow.
    /// Checked every two seconds, which a boat covers in about 8 m.
    private static func watchTour(kiosk: Kiosk, set: TriggerSet, current: String?, toursDirectory: String,
                                  logger: Logger) -> DispatchSourceTimer {
        let running = Mutex(current)
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "audiogid.triggers.tour"))
        timer.schedule(deadline: .now() + 2, repeating: 2)
        timer.setEventHandler {
            let status = kiosk.status
            guard status.tourID != running.withLock({ $0 }) else { return }
            running.withLock { $0 = status.tourID }
            let path = (toursDirectory as NSString).appendingPathComponent(status.tourID)
            guard let tour = try? TourLoader.load(path: path, checkClips: false).tour else {
                logger.error("GPS zones: tour \(status.tourID) cannot be read; keeping the previous zones")
                return
            }
            let zones = set.replaceGpsTour(tour, order: status.queue.map(\.stop.id))
            logger.notice("GPS zones now from tour \(tour.id): \(zones) zones")
        }
        timer.resume()
        return timer
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
