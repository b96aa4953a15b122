import AudiogidDaemon
import ArgumentParser
import AudiogidCore
import AudiogidKiosk
import AudiogidManifest
import AudiogidTriggers
import Foundation
import UnixSignals
import Logging

/// How a technician checks the wiring: what kiosk.yaml's `triggers:` defines, then every input live and the
/// command it maps to ("gpiochip0 line 17 pressed → play 3"), without playing anything.
struct TriggersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triggers",
        abstract: "List the buttons, ports and keypads kiosk.yaml defines, then print each input live and the command it maps to.",
        discussion: "Nothing is played: run it with the daemon stopped (it needs the same devices) to check the wiring."
    )

    @Option(help: "The kiosk config.")
    var config: String = "kiosk.yaml"

    @Option(help: "Tour for GPS zones (a folder, its tour.yaml, or an id under the data folder's tours/); default: kiosk.yaml's tour.")
    var tour: String?

    @Flag(help: "Only list what the config defines.")
    var list = false

    @Option(help: "Stop listening after this many seconds (default: until Ctrl-C).")
    var seconds: Double?

    func run() async throws {
        guard FileManager.default.isReadableFile(atPath: config) else {
            printError("\(config): cannot read: no such file, or not readable")
            throw ExitCode(1)
        }
        let kiosk: KioskFile
        do {
            kiosk = try KioskFile.read(path: config)
        } catch {
            for problem in error.problems { printError(problem.line) }
            throw ExitCode(1)
        }
        let triggers = kiosk.triggers
        if triggers.isEmpty {
            say("\(config) defines no triggers (add a 'triggers:' section; see the README's wiring section)")
            return
        }
        let loadedTour = try triggers.gps == nil ? nil : loadTour(kiosk.configuration)

        var logger = Logger(label: "audiogid.triggers")
        logger.logLevel = .notice
        let set: TriggerSet
        do {
            set = try TriggerSet(config: triggers, tour: loadedTour, logger: logger) { event in
                let stamp = Self.clock()
                say("\(stamp) [\(event.source.rawValue)] \(event)")
            }
        } catch {
            printError("\(config): \(error)")
            throw ExitCode(1)
        }
        for line in set.summary { say(line) }
        if list { return }
        // Ctrl-C is trapped before "listening" invites it: until then it would kill the program outright.
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        // "listening" only once every device was tried: what is sent from then on is read, not lost.
        await set.start()
        say("listening; press Ctrl-C to stop")
        await Self.wait(for: signals, orSeconds: seconds)
        await set.stop()
    }

    private func loadTour(_ kiosk: KioskConfiguration) throws -> Tour {
        let path = tour ?? (kiosk.toursDirectory as NSString).appendingPathComponent(kiosk.tour)
        do {
            return try TourLoader.load(path: path, checkClips: false).tour
        } catch {
            for finding in error.findings where finding.severity == .error { printError(finding.line) }
            printError("\(path): GPS zones need a valid tour (--tour)")
            throw ExitCode(1)
        }
    }

    static func clock() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss.SSS"
        return formatter.string(from: Date())
    }

    /// Returns on the first of `signals`, or after `seconds`.
    static func wait(for signals: UnixSignalsSequence, orSeconds seconds: Double?) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for await _ in signals { return } }
            if let seconds { group.addTask { try? await Task.sleep(for: .seconds(seconds)) } }
            await group.next()
            group.cancelAll()
        }
    }
}

/// One whole line to stdout, unbuffered: events arrive from the sources' threads and a technician
/// (or a test) reading through a pipe must see each one as it happens.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
