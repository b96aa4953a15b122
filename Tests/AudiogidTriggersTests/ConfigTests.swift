import Foundation
import Testing
@testable import AudiogidTriggers

@Suite(.timeLimit(.minutes(3))) struct ConfigTests {
    /// The issue's example, verbatim.
    static let issueExample = #"""
    tour: teplokhodik
    triggers:
      gpio:
        chip: gpiochip0                  # path, name or label
        buttons:
          - {line: 17, press: "play 1", long_press: "lang next"}
          - {line: 27, press: "volume +10", repeat: true}
        leds:
          - {line: 22, stop: 1}
      serial:
        - port: /dev/ttyUSB0
          baud: 9600
          match: {"^BTN(\\d+)$": "play \\1", "04A1B2C3": "play 7"}
          repeat_ignore_s: 2
      gps: {port: /dev/ttyACM0, baud: 9600}
      keypad: {device: /dev/input/by-id/usb-0c45_USB_Keypad-event-kbd}
    """#

    @Test func readsTheIssuesExample() throws {
        let config = try TriggersConfig.load(kioskYAML: Self.issueExample)
        let gpio = try #require(config.gpio)
        #expect(gpio.chip == "gpiochip0")
        #expect(gpio.buttons.count == 2)
        #expect(gpio.buttons[0].line == .offset(17))
        #expect(gpio.buttons[0].long_press == "lang next")
        #expect(gpio.buttons[1].repeat == true)
        #expect(gpio.leds == [GpioLedConfig(line: .offset(22), stop: 1)])
        #expect(gpio.timing == GpioButtonTiming())
        #expect(gpio.kernelDebounceMicroseconds == 5000)
        #expect(config.serial.count == 1)
        #expect(config.serial[0].match.rules.map(\.pattern) == ["^BTN(\\d+)$", "04A1B2C3"])
        #expect(config.serial[0].match.rules.map(\.command) == ["play \\1", "play 7"])
        #expect(config.serial[0].repeat_ignore_s == 2)
        #expect(config.serial[0].framing == "8N1")
        #expect(config.gps?.port == "/dev/ttyACM0")
        #expect(config.gps?.exit_ratio == 1.3)
        #expect(config.keypad?.device == "/dev/input/by-id/usb-0c45_USB_Keypad-event-kbd")
        #expect(config.keypad?.grab == true)
    }

    @Test func linesByNameAndOnePortWithoutAList() throws {
        let config = try TriggersConfig.load(kioskYAML: """
            triggers:
              gpio:
                chip: pinctrl-rp1
                debounce_ms: 50
                buttons: [{line: GPIO17, press: stop}]
              serial: {port: /dev/serial0, baud: 115200, terminator: ";"}
            """)
        #expect(config.gpio?.buttons.first?.line == .name("GPIO17"))
        #expect(config.gpio?.timing.debounce == 50 * ms)
        #expect(config.serial.first?.port == "/dev/serial0")
        #expect(config.serial.first?.terminator == ";")
    }

    @Test func noTriggersSectionIsAnEmptyConfig() throws {
        #expect(try TriggersConfig.load(kioskYAML: "tour: moyo-selo\n").isEmpty)
    }

    /// The findings for `text` as a kiosk.yaml, as `FILE:LINE:COL: error: message` lines.
    static func findings(_ text: String) throws -> [String] {
        do {
            _ = try TriggersReader.read(kioskYAML: text, file: "kiosk.yaml")
            return []
        } catch {
            return error.message.split(separator: "\n").map(String.init)
        }
    }

    @Test func mistakesNameTheSetting() throws {
        #expect(try Self.findings("triggers:\n  serial:\n    - {baud: 9600}\n")
                == ["kiosk.yaml:3:7: error: triggers.serial[0]: needs 'port' (the serial device, e.g. /dev/ttyUSB0)"])
        #expect(try Self.findings("triggers:\n  gpio:\n    buttons:\n      - {line: 17, repeat: maybe}\n")
                == ["kiosk.yaml:4:28: error: triggers.gpio.buttons[0].repeat: must be true or false, found 'maybe'"])
    }

    /// Issue 10: a misspelt section or key used to be ignored, leaving an empty trigger list and dead buttons.
    @Test func aMisspeltSectionIsAnErrorAtItsLineWithASuggestion() throws {
        #expect(try Self.findings("""
            tour: moyo-selo
            triggers:
              keypd: {device: /dev/input/event0}
            """) == ["kiosk.yaml:3:3: error: triggers.keypd: unknown key (did you mean 'keypad'?); known here: gpio, serial, gps, keypad"])
    }

    @Test func aMisspeltListOfButtonsIsAnError() throws {
        let lines = try Self.findings("""
            triggers:
              gpio:
                chip: gpiochip0
                buttns:
                  - {line: 17, press: "play 1"}
            """)
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("kiosk.yaml:4:5: error: triggers.gpio.buttns: unknown key (did you mean 'buttons'?); known here: chip, buttons,") == true)
    }

    @Test func aMisspeltPortIsOneErrorNotTwo() throws {
        let lines = try Self.findings("""
            triggers:
              serial:
                - prot: /dev/ttyUSB0
                  match: {"04A1B2C3": "play 7"}
            """)
        // No second "needs 'port'": the suggestion already explains it.
        #expect(lines == ["kiosk.yaml:3:7: error: triggers.serial[0].prot: unknown key (did you mean 'port'?); "
                          + "known here: port, baud, framing, terminator, match, repeat_ignore_s, max_line"])
    }

    @Test func aBadKeyInsideAButtonNamesTheButton() throws {
        let lines = try Self.findings("""
            triggers:
              gpio:
                buttons:
                  - {line: 17, press: "play 1"}
                  - {line: 27, long_pres: "lang next"}
            """)
        #expect(lines == ["kiosk.yaml:5:20: error: triggers.gpio.buttons[1].long_pres: unknown key (did you mean 'long_press'?); "
                          + "known here: line, press, long_press, repeat"])
    }

    @Test func aBadKeypadKeyNameIsReportedWhereItIsWritten() throws {
        let lines = try Self.findings("""
            triggers:
              keypad:
                device: /dev/input/event0
                keys:
                  KEY_KPPLUS: "volume +5"
                  KEY_KPPLSU: next
            """)
        #expect(lines == ["kiosk.yaml:6:7: error: triggers.keypad.keys: unknown key 'KEY_KPPLSU' "
                          + "(did you mean 'KEY_KPPLUS'? use a name such as KEY_KPPLUS or a key code)"])
    }

    @Test func commandLinesAreCheckedAtTheirValue() throws {
        let lines = try Self.findings("""
            triggers:
              gpio:
                buttons:
                  - {line: 17, press: "plya 1", long_press: "gps reset"}
              serial:
                port: /dev/ttyUSB0
                match: {"^BTN(\\\\d+)$": "play \\\\1", "CARD": "volume loud"}
              keypad:
                device: /dev/input/event0
                keys: {KPPLUS: "paly"}
            """)
        try #require(lines.count == 3, "\(lines)")
        #expect(lines[0].hasPrefix("kiosk.yaml:4:27: error: triggers.gpio.buttons[0].press: 'plya 1' is not a command: unknown command 'plya'"))
        #expect(lines[1].hasPrefix(#"kiosk.yaml:7:48: error: triggers.serial.match["CARD"]: 'volume loud' is not a command"#))
        #expect(lines[2].hasPrefix("kiosk.yaml:10:20: error: triggers.keypad.keys.KPPLUS: 'paly' is not a command"))
    }

    @Test func valuesAreCheckedWithTheirRanges() throws {
        let lines = try Self.findings("""
            triggers:
              gpio: {bias: pull_up, debounce_ms: -3, buttons: [{line: -1}]}
              serial: {port: /dev/ttyUSB0, baud: 9601, framing: 9N1}
              gps: {port: /dev/ttyACM0, exit_ratio: 0.5}
            """)
        #expect(lines == [
            "kiosk.yaml:2:16: error: triggers.gpio.bias: must be one of pull-up, pull-down, disabled, as-is, found 'pull_up' (did you mean 'pull-up'?)",
            "kiosk.yaml:2:38: error: triggers.gpio.debounce_ms: must be between 0.0 and 1000.0, found -3.0",
            "kiosk.yaml:2:59: error: triggers.gpio.buttons[0].line: must be a line offset (0, 1, 2, ...) or a line name, found -1",
            "kiosk.yaml:3:38: error: triggers.serial.baud: 9601 is not a standard rate (1200, 2400, 4800, 9600, 19200, ... 921600)",
            "kiosk.yaml:3:53: error: triggers.serial.framing: '9N1' should look like 8N1, 7E1 or 8O2",
            "kiosk.yaml:4:41: error: triggers.gps.exit_ratio: must be between 1.0 and 10.0, found 0.5",
        ])
    }

    /// Every key the section knows, each set away from its default, is read into the config.
    @Test func everyKeyIsRead() throws {
        let config = try TriggersReader.read(kioskYAML: """
            triggers:
              gpio:
                chip: pinctrl-rp1
                buttons: [{line: GPIO17, press: "play 1", long_press: "lang next", repeat: true}]
                leds: [{line: 22, stop: 1}]
                debounce_ms: 40
                kernel_debounce_ms: 2
                long_press_ms: 900
                repeat_delay_ms: 400
                repeat_interval_ms: 150
                active_low: false
                bias: pull-down
                leds_active_low: true
                led_idle: off
                led_paused: on
              serial:
                - {port: /dev/ttyUSB0, baud: 115200, framing: 7E1, terminator: ";", match: {"X": stop}, repeat_ignore_s: 3, max_line: 64}
                - {port: /dev/ttyUSB1}
              gps: {port: /dev/ttyACM0, baud: 4800, min_satellites: 6, max_hdop: 2.5, exit_ratio: 1.5, lead_s: 10, default_radius_m: 120}
              keypad: {device: /dev/input/event3, grab: false, timeout_s: 3, max_digits: 2, keys: {KEY_KPPLUS: "volume +5"}}
            """)
        let gpio = try #require(config.gpio)
        #expect(gpio.chip == "pinctrl-rp1")
        #expect(gpio.buttons == [GpioButtonConfig(line: .name("GPIO17"), press: "play 1", long_press: "lang next", repeat: true)])
        #expect(gpio.leds == [GpioLedConfig(line: .offset(22), stop: 1)])
        #expect(gpio.debounce_ms == 40 && gpio.kernel_debounce_ms == 2 && gpio.long_press_ms == 900)
        #expect(gpio.repeat_delay_ms == 400 && gpio.repeat_interval_ms == 150)
        #expect(gpio.active_low == false && gpio.bias == .pullDown && gpio.leds_active_low == true)
        #expect(gpio.led_idle == .off && gpio.led_paused == .on)
        #expect(config.serial == [
            SerialConfig(port: "/dev/ttyUSB0", baud: 115200, framing: "7E1", terminator: ";",
                         match: TokenRules([.init(pattern: "X", command: "stop")]), repeat_ignore_s: 3, max_line: 64),
            SerialConfig(port: "/dev/ttyUSB1", match: TokenRules([])),
        ])
        var gps = GpsConfig(port: "/dev/ttyACM0", baud: 4800)
        gps.min_satellites = 6
        gps.max_hdop = 2.5
        gps.exit_ratio = 1.5
        gps.lead_s = 10
        gps.default_radius_m = 120
        #expect(config.gps == gps)
        var keypad = KeypadConfig(device: "/dev/input/event3")
        keypad.grab = false
        keypad.timeout_s = 3
        keypad.max_digits = 2
        keypad.keys = TokenRules([.init(pattern: "KEY_KPPLUS", command: "volume +5")])
        #expect(config.keypad == keypad)
    }

    @Test func triggerSetChecksTheConfigBeforeOpeningAnything() throws {
        var config = TriggersConfig(serial: [SerialConfig(port: "/dev/null", framing: "8Q1", match: TokenRules([]))])
        #expect(throws: TriggerConfigError.self) { try TriggerSet(config: config) { _ in } }
        config = TriggersConfig(gps: GpsConfig(port: "/dev/ttyACM0"))
        #expect(throws: TriggerConfigError("triggers.gps needs a tour with stop locations")) { try TriggerSet(config: config) { _ in } }
        config = TriggersConfig(serial: [SerialConfig(port: "/dev/ttyUSB0", match: TokenRules([.init(pattern: "^BTN(\\d+)$", command: "play \\1")]))],
                                gps: GpsConfig(port: "/dev/ttyACM0"))
        let set = try TriggerSet(config: config, tour: teplokhodik) { _ in }
        #expect(set.summary == [
            "serial /dev/ttyUSB0 at 9600 8N1: ^BTN(\\d+)$ → play \\1, same token ignored for 1.0 s",
            "gps /dev/ttyACM0 at 9600: 6 zones of tour teplokhodik (1 r250, 2 r250, 3 r250, 4 r250, 5 r250, 6 r300)",
        ])
    }

    @Test func triggerSetRunsEverySourceItDefines() async throws {
        let dir = temporaryDirectory()
        let buttons = FakeSerialPort(link: dir + "/ttyUSB0")
        let gps = FakeSerialPort(link: dir + "/ttyACM0")
        let yaml = """
            triggers:
              serial: [{port: \(buttons.link), match: {"^BTN(\\\\d+)$": "play \\\\1"}}]
              gps: {port: \(gps.link)}
            """
        let log = EventLog()
        let set = try TriggerSet(config: try TriggersConfig.load(kioskYAML: yaml), tour: teplokhodik, deliver: log.append)
        await set.start()  // every port is open when it returns: nothing sent from now on is lost
        defer { set.stop() }
        buttons.send("BTN4\r\n")
        #expect(await log.wait { $0.contains { $0.command == "play 4" && $0.source == .serial } })
        let sample = SimulatedTrack.Sample(time: 0, position: teplokhodik.stops[4].location!, truePosition: teplokhodik.stops[4].location!,
                                           speedMps: 4, courseDegrees: 90)
        gps.send(NmeaWriter.sentences(for: sample, start: .init(timeIntervalSince1970: 0)))
        #expect(await log.wait { $0.contains { $0.command == "play 5" && $0.source == .gps } })
        set.resetGpsTrip()
        gps.send(NmeaWriter.sentences(for: sample, start: .init(timeIntervalSince1970: 1)))
        #expect(await log.wait { $0.filter { $0.command == "play 5" }.count == 2 })
    }
}
