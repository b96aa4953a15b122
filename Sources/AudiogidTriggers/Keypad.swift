import AudiogidPOSIX
#if canImport(Glibc)
import Glibc
#endif
import CAudiogidShim

/// One `struct input_event` as evdev writes it on a 64-bit kernel (24 bytes).
public struct InputEvent: Sendable, Equatable {
    public static let size = 24
    public static let keyType: UInt16 = 1   // EV_KEY
    public var seconds: Int64
    public var microseconds: Int64
    public var type: UInt16
    public var code: UInt16
    /// For keys: 1 pressed, 0 released, 2 autorepeat.
    public var value: Int32

    public init(type: UInt16, code: UInt16, value: Int32, seconds: Int64 = 0, microseconds: Int64 = 0) {
        self.type = type
        self.code = code
        self.value = value
        self.seconds = seconds
        self.microseconds = microseconds
    }

    public init(record: [UInt8]) {
        seconds = record.load(Int64.self, at: 0)
        microseconds = record.load(Int64.self, at: 8)
        type = record.load(UInt16.self, at: 16)
        code = record.load(UInt16.self, at: 18)
        value = record.load(Int32.self, at: 20)
    }

    /// The 24 bytes the kernel would write.
    public var bytes: [UInt8] {
        var record = [UInt8](repeating: 0, count: Self.size)
        record.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: seconds, toByteOffset: 0, as: Int64.self)
            raw.storeBytes(of: microseconds, toByteOffset: 8, as: Int64.self)
            raw.storeBytes(of: type, toByteOffset: 16, as: UInt16.self)
            raw.storeBytes(of: code, toByteOffset: 18, as: UInt16.self)
            raw.storeBytes(of: value, toByteOffset: 20, as: Int32.self)
        }
        return record
    }

    public static func key(_ code: UInt16, pressed: Bool = true) -> InputEvent {
        InputEvent(type: keyType, code: code, value: pressed ? 1 : 0)
    }
    public static let sync = InputEvent(type: 0, code: 0, value: 0)
}

/// Linux key codes (linux/input-event-codes.h) by the names a kiosk config uses.
public enum KeyCode {
    public static let names: [String: UInt16] = [
        "KEY_ESC": 1, "KEY_1": 2, "KEY_2": 3, "KEY_3": 4, "KEY_4": 5, "KEY_5": 6, "KEY_6": 7, "KEY_7": 8, "KEY_8": 9,
        "KEY_9": 10, "KEY_0": 11, "KEY_MINUS": 12, "KEY_EQUAL": 13, "KEY_BACKSPACE": 14, "KEY_TAB": 15,
        "KEY_ENTER": 28, "KEY_SPACE": 57, "KEY_KPASTERISK": 55, "KEY_NUMLOCK": 69,
        "KEY_KP7": 71, "KEY_KP8": 72, "KEY_KP9": 73, "KEY_KPMINUS": 74, "KEY_KP4": 75, "KEY_KP5": 76, "KEY_KP6": 77,
        "KEY_KPPLUS": 78, "KEY_KP1": 79, "KEY_KP2": 80, "KEY_KP3": 81, "KEY_KP0": 82, "KEY_KPDOT": 83,
        "KEY_KPENTER": 96, "KEY_KPSLASH": 98, "KEY_DELETE": 111, "KEY_MUTE": 113, "KEY_VOLUMEDOWN": 114,
        "KEY_VOLUMEUP": 115, "KEY_KPEQUAL": 117, "KEY_PAUSE": 119, "KEY_KPCOMMA": 121, "KEY_STOP": 128,
        "KEY_HELP": 138, "KEY_MENU": 139, "KEY_NEXTSONG": 163, "KEY_PLAYPAUSE": 164, "KEY_PREVIOUSSONG": 165,
        "KEY_STOPCD": 166, "KEY_LANGUAGE": 368, "KEY_BACK": 158, "KEY_PLAY": 207, "KEY_OK": 352, "KEY_SELECT": 0x161,
        "KEY_A": 30, "KEY_B": 48, "KEY_C": 46, "KEY_D": 32, "KEY_F1": 59, "KEY_F2": 60, "KEY_F3": 61, "KEY_F4": 62,
        "KEY_UP": 103, "KEY_DOWN": 108, "KEY_LEFT": 105, "KEY_RIGHT": 106, "KEY_KPLEFTPAREN": 179, "KEY_KPRIGHTPAREN": 180,
        "KEY_NUMERIC_0": 0x200, "KEY_NUMERIC_1": 0x201, "KEY_NUMERIC_2": 0x202, "KEY_NUMERIC_3": 0x203,
        "KEY_NUMERIC_4": 0x204, "KEY_NUMERIC_5": 0x205, "KEY_NUMERIC_6": 0x206, "KEY_NUMERIC_7": 0x207,
        "KEY_NUMERIC_8": 0x208, "KEY_NUMERIC_9": 0x209, "KEY_NUMERIC_STAR": 0x20a, "KEY_NUMERIC_POUND": 0x20b,
    ]

    /// A key by name ("KEY_KPPLUS", "KPPLUS") or number ("78").
    public static func code(_ name: String) -> UInt16? {
        if let number = UInt16(name) { return number }
        let upper = name.uppercased()
        return names[upper] ?? names["KEY_" + upper]
    }

    public static func name(_ code: UInt16) -> String {
        names.first { $0.value == code }?.key ?? "key \(code)"
    }

