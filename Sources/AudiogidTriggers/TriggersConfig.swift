import Foundation
import Yams

/// The `triggers:` section of kiosk.yaml: which buttons, ports and devices turn into which commands.
///
/// Names follow the shape (`gpio.chip`, `buttons[].line/press/long_press/repeat`, `leds[].line/stop`,
/// `serial[].port/baud/match/repeat_ignore_s`, `gps.port/baud`, `keypad.device`); everything else has a default.
public struct TriggersConfig: Decodable, Sendable, Equatable {
    public var gpio: GpioConfig?
    public var serial: [SerialConfig]
    public var gps: GpsConfig?
    public var keypad: KeypadConfig?

    public init(gpio: GpioConfig? = nil, serial: [SerialConfig] = [], gps: GpsConfig? = nil, keypad: KeypadConfig? = nil) {
        self.gpio = gpio
        self.serial = serial
        self.gps = gps
        self.keypad = keypad
    }

    enum CodingKeys: String, CodingKey { case gpio, serial, gps, keypad }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        gpio = try c.decodeIfPresent(GpioConfig.self, forKey: .gpio)
        // One port may be written without the list.
        do {
            serial = try c.decodeIfPresent([SerialConfig].self, forKey: .serial) ?? []
        } catch let listError {
            guard let one = try? c.decode(SerialConfig.self, forKey: .serial) else { throw listError }
            serial = [one]
        }
        gps = try c.decodeIfPresent(GpsConfig.self, forKey: .gps)
        keypad = try c.decodeIfPresent(KeypadConfig.self, forKey: .keypad)
    }

    public var isEmpty: Bool { gpio == nil && serial.isEmpty && gps == nil && keypad == nil }
}

/// A GPIO line by offset (`17`) or by the name the board's device tree gives it (`GPIO17`).
public enum GpioLineRef: Decodable, Sendable, Equatable, CustomStringConvertible {
    case offset(UInt32)
    case name(String)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let number = try? c.decode(UInt32.self) {
            self = .offset(number)
        } else {
            let text = try c.decode(String.self)
            self = UInt32(text).map(GpioLineRef.offset) ?? .name(text)
        }
    }

    /// The offset, when the config gave one rather than a name.
    public var knownOffset: UInt32? {
        if case .offset(let n) = self { return n }
        return nil
    }

    public var description: String {
        switch self {
        case .offset(let n): "line \(n)"
        case .name(let s): "line \(s)"
        }
    }
}

public struct GpioButtonConfig: Decodable, Sendable, Equatable {
    public var line: GpioLineRef
    public var press: String?
    public var long_press: String?
    public var `repeat`: Bool?
}

public struct GpioLedConfig: Decodable, Sendable, Equatable {
    public var line: GpioLineRef
    public var stop: Int
}

public struct GpioConfig: Decodable, Sendable, Equatable {
    /// Path, name or label.
    public var chip: String
    public var buttons: [GpioButtonConfig]
    public var leds: [GpioLedConfig]
    /// Software debounce. Default 30 ms.
    public var debounce_ms: Double?
    /// Debounce asked of the kernel. The kernel reports an edge only once the line has been stable this long,
    /// which delays every press by as much, so it is kept short (default 5 ms: enough to drop EMI spikes on a
    /// long cable) and the software debounce, which acts on the first edge without delay, does the rest.
    public var kernel_debounce_ms: Double?
    public var long_press_ms: Double?
    public var repeat_delay_ms: Double?
    public var repeat_interval_ms: Double?
    /// Buttons wired to ground with the pull-up on (the usual): active low. Default true.
    public var active_low: Bool?
    public var bias: GpioBias?
    public var leds_active_low: Bool?
    public var led_idle: LedIdleMode?
    public var led_paused: LedPausedMode?

