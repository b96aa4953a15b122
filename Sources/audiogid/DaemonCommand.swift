import ArgumentParser
import AudiogidKiosk
import AudiogidDaemon
import Foundation
import Logging

struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run the kiosk: play stops on presses from the control socket (MPD protocol) and triggers.",
        discussion: """
            With no arguments it runs the demo tour moyo-selo from ./tours and ./audio (run it in the repository).
            Control it with `audiogid ctl play 3`, `mpc`, or any MPD client. SIGHUP reloads kiosk.yaml and the tour.
            """)

    @Option(name: .long, help: "kiosk.yaml to read (default: built-in demo settings).")
    var config: String?
    @Option(name: .long, help: "Data folder holding tours/, audio/ and the database.")
    var data: String?
    @Option(name: .long, help: "Tour id to run (overrides kiosk.yaml and the saved state).")
    var tour: String?
    @Option(name: .long, help: "ALSA PCM name (default, plughw:1,0, pulse), or 'none' to play silently.")
    var device: String?
    @Option(name: .long, help: "Control socket path.")
    var socket: String?
    @Flag(name: .long, help: "Log every command and event.")
    var verbose = false

    func run() async throws {
        // A thread that allocates gets a malloc arena of its own: tens of MB of RSS that a 512 MB Pi does not have.
        limitMallocArenas(2)
        let overrides = ConfigurationOverrides(data: data, tour: tour, device: device, socket: socket, verbose: verbose)
        // kiosk.yaml is read once, every section with the same strict rules; a file with errors never starts a kiosk.
        var file: KioskFile
        do {
            file = try config.map { try KioskFile.read(path: $0) } ?? KioskFile()
        } catch {
            FileHandle.standardError.write(Data("audiogid daemon: the configuration has errors, not starting:\n\(error)\n".utf8))
            throw ExitCode(2)
        }
        overrides.apply(to: &file.configuration)
        let level: Logger.Level = file.configuration.verbose ? .debug : .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "audiogid")
        let daemon: KioskDaemon
        do {
            daemon = try await KioskDaemon.open(file, configFile: config, overrides: overrides, logger: logger)
        } catch {
            logger.critical("not starting: \(error)")
            throw ExitCode(1)
        }
        try await daemon.run()
    }
}

