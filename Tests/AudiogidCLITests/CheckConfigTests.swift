import AudiogidTestSupport
import Foundation
import Testing

/// `audiogid check-config`, `validate kiosk.yaml`, `triggers --list` and the daemon on a kiosk.yaml with mistakes
/// (issue 10: a misspelt `triggers:` key used to give an empty trigger list and a daemon with dead buttons).
@Suite(.timeLimit(.minutes(3))) struct CheckConfigTests {
    /// Line 3 misspells `keypad`, line 6 `buttons`, line 9 `port`.
    static let misspelt = """
        tour: moyo-selo
        triggers:
          keypd: {device: /dev/input/event0}
          gpio:
            chip: gpiochip0
            buttns:
              - {line: 17, press: "play 1"}
          serial:
            - prot: /dev/ttyUSB0
              match: {"^BTN(\\\\d+)$": "play \\\\1"}
        """

    /// The issue's file: no port is missing, so before the fix it gave an empty trigger list, exit 0, and a daemon
    /// that started with dead buttons.
    static let issue = """
        tour: moyo-selo
        triggers:
          keypd: {device: /dev/input/event0}
          gpio:
            chip: gpiochip0
            buttns:
              - {line: 17, press: "play 1"}
        """

    static let clean = """
        tour: moyo-selo
        audio: {device: none}
        control: {socket: /tmp/audiogid-check.sock}
        triggers:
          gpio:
            chip: gpiochip0
            buttons:
              - {line: 17, press: "play 1", long_press: "lang next"}
              - {line: 27, press: "volume +10", repeat: true}
          serial: {port: /dev/ttyUSB0, match: {"^BTN(\\\\d+)$": "play \\\\1"}}
        """

    /// `text` written as `name` in a fresh folder.
    static func file(_ text: String, named name: String = "kiosk.yaml") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("audiogid-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func expectedFindings(_ path: String) -> [String] {
        [
            "\(path):3:3: error: triggers.keypd: unknown key (did you mean 'keypad'?); known here: gpio, serial, gps, keypad",
            "\(path):6:5: error: triggers.gpio.buttns: unknown key (did you mean 'buttons'?); known here: chip, buttons, leds, "
                + "debounce_ms, kernel_debounce_ms, long_press_ms, repeat_delay_ms, repeat_interval_ms, active_low, bias, "
                + "leds_active_low, led_idle, led_paused",
            "\(path):9:7: error: triggers.serial[0].prot: unknown key (did you mean 'port'?); known here: port, baud, framing, "
                + "terminator, match, repeat_ignore_s, max_line",
        ]
    }

    @Test func checkConfigReportsEveryMisspeltKeyAndExitsOne() throws {
        let path = try Self.file(Self.misspelt)
        let result = try CLI.run(["check-config", path])
        #expect(result.status == 1)
        #expect(result.stdout.split(separator: "\n").map(String.init) == Self.expectedFindings(path))
        #expect(result.stderr == "\(path): 3 errors, 0 warnings\n")
    }

    @Test func checkConfigSummarisesACleanFile() throws {
        let path = try Self.file(Self.clean)
        let result = try CLI.run(["check-config", path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("\(path): ok; tour moyo-selo from "))
        #expect(result.stderr.contains("; audio device none, 48000 Hz"))
        #expect(result.stderr.contains("; control socket /tmp/audiogid-check.sock"))
        #expect(result.stderr.hasSuffix("; triggers: gpio gpiochip0 (2 buttons, 0 LEDs), serial /dev/ttyUSB0 (1 rule)\n"))
    }

    @Test func checkConfigSpeaksJSONForTools() throws {
        let path = try Self.file(Self.misspelt)
        let result = try CLI.run(["check-config", path, "--format", "json"])
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["ok"] as? Bool == false)
        #expect(json["errors"] as? Int == 3)
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(findings.map { $0["field"] as? String } == ["triggers.keypd", "triggers.gpio.buttns", "triggers.serial[0].prot"])
        #expect(findings.map { $0["line"] as? Int } == [3, 6, 9])
        #expect(findings.map { $0["column"] as? Int } == [3, 5, 7])
    }

    @Test func checkConfigUsageErrorsExitTwo() throws {
        #expect(try CLI.run(["check-config", "/nonexistent/kiosk.yaml"]).status == 2)
        #expect(try CLI.run(["check-config", "--format", "xml"]).status == 2)
    }

    @Test func validateRecognisesAKioskConfig() throws {
        // By name, and by its top-level keys under another name.
        for name in ["kiosk.yaml", "museum.yaml"] {
            let path = try Self.file(Self.misspelt, named: name)
            let result = try CLI.run(["validate", path])
            #expect(result.status == 1, "\(name)")
            #expect(result.stdout.split(separator: "\n").map(String.init) == Self.expectedFindings(path), "\(name)")
        }
        let clean = try Self.file(Self.clean)
        let both = try CLI.run(["validate", clean, "tours/moyo-selo"])
        #expect(both.status == 0, "\(both.stdout)\(both.stderr)")
        #expect(both.stderr.contains("\(clean): ok; tour moyo-selo"))
        #expect(both.stderr.contains("tours/moyo-selo/tour.yaml: ok, 7 stops"))
    }

    @Test func triggersListFailsOnAMisspeltFileInsteadOfListingNothing() throws {
        for text in [Self.misspelt, Self.issue] {
            let path = try Self.file(text)
            let result = try CLI.run(["triggers", "--config", path, "--list"])
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.split(separator: "\n").map(String.init) == Array(Self.expectedFindings(path).prefix(text == Self.issue ? 2 : 3)))
        }
    }

    @Test func theDaemonRefusesToStartOnAMisspeltTriggersSection() throws {
        let path = try Self.file(Self.issue)
        let socket = (path as NSString).deletingLastPathComponent + "/control.sock"
        let result = try CLI.run(["daemon", "--config", path, "--device", "none", "--data", CLI.packageRoot.path,
                                  "--socket", socket], deadline: 30)
        #expect(!result.timedOut, "the daemon started on a misspelt config: \(result.stderr)")
        #expect(result.status != 0)
        for finding in Self.expectedFindings(path).prefix(2) { #expect(result.stderr.contains(finding)) }
        #expect(!FileManager.default.fileExists(atPath: socket))
    }
}