    enum CodingKeys: String, CodingKey {
        case chip, buttons, leds, debounce_ms, kernel_debounce_ms, long_press_ms, repeat_delay_ms, repeat_interval_ms, active_low, bias
        case leds_active_low, led_idle, led_paused
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        chip = try c.decodeIfPresent(String.self, forKey: .chip) ?? "gpiochip0"
        buttons = try c.decodeIfPresent([GpioButtonConfig].self, forKey: .buttons) ?? []
        leds = try c.decodeIfPresent([GpioLedConfig].self, forKey: .leds) ?? []
        debounce_ms = try c.decodeIfPresent(Double.self, forKey: .debounce_ms)
        kernel_debounce_ms = try c.decodeIfPresent(Double.self, forKey: .kernel_debounce_ms)
        long_press_ms = try c.decodeIfPresent(Double.self, forKey: .long_press_ms)
        repeat_delay_ms = try c.decodeIfPresent(Double.self, forKey: .repeat_delay_ms)
        repeat_interval_ms = try c.decodeIfPresent(Double.self, forKey: .repeat_interval_ms)
        active_low = try c.decodeIfPresent(Bool.self, forKey: .active_low)
        bias = try c.decodeIfPresent(GpioBias.self, forKey: .bias)
        leds_active_low = try c.decodeIfPresent(Bool.self, forKey: .leds_active_low)
        led_idle = try c.decodeIfPresent(LedIdleMode.self, forKey: .led_idle)
        led_paused = try c.decodeIfPresent(LedPausedMode.self, forKey: .led_paused)
    }

    public var kernelDebounceMicroseconds: UInt32 { UInt32(max(0, min(kernel_debounce_ms ?? 5, 1000)) * 1000) }

    public var timing: GpioButtonTiming {
        var t = GpioButtonTiming()
        if let v = debounce_ms { t.debounce = .ms(max(0, v)) }
        if let v = long_press_ms { t.longPress = .ms(max(1, v)) }
        if let v = repeat_delay_ms { t.repeatDelay = .ms(max(1, v)) }
        if let v = repeat_interval_ms { t.repeatInterval = .ms(max(10, v)) }
        return t
    }
}

/// Token → command rules in file order (a YAML mapping; order matters for overlapping patterns).
public struct TokenRules: Decodable, Sendable, Equatable {
    public var rules: [TokenMatcher.Rule]

    public init(_ rules: [TokenMatcher.Rule]) { self.rules = rules }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { stringValue = String(intValue) }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        rules = try c.allKeys.map { TokenMatcher.Rule(pattern: $0.stringValue, command: try c.decode(String.self, forKey: $0)) }
    }
}

public struct SerialConfig: Decodable, Sendable, Equatable {
    public var port: String
    public var baud: Int
    /// "8N1" (default), "7E1", ...
    public var framing: String
    /// "\r\n" (default: either ends a line), "\n", "\r", or any single character.
    public var terminator: String
    public var match: TokenRules
    public var repeat_ignore_s: Double
    public var max_line: Int

    enum CodingKeys: String, CodingKey { case port, baud, framing, terminator, match, repeat_ignore_s, max_line }

    public init(port: String, baud: Int = 9600, framing: String = "8N1", terminator: String = "\r\n",
                match: TokenRules, repeat_ignore_s: Double = 1, max_line: Int = 256) {
        self.port = port
        self.baud = baud
        self.framing = framing
        self.terminator = terminator
        self.match = match
        self.repeat_ignore_s = repeat_ignore_s
        self.max_line = max_line
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        port = try c.decode(String.self, forKey: .port)
        baud = try c.decodeIfPresent(Int.self, forKey: .baud) ?? 9600
        framing = try c.decodeIfPresent(String.self, forKey: .framing) ?? "8N1"
        terminator = try c.decodeIfPresent(String.self, forKey: .terminator) ?? "\r\n"
        match = try c.decodeIfPresent(TokenRules.self, forKey: .match) ?? TokenRules([])
        repeat_ignore_s = try c.decodeIfPresent(Double.self, forKey: .repeat_ignore_s) ?? 1
        max_line = try c.decodeIfPresent(Int.self, forKey: .max_line) ?? 256
    }
}

