import Foundation

/// The `triggers:` section of kiosk.yaml: which buttons, ports and devices turn into which commands.
/// `TriggersReader` reads it, with the same strict rules as the rest of the file.
///
/// Names follow the shape (`gpio.chip`, `buttons[].line/press/long_press/repeat`, `leds[].line/stop`,
/// `serial[].port/baud/match/repeat_ignore_s`, `gps.port/baud`, `keypad.device`); everything else has a default.
public struct TriggersConfig: Sendable, Equatable {
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

    public var isEmpty: Bool { gpio == nil && serial.isEmpty && gps == nil && keypad == nil }
}

/// A GPIO line by offset (`17`) or by the name the board's device tree gives it (`GPIO17`).
public enum GpioLineRef: Sendable, Equatable, CustomStringConvertible {
    case offset(UInt32)
    case name(String)

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

public struct GpioButtonConfig: Sendable, Equatable {
    public var line: GpioLineRef
    public var press: String?
    public var long_press: String?
    public var `repeat`: Bool?

    public init(line: GpioLineRef, press: String? = nil, long_press: String? = nil, repeat: Bool? = nil) {
        self.line = line
        self.press = press
        self.long_press = long_press
        self.repeat = `repeat`
    }
}

public struct GpioLedConfig: Sendable, Equatable {
    public var line: GpioLineRef
    public var stop: Int

    public init(line: GpioLineRef, stop: Int) {
        self.line = line
        self.stop = stop
    }
}

public struct GpioConfig: Sendable, Equatable {
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

    public init(chip: String = "gpiochip0", buttons: [GpioButtonConfig] = [], leds: [GpioLedConfig] = []) {
        self.chip = chip
        self.buttons = buttons
        self.leds = leds
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
public struct TokenRules: Sendable, Equatable {
    public var rules: [TokenMatcher.Rule]

    public init(_ rules: [TokenMatcher.Rule]) { self.rules = rules }
}

public struct SerialConfig: Sendable, Equatable {
    public var port: String
    public var baud: Int
    /// "8N1" (default), "7E1", ...
    public var framing: String
    /// "\r\n" (default: either ends a line), "\n", "\r", or any single character.
    public var terminator: String
    public var match: TokenRules
    public var repeat_ignore_s: Double
    public var max_line: Int

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
}

public struct GpsConfig: Sendable, Equatable {
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

    public init(port: String, baud: Int = 9600) {
        self.port = port
        self.baud = baud
        min_satellites = 4
        max_hdop = 5
        exit_ratio = 1.3
        lead_s = 0
    }
}

public struct KeypadConfig: Sendable, Equatable {
    public var device: String
    /// Take the device exclusively so digits do not reach a console. Default true.
    public var grab: Bool
    public var timeout_s: Double
    public var max_digits: Int
    /// Key name → command; replaces the defaults (+/- volume, * language, / stop) when given.
    public var keys: TokenRules?

    public init(device: String) {
        self.device = device
        grab = true
        timeout_s = 5
        max_digits = 4
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
