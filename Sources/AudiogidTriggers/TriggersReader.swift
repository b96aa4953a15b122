import AudiogidCore
import AudiogidManifest
import Foundation
import Yams

/// Reads kiosk.yaml's `triggers:` section with the strict rules of the rest of the file: an unknown key
/// (`keypd:`, `buttns:`) is an error with a "did you mean", not a section silently left out, and every command
/// line on a button, token or key is checked where it is written, so a typo is a start-up error with a line
/// and column rather than a dead button found by a visitor.
public struct TriggersReader {
    static let sectionKeys = ["gpio", "serial", "gps", "keypad"]
    static let gpioKeys = ["chip", "buttons", "leds", "debounce_ms", "kernel_debounce_ms", "long_press_ms", "repeat_delay_ms",
                           "repeat_interval_ms", "active_low", "bias", "leds_active_low", "led_idle", "led_paused"]
    static let buttonKeys = ["line", "press", "long_press", "repeat"]
    static let ledKeys = ["line", "stop"]
    static let serialKeys = ["port", "baud", "framing", "terminator", "match", "repeat_ignore_s", "max_line"]
    static let gpsKeys = ["port", "baud", "min_satellites", "max_hdop", "exit_ratio", "lead_s", "default_radius_m"]
    static let keypadKeys = ["device", "grab", "timeout_s", "max_digits", "keys"]

    /// Lines a trigger may send that are handled by the daemon's trigger wiring rather than the player
    /// (`gps reset` starts a new boat trip), so they are not `Command`s.
    public static let localCommands: Set<String> = ["gps reset"]

    private var yaml: StrictYAML

    private init(file: String) { yaml = StrictYAML(file: file, naming: .dotted) }

    /// The `triggers:` section of a kiosk.yaml composed once by the caller, with every problem found in it.
    /// The other sections are the kiosk's and are not looked at here.
    public static func read(_ document: YAMLDocument) -> (TriggersConfig, [Finding]) {
        guard let section = document.root?.mapping?["triggers"] else { return (TriggersConfig(), []) }
        var reader = TriggersReader(file: document.file)
        let config = reader.section(section)
        let findings = reader.yaml.findings.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        return (config, findings)
    }

    /// Reads the `triggers:` section of a kiosk.yaml's text (for tests and tools holding only the text).
    public static func read(kioskYAML text: String, file: String = "kiosk.yaml") throws(TriggerConfigError) -> TriggersConfig {
        let document: YAMLDocument
        do { document = try YAMLDocument(text: text, file: file) } catch { throw TriggerConfigError(error.finding.line) }
        let (config, findings) = read(document)
        guard findings.isEmpty else { throw TriggerConfigError(findings.map(\.line).joined(separator: "\n")) }
        return config
    }

    // MARK: - Sections

    private mutating func section(_ node: Node) -> TriggersConfig {
        var config = TriggersConfig()
        if node.null != nil { return config }   // `triggers:` with nothing under it
        guard let fields = yaml.fields(node, allowed: Self.sectionKeys, path: "triggers") else { return config }
        config.gpio = fields["gpio"].flatMap { gpio($0) }
        if let node = fields["serial"] {
            // One port may be written without the list.
            if node.mapping != nil {
                config.serial = serial(node, path: "triggers.serial").map { [$0] } ?? []
            } else if let items = yaml.sequence(node, field: "triggers.serial", "must be one port {port: ..., match: ...} or a list of them") {
                config.serial = items.enumerated().compactMap { serial($0.element, path: "triggers.serial[\($0.offset)]") }
            }
        }
        config.gps = fields["gps"].flatMap { gps($0) }
        config.keypad = fields["keypad"].flatMap { keypad($0) }
        return config
    }