public struct GpsConfig: Decodable, Sendable, Equatable {
    public var port: String
    public var baud: Int
    public var min_satellites: Int
    public var max_hdop: Double
    /// A zone is left beyond this × its radius (hysteresis). Default 1.3.
    public var exit_ratio: Double
    /// Start a stop this many seconds before the boat reaches its zone, at the current speed. Default 0.
    public var lead_s: Double
    /// For stops without `radius_m`. Default 250 m on a boat tour, 80 m on foot.
    public var default_radius_m: Double?

    enum CodingKeys: String, CodingKey { case port, baud, min_satellites, max_hdop, exit_ratio, lead_s, default_radius_m }

    public init(port: String, baud: Int = 9600) {
        self.port = port
        self.baud = baud
        min_satellites = 4
        max_hdop = 5
        exit_ratio = 1.3
        lead_s = 0
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        port = try c.decode(String.self, forKey: .port)
        baud = try c.decodeIfPresent(Int.self, forKey: .baud) ?? 9600
        min_satellites = try c.decodeIfPresent(Int.self, forKey: .min_satellites) ?? 4
        max_hdop = try c.decodeIfPresent(Double.self, forKey: .max_hdop) ?? 5
        exit_ratio = try c.decodeIfPresent(Double.self, forKey: .exit_ratio) ?? 1.3
        lead_s = try c.decodeIfPresent(Double.self, forKey: .lead_s) ?? 0
        default_radius_m = try c.decodeIfPresent(Double.self, forKey: .default_radius_m)
    }
}

public struct KeypadConfig: Decodable, Sendable, Equatable {
    public var device: String
    /// Take the device exclusively so digits do not reach a console. Default true.
    public var grab: Bool
    public var timeout_s: Double
    public var max_digits: Int
    /// Key name → command; replaces the defaults (+/- volume, * language, / stop) when given.
    public var keys: TokenRules?

    enum CodingKeys: String, CodingKey { case device, grab, timeout_s, max_digits, keys }

    public init(device: String) {
        self.device = device
        grab = true
        timeout_s = 5
        max_digits = 4
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        device = try c.decode(String.self, forKey: .device)
        grab = try c.decodeIfPresent(Bool.self, forKey: .grab) ?? true
        timeout_s = try c.decodeIfPresent(Double.self, forKey: .timeout_s) ?? 5
        max_digits = try c.decodeIfPresent(Int.self, forKey: .max_digits) ?? 4
        keys = try c.decodeIfPresent(TokenRules.self, forKey: .keys)
    }

    /// The key table, with names checked so a typo is an error at start, not a dead key.
    public func keyTable() throws(TriggerConfigError) -> [UInt16: String] {
        guard let keys else { return KeypadDecoder.defaultKeys }
        var table: [UInt16: String] = [:]
        for rule in keys.rules {
            guard let code = KeyCode.code(rule.pattern) else {
                throw TriggerConfigError("keypad.keys: unknown key '\(rule.pattern)' (use a name such as KEY_KPPLUS or a key code)")
            }
            table[code] = rule.command
        }
        return table
    }
}

extension TriggersConfig {
    /// The `triggers:` section of a kiosk.yaml (other sections are the daemon's and are ignored here).
    public static func load(kioskYAML text: String) throws(TriggerConfigError) -> TriggersConfig {
        struct Kiosk: Decodable { var triggers: TriggersConfig? }
        do {
            return try YAMLDecoder().decode(Kiosk.self, from: text).triggers ?? TriggersConfig()
        } catch let error as DecodingError {
            throw TriggerConfigError("kiosk config: \(Self.explain(error))")
        } catch {
            throw TriggerConfigError("kiosk config: \(error)")
        }
    }

    /// kiosk.yaml's `data:` folder and `tour:` id (the daemon's keys), for tools that need the tour but not the daemon.
    public static func tourPlace(kioskYAML text: String) -> (data: String?, tour: String?) {
        let node = try? Yams.compose(yaml: text)
        return (node?["data"]?.string, node?["tour"]?.string)
    }

    /// A decoding error in a technician's words: the setting's path and what was wrong with it.
    static func explain(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) has no value"
        @unknown default: return "\(error)"
        }
    }
}
