#if canImport(Glibc)
import Glibc
#endif
import Foundation
import AudiogidTestSupport
import Testing
@testable import AudiogidTriggers

/// The built `audiogid daemon` with kiosk.yaml's triggers: a token on a pseudo-terminal, keys in an evdev-format
/// FIFO and NMEA from `audiogid gps simulate` each make the daemon play the stop.
@Suite(.timeLimit(.minutes(3))) struct DaemonEndToEndTests {
    let dir = temporaryDirectory()

    func kiosk(tour: String, triggers: String, audio: String = "{device: none}") throws -> String {
        let file = dir + "/kiosk.yaml"
        try """
            data: \(BuiltTool.packageRoot.path)
            database: \(dir)/kiosk.sqlite
            tour: \(tour)
            audio: \(audio)
            control: {socket: \(dir)/control.sock}
            \(triggers)
            """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// An `audio:` setting that records what the daemon plays into `out.wav` through ALSA's `file` plugin.
    /// Run the daemon with `captureEnvironment`: ALSA_CONFIG_PATH replaces the system's configuration.
    func captureAudio() throws -> String {
        try CaptureDevice.writeALSAConfig(in: URL(fileURLWithPath: dir))
        return "{device: 'capture:FILE=\"\(dir)/out.wav\"', paced: false, sample_rate: 48000, channels: 2}"
    }

    var captureEnvironment: [String: String] { ["ALSA_CONFIG_PATH": dir + "/asound.conf"] }

    /// Seconds of 48 kHz stereo in the recording, and its loudest sample.
    func recorded() throws -> (seconds: Double, peak: Int) {
        let samples = try CaptureDevice.samples(URL(fileURLWithPath: dir + "/out.wav"))
        return (Double(samples.count / 2) / 48000, samples.map { abs(Int($0)) }.max() ?? 0)
    }

    /// `audiogid ctl status` as key → value.
    func status() async throws -> [String: String] {
        let run = try RunningProgram(audiogid: ["ctl", "--socket", dir + "/control.sock", "status"])
        await run.finish(within: 10)
        var fields: [String: String] = [:]
        for line in run.stdout.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }

    /// Waits until the daemon's status satisfies `condition`, asking every 50 ms for at most `seconds`.
    func waitFor(seconds: Double = 10, _ condition: ([String: String]) -> Bool) async throws -> Bool {
        try await Wait.until(seconds, every: .milliseconds(50)) {
            guard FileManager.default.fileExists(atPath: dir + "/control.sock") else { return false }
            return condition(try await status())
        }
    }

    /// Starts `audiogid daemon ARGUMENTS`; the tests stop it with SIGINT, as Ctrl-C would.
    func startDaemon(_ arguments: [String], environment: [String: String] = [:]) throws -> RunningProgram {
        try RunningProgram(audiogid: ["daemon"] + arguments, environment: environment)
    }

    @Test func serialTokenAndKeypadEntryPlayTheStop() async throws {
        let port = FakeSerialPort(link: dir + "/ttyUSB0")
        let keypad = dir + "/keypad"
        #expect(mkfifo(keypad, 0o600) == 0)
        // Held open read-write so the daemon's reader never sees end-of-file between test writes.
        let keys = open(keypad, O_RDWR)
        defer { close(keys) }
        let config = try kiosk(tour: "moyo-selo", triggers: """
            triggers:
              serial:
                - port: \(port.link)
                  match: {"^BTN(\\\\d+)$": "play \\\\1"}
              keypad: {device: \(keypad), grab: false}
            """)
        let daemon = try startDaemon(["--config", config, "--verbose"])
        defer { daemon.stopBlocking(SIGINT) }
        #expect(await daemon.stderr(within: 20, contains: "ready in"))  // every device is open by then

        port.send("BTN3\r\n")
        #expect(try await waitFor { $0["stop"] == "3" && $0["state"] == "play" })

        var bytes: [UInt8] = []
        for name in ["KP5", "KPENTER"] {
            bytes += InputEvent.key(KeyCode.code(name)!).bytes + InputEvent.sync.bytes + InputEvent.key(KeyCode.code(name)!, pressed: false).bytes
        }
        #expect(write(keys, bytes, bytes.count) == bytes.count)
        #expect(try await waitFor { $0["stop"] == "5" && $0["state"] == "play" })
        #expect(await daemon.stop(SIGINT) == 0)
        #expect(daemon.stderr.contains("token BTN3 → play 3"))
        #expect(daemon.stderr.contains("trigger: keypad \(keypad)"))
    }

    @Test func aTokenOnAPseudoTerminalPlaysTheStopIntoALSAsFilePlugin() async throws {
        let port = FakeSerialPort(link: dir + "/ttyUSB0")
        let file = try kiosk(tour: "moyo-selo", triggers: """
            triggers:
              serial:
                - port: \(port.link)
                  match: {"^BTN(\\\\d+)$": "play \\\\1"}
            """, audio: try captureAudio())
        let daemon = try startDaemon(["--config", file], environment: captureEnvironment)
        defer { daemon.stopBlocking(SIGINT) }
        // The daemon says it is ready only once the port is open: one token sent then is heard, none is dropped.
        #expect(await daemon.stderr(within: 20, contains: "ready in"))
        port.send("BTN3\r\n")
        // Heard means logged: the file plugin is not paced, so `stop: 3` shows in the status only while the clip
        // is being written out, a window a status poll on a loaded machine can miss.
        #expect(await daemon.stderr(within: 10) { logsPlay($0, stop: "3", source: "serial") })
        // The file plugin is not paced: the clip is written out at once and the player falls back to stop.
        #expect(try await waitFor { $0["state"] == "stop" })
        #expect(await daemon.stop(SIGINT) == 0)
        #expect(logsPlay(daemon.stderr, stop: "3", clip: "moyo-selo/03-memorial.ru.ogg", source: "serial"))

        let (seconds, peak) = try recorded()
        // Stop 3's Russian clip is 9.73 s (22.05 kHz Ogg Vorbis, resampled to 48 kHz): all of it, and sound, not silence.
        #expect(abs(seconds - 9.73) < 0.15, "\(seconds) s written")
        #expect(peak > 3000)
    }

    @Test func aKeypadNumberWithNoStopIsAnsweredFromAudioSystem() async throws {
        let keypad = dir + "/keypad"
        #expect(mkfifo(keypad, 0o600) == 0)
        let keys = open(keypad, O_RDWR)
        defer { close(keys) }
        let file = try kiosk(tour: "moyo-selo", triggers: """
            triggers:
              keypad: {device: \(keypad), grab: false}
            """, audio: try captureAudio())
        let daemon = try startDaemon(["--config", file], environment: captureEnvironment)
        defer { daemon.stopBlocking(SIGINT) }
        #expect(try await waitFor { $0["state"] == "stop" })
        var bytes: [UInt8] = []
        for name in ["KP4", "KP2", "KPENTER"] { bytes += InputEvent.key(KeyCode.code(name)!).bytes + InputEvent.key(KeyCode.code(name)!, pressed: false).bytes }
        #expect(write(keys, bytes, bytes.count) == bytes.count)
        #expect(await daemon.stderr(contains: "system/no-such-stop"))
        #expect(try await waitFor { $0["state"] == "stop" })
        #expect(await daemon.stop(SIGINT) == 0)
        // Stop 42 does not exist: the tour's default language (ru) says so.
        #expect(logsPlay(daemon.stderr, stop: "prompt", clip: "system/no-such-stop.ru.ogg", source: "keypad"))
        let (seconds, peak) = try recorded()
        #expect(abs(seconds - 1.82) < 0.1, "\(seconds) s written")
        #expect(peak > 3000)
    }

    @Test func gpsTrackPlaysTheBoatsStopsInOrder() async throws {
        let gps = dir + "/gps"
        let config = try kiosk(tour: "teplokhodik", triggers: "triggers:\n  gps: {port: \(gps)}\n")
        let daemon = try startDaemon(["--config", config, "--verbose"])
        defer { daemon.stopBlocking(SIGINT) }
        #expect(try await waitFor { $0["state"] != nil })
        let simulator = try RunningProgram(audiogid: ["gps", "simulate", "teplokhodik", "--pty", gps, "--pace", "200", "--jitter-m", "8"])
        #expect(await simulator.finish(within: 40) == 0)
        #expect(await daemon.stop(SIGINT) == 0)
        let plays = daemon.stderr.split(separator: "\n").filter { $0.contains("→ play ") && $0.contains("[AudiogidDaemon]") }
        #expect(plays.count == 6)
        for (index, line) in plays.enumerated() { #expect(line.hasSuffix("→ play \(index + 1)")) }
    }

    @Test func gpsZonesFollowATourSwitch() async throws {
        let gps = dir + "/gps"
        let config = try kiosk(tour: "moyo-selo", triggers: "triggers:\n  gps: {port: \(gps)}\n")
        let daemon = try startDaemon(["--config", config, "--verbose"])
        defer { daemon.stopBlocking(SIGINT) }
        #expect(try await waitFor { $0["tour"] == "moyo-selo" })
        let switched = try RunningProgram(audiogid: ["ctl", "--socket", dir + "/control.sock", "tour", "teplokhodik"])
        #expect(await switched.finish(within: 10) == 0)
        #expect(await daemon.stderr(contains: "GPS zones now from tour teplokhodik: 6 zones"))
        let simulator = try RunningProgram(audiogid: ["gps", "simulate", "teplokhodik", "--pty", gps, "--pace", "200"])
        #expect(await simulator.finish(within: 40) == 0)
        #expect(try await waitFor { $0["tour"] == "teplokhodik" && $0["stop"] == "6" })
        #expect(await daemon.stop(SIGINT) == 0)
    }

    @Test func aMisspeltCommandStopsTheDaemonFromStarting() async throws {
        let config = try kiosk(tour: "moyo-selo", triggers: """
            triggers:
              gpio:
                buttons: [{line: 17, press: "volum +10"}]
            """)
        let daemon = try startDaemon(["--config", config])
        #expect(await daemon.finish(within: 20) == 2)
        #expect(daemon.stderr.contains("triggers.gpio.buttons[0].press: 'volum +10' is not a command"))
    }
}