    static let digits: [UInt16: Int] = {
        var table: [UInt16: Int] = [:]
        for d in 0...9 {
            table[names["KEY_\(d)"]!] = d
            table[names["KEY_KP\(d)"]!] = d
            table[names["KEY_NUMERIC_\(d)"]!] = d
        }
        return table
    }()
    static let enter: Set<UInt16> = [28, 96, 352]          // ENTER, KPENTER, OK
    static let erase: Set<UInt16> = [14]                   // BACKSPACE
    static let clear: Set<UInt16> = [1, 111]               // ESC, DELETE
}

/// The classic museum keypad: type a stop number, press Enter, hear the stop.
///
/// Digits build an entry (up to `maximumDigits`), Backspace removes the last digit, Esc clears, and an
/// entry left unfinished for `timeout` is dropped so the next visitor does not inherit "4" and get stop 41.
/// Other keys map to commands (`keys`: volume, language, stop). Autorepeat is ignored: a held key is one key.
public struct KeypadDecoder: TriggerDecoder {
    public let device: String
    public let keys: [UInt16: String]
    public let timeout: MonotonicNanos
    public let maximumDigits: Int
    private var records = FixedRecords(size: InputEvent.size)
    private var entry = ""
    private var lastKeyAt: MonotonicNanos = 0

    public static let defaultKeys: [UInt16: String] = [
        78: "volume +10", 74: "volume -10", 55: "lang next", 98: "stop",
        115: "volume +10", 114: "volume -10", 164: "pause", 128: "stop", 166: "stop",
    ]

    public init(device: String, keys: [UInt16: String] = KeypadDecoder.defaultKeys,
                timeout: MonotonicNanos = .seconds(5), maximumDigits: Int = 4) {
        self.device = device
        self.keys = keys
        self.timeout = timeout
        self.maximumDigits = max(1, maximumDigits)
    }

    /// The digits typed so far.
    public var pendingEntry: String { entry }

    public mutating func decode(_ bytes: ArraySlice<UInt8>, at now: MonotonicNanos) -> [TriggerEvent] {
        var events = expire(at: now)
        for record in records.append(bytes) {
            let event = InputEvent(record: record)
            guard event.type == InputEvent.keyType, event.value == 1 else { continue }
            events += press(event.code, at: now)
        }
        return events
    }

    /// Handles one key press (what `decode` does for each key-down record).
    public mutating func press(_ code: UInt16, at now: MonotonicNanos) -> [TriggerEvent] {
        lastKeyAt = now
        // A configured mapping wins, so a keypad whose Enter is wanted for "replay" can have it.
        if let command = keys[code] {
            return [event("\(KeyCode.name(code))", command)]
        }
        if let digit = KeyCode.digits[code] {
            guard entry.count < maximumDigits else {
                return [event("digit \(digit) ignored (entry \(entry) is full)", nil)]
            }
            if !(entry.isEmpty && digit == 0) { entry += String(digit) }
            return [event("typed \(entry.isEmpty ? "0" : entry)", nil)]
        }
        if KeyCode.enter.contains(code) {
            guard let number = Int(entry) else { return [event("Enter with nothing typed", nil)] }
            entry = ""
            return [event("entered \(number)", "play \(number)")]
        }
        if KeyCode.erase.contains(code) {
            if !entry.isEmpty { entry.removeLast() }
            return [event("backspace, entry now '\(entry)'", nil)]
        }
        if KeyCode.clear.contains(code) {
            entry = ""
            return [event("entry cleared", nil)]
        }
        return [event("\(KeyCode.name(code)) (not mapped)", nil)]
    }

    public var deadline: MonotonicNanos? { entry.isEmpty ? nil : lastKeyAt + timeout }

    public mutating func expire(at now: MonotonicNanos) -> [TriggerEvent] {
        guard !entry.isEmpty, now >= lastKeyAt + timeout else { return [] }
        let dropped = entry
        entry = ""
        return [event("entry \(dropped) timed out", nil)]
    }

    public mutating func disconnected() {
        records.reset()
        entry = ""
    }

    private func event(_ what: String, _ command: String?) -> TriggerEvent {
        TriggerEvent(source: .keypad, input: "\(device) \(what)", command: command)
    }
}

/// Opening an evdev device: the only part that needs a real /dev/input node (the build machine has none; the driver
/// rig, `scripts/rig.sh test`, runs it against a uinput keypad in a virtual machine).
public enum EvdevDevice {
    /// Opens `path` non-blocking and, if `grab`, takes it exclusively (EVIOCGRAB) so typed digits do not
    /// also reach a login console on the kiosk's screen.
    public static func open(_ path: String, grab: Bool) throws -> Int32 {
        let fd = try retryingEINTR(path, "open") { Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        if grab && audiogid_evdev_grab(fd, 1) < 0 {
            let code = errno
            close(fd)
            let what = code == EBUSY ? "EVIOCGRAB (another program has grabbed it)"
                : code == ENOTTY || code == EINVAL ? "EVIOCGRAB (not an input device; give a /dev/input/event* path)"
                : "EVIOCGRAB"
            throw SystemCallError(what, path, errno: code)
        }
        return fd
    }

    /// The device's own name ("USB Keypad"), for `audiogid triggers`.
    public static func name(_ fd: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard audiogid_evdev_name(fd, &buffer, buffer.count) >= 0 else { return nil }
        return cString(buffer)
    }
}