    private mutating func gpio(_ node: Node) -> GpioConfig? {
        let path = "triggers.gpio"
        guard let fields = yaml.fields(node, allowed: Self.gpioKeys, path: path) else { return nil }
        var gpio = GpioConfig()
        if let node = fields["chip"], let chip = yaml.string(node, field: "\(path).chip", allowEmpty: false) { gpio.chip = chip }
        if let node = fields["buttons"], let items = yaml.sequence(node, field: "\(path).buttons", "must be a list of {line: ..., press: ...}") {
            gpio.buttons = items.enumerated().compactMap { button($0.element, path: "\(path).buttons[\($0.offset)]") }
        }
        if let node = fields["leds"], let items = yaml.sequence(node, field: "\(path).leds", "must be a list of {line: ..., stop: ...}") {
            gpio.leds = items.enumerated().compactMap { led($0.element, path: "\(path).leds[\($0.offset)]") }
        }
        gpio.debounce_ms = fields["debounce_ms"].flatMap { yaml.number($0, field: "\(path).debounce_ms", in: 0...1000) }
        gpio.kernel_debounce_ms = fields["kernel_debounce_ms"].flatMap { yaml.number($0, field: "\(path).kernel_debounce_ms", in: 0...1000) }
        gpio.long_press_ms = fields["long_press_ms"].flatMap { yaml.number($0, field: "\(path).long_press_ms", in: 1...60_000) }
        gpio.repeat_delay_ms = fields["repeat_delay_ms"].flatMap { yaml.number($0, field: "\(path).repeat_delay_ms", in: 1...60_000) }
        gpio.repeat_interval_ms = fields["repeat_interval_ms"].flatMap { yaml.number($0, field: "\(path).repeat_interval_ms", in: 1...60_000) }
        gpio.active_low = fields["active_low"].flatMap { yaml.bool($0, field: "\(path).active_low") }
        gpio.bias = fields["bias"].flatMap { yaml.choice($0, GpioBias.self, field: "\(path).bias") }
        gpio.leds_active_low = fields["leds_active_low"].flatMap { yaml.bool($0, field: "\(path).leds_active_low") }
        gpio.led_idle = fields["led_idle"].flatMap { yaml.choice($0, LedIdleMode.self, field: "\(path).led_idle") }
        gpio.led_paused = fields["led_paused"].flatMap { yaml.choice($0, LedPausedMode.self, field: "\(path).led_paused") }
        return gpio
    }

    private mutating func button(_ node: Node, path: String) -> GpioButtonConfig? {
        guard let fields = yaml.fields(node, allowed: Self.buttonKeys, path: path) else { return nil }
        let press = fields["press"].flatMap { command($0, field: "\(path).press") }
        let longPress = fields["long_press"].flatMap { command($0, field: "\(path).long_press") }
        let repeats = fields["repeat"].flatMap { yaml.bool($0, field: "\(path).repeat") }
        guard let lineNode = fields["line"] else {
            yaml.missing(at: node, field: "\(path).line", "\(path): needs 'line' (a GPIO line offset like 17, or its name like GPIO17)")
            return nil
        }
        guard let line = gpioLine(lineNode, field: "\(path).line") else { return nil }
        return GpioButtonConfig(line: line, press: press, long_press: longPress, repeat: repeats)
    }

    private mutating func led(_ node: Node, path: String) -> GpioLedConfig? {
        guard let fields = yaml.fields(node, allowed: Self.ledKeys, path: path) else { return nil }
        let line = fields["line"].flatMap { gpioLine($0, field: "\(path).line") }
        let stop = fields["stop"].flatMap { yaml.int($0, field: "\(path).stop", in: 0...99_999) }
        if fields["line"] == nil { yaml.missing(at: node, field: "\(path).line", "\(path): needs 'line' (the GPIO line the LED is on)") }
        if fields["stop"] == nil { yaml.missing(at: node, field: "\(path).stop", "\(path): needs 'stop' (the stop number it lights for)") }
        guard let line, let stop else { return nil }
        return GpioLedConfig(line: line, stop: stop)
    }

