import AudiogidPOSIX
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import AudiogidTestSupport
import AudiogidCore
import Testing
@testable import AudiogidTriggers

/// `audiogid triggers` and `audiogid gps simulate`, through the built executable.
@Suite(.timeLimit(.minutes(3))) struct CommandTests {
    static let packageRoot = BuiltTool.packageRoot
    static let teplokhodikFolder = packageRoot.appendingPathComponent("tours/teplokhodik").path

    static var executable: URL { BuiltTool.executable }

    /// Starts the executable; its stdout and stderr go to files, read whenever a test looks.
    ///
    /// Files, not pipes with readability handlers: a handler left live on a pipe outlived its test and
    /// crashed the test process once (SIGSEGV in libdispatch). A file needs no reader while the process runs.
    final class Run {
        private let program: RunningProgram
        var process: Process { program.process }

        init(_ arguments: [String], environment: [String: String] = [:]) throws {
            program = try RunningProgram(audiogid: arguments, environment: environment)
        }

        var stdout: String { program.stdout }
        var stderr: String { program.stderr }

        /// Waits for the exit (an event, with a deadline); a program still running then is stopped.
        func finish(seconds: Double = 30) -> Int32 {
            program.exitedBlocking(within: seconds) ?? program.stopBlocking(SIGTERM)
        }

        /// Whether `text` appears on stdout within `seconds` (checked every 10 ms).
        func wait(seconds: Double = 10, for text: String) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if stdout.contains(text) { return true }
                usleep(10_000)
            }
            return false
        }
    }

    @Test func gpsSimulateWritesATrackThatPlaysEveryStopInOrder() throws {
        let file = temporaryDirectory() + "/track.nmea"
        let run = try Run(["gps", "simulate", Self.teplokhodikFolder, "--out", file, "--jitter-m", "10", "--seed", "4"])
        #expect(run.finish() == 0)
        #expect(run.stderr.contains("teplokhodik: 6 stops"))
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let lines = text.split(separator: "\r\n").map(String.init)
        #expect(lines.count > 1500)
        var decoder = GpsGeofenceDecoder(port: "file", geofence: Geofence(tour: teplokhodik))
        var commands: [String] = []
        for line in lines {
            commands += decoder.receive(try NmeaParser.parse(line)).compactMap(\.command)
        }
        #expect(commands == ["play 1", "play 2", "play 3", "play 4", "play 5", "play 6"])
        #expect(decoder.acceptedFixes == lines.count)
        #expect(run.stderr.contains("along paths.geojson"))
        // The boat stays in the river channel (paths.geojson, 120-180 m off the embankment stops): it passes
        // stops 2-5 inside their 250 m zones but never sails up to them.
        var positions: [Coordinate] = []
        for line in lines { if case .rmc(let rmc) = try NmeaParser.parse(line), let p = rmc.position { positions.append(p) } }
        for stop in teplokhodik.stops[1...4] {
            let closest = positions.map { LocalDistance.metres($0, stop.location!) }.min()!
            #expect(closest > 80 && closest < 230, "stop \(stop.number): closest \(closest) m")
        }
    }

    @Test func gpsSimulateFeedsAPseudoTerminalAKioskCanRead() throws {
        let link = temporaryDirectory() + "/gps"
        let run = try Run(["gps", "simulate", Self.teplokhodikFolder, "--pty", link, "--pace", "400"])
        let log = EventLog()
        let framing = try SerialFraming("8N1")
        let source = TriggerSource(name: link, decoder: GpsGeofenceDecoder(port: link, geofence: Geofence(tour: teplokhodik)),
                                   backoff: Backoff(initialSeconds: 0.01, maximumSeconds: 0.05),
                                   open: { try SerialPort.open(link, baud: 4800, framing: framing) }, deliver: log.append)
        source.start()
        defer { source.stop() }
        #expect(log.wait(seconds: 20) { $0.compactMap(\.command).count == 6 })
        #expect(log.commands == ["play 1", "play 2", "play 3", "play 4", "play 5", "play 6"])
        #expect(run.finish() == 0)
    }

    @Test func gpsSimulateRefusesBadArguments() throws {
        let both = try Run(["gps", "simulate", Self.teplokhodikFolder, "--out", "a", "--pty", "b"])
        #expect(both.finish() == 2)
        #expect(both.stderr.contains("give --out or --pty, not both"))
        let missing = try Run(["gps", "simulate", "/nonexistent/tour"])
        #expect(missing.finish() == 1)
        #expect(missing.stderr.contains("not a valid tour"))
    }

    func kioskYAML(serial: String, gps: String? = nil) -> String {
        var text = """
            data: \(Self.packageRoot.path)
            tour: teplokhodik
            triggers:
              gpio:
                chip: gpiochip-test-none
                buttons:
                  - {line: 17, press: "play 1", long_press: "lang next"}
                leds:
                  - {line: 22, stop: 1}
              serial:
                - port: \(serial)
                  match: {"^BTN(\\\\d+)$": "play \\\\1", "04A1B2C3": "play 7"}
                  repeat_ignore_s: 2

            """
        if let gps { text += "  gps: {port: \(gps)}\n" }
        return text
    }

    @Test func triggersListsWhatTheConfigDefines() throws {
        let dir = temporaryDirectory()
        try kioskYAML(serial: dir + "/ttyUSB0", gps: dir + "/gps").write(toFile: dir + "/kiosk.yaml", atomically: true, encoding: .utf8)
        let run = try Run(["triggers", "--config", dir + "/kiosk.yaml", "--list"])
        #expect(run.finish() == 0)
        #expect(run.stdout.contains("serial \(dir)/ttyUSB0 at 9600 8N1: ^BTN(\\d+)$ → play \\1, 04A1B2C3 → play 7, same token ignored for 2.0 s"))
        #expect(run.stdout.contains("gps \(dir)/gps at 9600: 6 zones of tour teplokhodik"))
        #expect(run.stdout.contains("gpio gpiochip-test-none line 17: press → play 1, long press → lang next"))
        #expect(run.stdout.contains("gpio gpiochip-test-none line 22: LED lit while stop 1 plays"))
    }

    @Test func triggersPrintsEachInputAndItsCommandLive() throws {
        let dir = temporaryDirectory()
        let port = FakeSerialPort(link: dir + "/ttyUSB0")
        try kioskYAML(serial: port.link).write(toFile: dir + "/kiosk.yaml", atomically: true, encoding: .utf8)
        let run = try Run(["triggers", "--config", dir + "/kiosk.yaml", "--seconds", "20"])
        // "listening" is printed once every device was tried: what is sent from then on is read.
        #expect(run.wait(for: "listening"))
        port.send("BTN3\r\n04A1B2C3\r\n04A1B2C3\r\nNOPE\r\n")
        #expect(run.wait(for: "NOPE"))
        run.process.interrupt()
        #expect(run.finish() == 0)
        #expect(run.stdout.contains("[serial] \(port.link) token BTN3 → play 3"))
        #expect(run.stdout.contains("[serial] \(port.link) token 04A1B2C3 → play 7"))
        #expect(run.stdout.contains("[serial] \(port.link) token 04A1B2C3 (repeat ignored) → (nothing)"))
        #expect(run.stdout.contains("[serial] \(port.link) token NOPE (no match) → (nothing)"))
        // The missing GPIO chip is reported once, not once per retry.
        #expect(run.stderr.components(separatedBy: "] gpiochip-test-none unavailable").count == 2)
    }

    @Test func triggersExplainsABadConfig() throws {
        let dir = temporaryDirectory()
        try "triggers:\n  keypad: {device: /dev/input/event0, keys: {KEY_KPPLSU: next}}\n"
            .write(toFile: dir + "/kiosk.yaml", atomically: true, encoding: .utf8)
        let run = try Run(["triggers", "--config", dir + "/kiosk.yaml", "--list"])
        #expect(run.finish() == 1)
        #expect(run.stderr.contains("keypad.keys: unknown key 'KEY_KPPLSU'"))
        let missing = try Run(["triggers", "--config", dir + "/nope.yaml"])
        #expect(missing.finish() == 1)
        #expect(missing.stderr.contains("nope.yaml: cannot read"))
    }
}
