import Foundation
import Testing
@testable import AudiogidTriggers

@Suite struct ConfigTests {
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

    @Test func mistakesNameTheSetting() {
        #expect(throws: TriggerConfigError("kiosk config: triggers.serial[0].port is missing")) {
            try TriggersConfig.load(kioskYAML: "triggers:\n  serial:\n    - {baud: 9600}\n")
        }
        do {
            _ = try TriggersConfig.load(kioskYAML: "triggers:\n  gpio:\n    buttons:\n      - {line: 17, repeat: maybe}\n")
            Issue.record("accepted repeat: maybe")
        } catch {
            #expect(error.message.hasPrefix("kiosk config: triggers.gpio.buttons[0].repeat"))
        }
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

    @Test func triggerSetRunsEverySourceItDefines() throws {
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
        set.start()
        defer { set.stop() }
        usleep(300_000)
        buttons.send("BTN4\r\n")
        #expect(log.wait { $0.contains { $0.command == "play 4" && $0.source == .serial } })
        let sample = SimulatedTrack.Sample(time: 0, position: teplokhodik.stops[4].location!, truePosition: teplokhodik.stops[4].location!,
                                           speedMps: 4, courseDegrees: 90)
        gps.send(NmeaWriter.sentences(for: sample, start: .init(timeIntervalSince1970: 0)))
        #expect(log.wait { $0.contains { $0.command == "play 5" && $0.source == .gps } })
        set.resetGpsTrip()
        gps.send(NmeaWriter.sentences(for: sample, start: .init(timeIntervalSince1970: 1)))
        #expect(log.wait { $0.filter { $0.command == "play 5" }.count == 2 })
    }
}