    private mutating func serial(_ node: Node, path: String) -> SerialConfig? {
        guard let fields = yaml.fields(node, allowed: Self.serialKeys, path: path) else { return nil }
        var config = SerialConfig(port: "", match: TokenRules([]))
        if let node = fields["baud"], let baud = baud(node, field: "\(path).baud") { config.baud = baud }
        if let node = fields["framing"], let text = yaml.string(node, field: "\(path).framing", allowEmpty: false) {
            do {
                _ = try SerialFraming(text)
                config.framing = text
            } catch {
                yaml.invalid(node, field: "\(path).framing", "'\(text)' should look like 8N1, 7E1 or 8O2")
            }
        }
        if let node = fields["terminator"], let text = yaml.string(node, field: "\(path).terminator", allowEmpty: false) { config.terminator = text }
        if let node = fields["match"] { config.match = tokenRules(node, path: "\(path).match") }
        if let node = fields["repeat_ignore_s"], let seconds = yaml.number(node, field: "\(path).repeat_ignore_s", in: 0...3600) {
            config.repeat_ignore_s = seconds
        }
        if let node = fields["max_line"], let length = yaml.int(node, field: "\(path).max_line", in: 1...65_536) { config.max_line = length }
        guard let portNode = fields["port"] else {
            yaml.missing(at: node, field: "\(path).port", "\(path): needs 'port' (the serial device, e.g. /dev/ttyUSB0)")
            return nil
        }
        guard let port = yaml.string(portNode, field: "\(path).port", allowEmpty: false) else { return nil }
        config.port = port
        return config
    }

    private mutating func gps(_ node: Node) -> GpsConfig? {
        let path = "triggers.gps"
        guard let fields = yaml.fields(node, allowed: Self.gpsKeys, path: path) else { return nil }
        var config = GpsConfig(port: "")
        if let node = fields["baud"], let baud = baud(node, field: "\(path).baud") { config.baud = baud }
        if let node = fields["min_satellites"], let count = yaml.int(node, field: "\(path).min_satellites", in: 0...64) { config.min_satellites = count }
        if let node = fields["max_hdop"], let hdop = yaml.number(node, field: "\(path).max_hdop", in: 0...100) { config.max_hdop = hdop }
        if let node = fields["exit_ratio"], let ratio = yaml.number(node, field: "\(path).exit_ratio", in: 1...10) { config.exit_ratio = ratio }
        if let node = fields["lead_s"], let seconds = yaml.number(node, field: "\(path).lead_s", in: 0...600) { config.lead_s = seconds }
        config.default_radius_m = fields["default_radius_m"].flatMap { yaml.number($0, field: "\(path).default_radius_m", in: 1...100_000) }
        guard let portNode = fields["port"] else {
            yaml.missing(at: node, field: "\(path).port", "\(path): needs 'port' (the GPS receiver's serial device, e.g. /dev/ttyACM0)")
            return nil
        }
        guard let port = yaml.string(portNode, field: "\(path).port", allowEmpty: false) else { return nil }
        config.port = port
        return config
    }

    private mutating func keypad(_ node: Node) -> KeypadConfig? {
        let path = "triggers.keypad"
        guard let fields = yaml.fields(node, allowed: Self.keypadKeys, path: path) else { return nil }
        var config = KeypadConfig(device: "")
        if let node = fields["grab"], let grab = yaml.bool(node, field: "\(path).grab") { config.grab = grab }
        if let node = fields["timeout_s"], let seconds = yaml.number(node, field: "\(path).timeout_s", in: 0.1...3600) { config.timeout_s = seconds }
        if let node = fields["max_digits"], let count = yaml.int(node, field: "\(path).max_digits", in: 1...9) { config.max_digits = count }
        if let node = fields["keys"] { config.keys = keys(node, path: "\(path).keys") }
        guard let deviceNode = fields["device"] else {
            yaml.missing(at: node, field: "\(path).device", "\(path): needs 'device' (an evdev device, e.g. /dev/input/by-id/...-event-kbd)")
            return nil
        }
        guard let device = yaml.string(deviceNode, field: "\(path).device", allowEmpty: false) else { return nil }
        config.device = device
        return config
    }

    // MARK: - Values

    /// A GPIO line: an offset (`17`) or the name the board's device tree gives it (`GPIO17`).
    private mutating func gpioLine(_ node: Node, field: String) -> GpioLineRef? {
        guard let text = yaml.string(node, field: field, allowEmpty: false) else { return nil }
        if let offset = UInt32(text) { return .offset(offset) }
        if node.scalar?.style == .plain, Int(text) != nil {
            yaml.invalid(node, field: field, "must be a line offset (0, 1, 2, ...) or a line name, found \(text)")
            return nil
        }
        return .name(text)
    }

    private mutating func baud(_ node: Node, field: String) -> Int? {
        guard let baud = yaml.int(node, field: field) else { return nil }
        guard SerialPort.speed(for: baud) != nil else {
            yaml.invalid(node, field: field, "\(baud) is not a standard rate (1200, 2400, 4800, 9600, 19200, ... 921600)")
            return nil
        }
        return baud
    }

    /// A command line a trigger sends, checked as the control socket would parse it.
    private mutating func command(_ node: Node, field: String, sample: (String) -> String = { $0 }) -> String? {
        guard let line = yaml.string(node, field: field, allowEmpty: false) else { return nil }
        guard !Self.localCommands.contains(line) else { return line }
        do {
            _ = try Command(line: sample(line))
        } catch {
            yaml.invalid(node, field: field, "'\(line)' is not a command: \(error.message)")
        }
        return line
    }

    /// Serial token → command rules, in the order written (overlapping patterns: the first wins).
    private mutating func tokenRules(_ node: Node, path: String) -> TokenRules {
        guard let mapping = node.mapping else {
            yaml.invalid(node, field: path, "must be a map of token or pattern: command, e.g. {\"^BTN(\\\\d+)$\": \"play \\\\1\"}")
            return TokenRules([])
        }
        var rules: [TokenMatcher.Rule] = []
        for (key, value) in mapping {
            guard let pattern = yaml.string(key, field: path, allowEmpty: false) else { continue }
            let field = "\(path)[\"\(pattern)\"]"
            yaml.record(field, at: key)
            do {
                _ = try TokenMatcher([TokenMatcher.Rule(pattern: pattern, command: "")])
            } catch {
                yaml.invalid(key, field: field, "'\(pattern)' is not a valid regular expression")
                continue
            }
            // A capture reference stands for what the token will carry: check the command with a number there.
            let sample: (String) -> String = { $0.replacingOccurrences(of: #"\\[1-9]"#, with: "1", options: .regularExpression) }
            if let command = command(value, field: field, sample: sample) {
                rules.append(TokenMatcher.Rule(pattern: pattern, command: command))
            }
        }
        return TokenRules(rules)
    }

    /// Keypad key → command; key names are checked here, so `KEY_KPPLSU` is reported where it is written.
    private mutating func keys(_ node: Node, path: String) -> TokenRules? {
        guard let mapping = node.mapping else {
            yaml.invalid(node, field: path, "must be a map of key name: command, e.g. {KEY_KPPLUS: \"volume +5\"}")
            return nil
        }
        var rules: [TokenMatcher.Rule] = []
        for (key, value) in mapping {
            guard let name = yaml.string(key, field: path, allowEmpty: false) else { continue }
            let field = StrictYAML.join(path, name)
            guard KeyCode.code(name) != nil else {
                let candidates = Array(KeyCode.names.keys).sorted()
                let guess = TourRules.suggestion(for: name, among: candidates)
                    ?? TourRules.suggestion(for: "KEY_" + name, among: candidates).map { String($0.dropFirst(4)) }
                let hint = guess.map { "did you mean '\($0)'? " } ?? ""
                yaml.error(at: key, field: field, "\(path): unknown key '\(name)' (\(hint)use a name such as KEY_KPPLUS or a key code)")
                continue
            }
            yaml.record(field, at: key)
            if let command = command(value, field: field) { rules.append(TokenMatcher.Rule(pattern: name, command: command)) }
        }
        return TokenRules(rules)
    }
}

extension TriggersConfig {
    /// The `triggers:` section of a kiosk.yaml's text; see `TriggersReader`.
    public static func load(kioskYAML text: String, file: String = "kiosk.yaml") throws(TriggerConfigError) -> TriggersConfig {
        try TriggersReader.read(kioskYAML: text, file: file)
    }
}
