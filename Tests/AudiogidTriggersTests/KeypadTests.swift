import AudiogidPOSIX
#if canImport(Glibc)
import Glibc
#endif
import AudiogidCore
import Testing
@testable import AudiogidTriggers

/// Keypad decoding, fed through a real pipe with the kernel's 24-byte `struct input_event` records.
@Suite(.timeLimit(.minutes(3))) struct KeypadTests {
    let pipe = Pipe()
    let second: UInt64 = 1_000_000_000

    /// A key press as a USB keypad sends it: scan code (MSC), key down, SYN, key up, SYN.
    func tap(_ name: String) -> [UInt8] {
        let code = KeyCode.code(name)!
        return InputEvent(type: 4, code: 4, value: 0x70059).bytes + InputEvent.key(code).bytes + InputEvent.sync.bytes
            + InputEvent.key(code, pressed: false).bytes + InputEvent.sync.bytes
    }

    func type(_ d: inout KeypadDecoder, _ keys: [String], at now: UInt64) -> [TriggerEvent] {
        pipe.send(keys.flatMap(tap))
        return d.decode(pipe.drain(), at: now)
    }

    func keypad() -> KeypadDecoder { KeypadDecoder(device: "usb-keypad") }

    @Test func digitsThenEnterPlayThatStop() {
        var d = keypad()
        #expect(type(&d, ["KP1"], at: 0).compactMap(\.command).isEmpty)
        #expect(d.pendingEntry == "1")
        let events = type(&d, ["KP2", "KPENTER"], at: second)
        #expect(events.compactMap(\.command) == ["play 12"])
        #expect(events.last?.source == .keypad)
        #expect(d.pendingEntry.isEmpty)
        // The top-row digits and Enter work too (a full keyboard, a gpio-keys overlay).
        #expect(type(&d, ["KEY_3", "KEY_ENTER"], at: 2 * second).compactMap(\.command) == ["play 3"])
    }

    @Test func backspaceAndEscapeEdit() {
        var d = keypad()
        #expect(type(&d, ["KP4", "KP5", "BACKSPACE", "KP6", "KPENTER"], at: 0).compactMap(\.command) == ["play 46"])
        #expect(type(&d, ["KP7", "KP8", "ESC", "KP9", "KPENTER"], at: second).compactMap(\.command) == ["play 9"])
        #expect(type(&d, ["BACKSPACE", "KPENTER"], at: 2 * second).compactMap(\.command).isEmpty)
    }

    @Test func unfinishedEntryTimesOutSoTheNextVisitorStartsClean() {
        var d = keypad()
        _ = type(&d, ["KP4"], at: 10 * second)
        #expect(d.deadline == 15 * second)
        #expect(d.expire(at: 15 * second - 1).isEmpty)
        #expect(d.expire(at: 15 * second).map(\.input) == ["usb-keypad entry 4 timed out"])
        #expect(d.deadline == nil)
        #expect(type(&d, ["KP7", "KPENTER"], at: 20 * second).compactMap(\.command) == ["play 7"])
        // A late read also notices the timeout before taking new keys.
        _ = type(&d, ["KP2"], at: 30 * second)
        #expect(type(&d, ["KP3", "KPENTER"], at: 40 * second).compactMap(\.command) == ["play 3"])
    }

    @Test func heldKeyAutorepeatIsOneDigitAndLongEntriesAreCapped() {
        var d = keypad()
        let code = KeyCode.code("KP5")!
        pipe.send(InputEvent.key(code).bytes + InputEvent(type: 1, code: code, value: 2).bytes
                  + InputEvent(type: 1, code: code, value: 2).bytes + InputEvent.key(code, pressed: false).bytes)
        _ = d.decode(pipe.drain(), at: 0)
        #expect(d.pendingEntry == "5")
        #expect(type(&d, ["KP1", "KP2", "KP3", "KP4", "KPENTER"], at: 0).compactMap(\.command) == ["play 5123"])
        #expect(type(&d, ["KP0", "KP0", "KP8", "KPENTER"], at: 0).compactMap(\.command) == ["play 8"])
    }

    @Test func functionKeysMapToCommands() {
        var d = keypad()
        #expect(type(&d, ["KPPLUS", "KPMINUS", "KPASTERISK", "KPSLASH"], at: 0).compactMap(\.command)
                == ["volume +10", "volume -10", "lang next", "stop"])
        #expect(type(&d, ["KEY_F1"], at: 0).map(\.input) == ["usb-keypad KEY_F1 (not mapped)"])
    }

    @Test func configuredKeysReplaceTheDefaultsAndTyposAreErrors() throws {
        var config = KeypadConfig(device: "/dev/input/event3")
        config.keys = TokenRules([.init(pattern: "KEY_KPDOT", command: "replay"), .init(pattern: "KPPLUS", command: "next")])
        let table = try config.keyTable()
        #expect(table == [83: "replay", 78: "next"])
        var d = KeypadDecoder(device: "k", keys: table)
        #expect(type(&d, ["KPDOT", "KPPLUS", "KPMINUS"], at: 0).compactMap(\.command) == ["replay", "next"])
        config.keys = TokenRules([.init(pattern: "KEY_KPPLSU", command: "next")])
        #expect(throws: TriggerConfigError.self) { try config.keyTable() }
    }

    @Test func junkRecordsAreHarmless() {
        var d = keypad()
        var junk: [UInt8] = []
        var random = SplitMix64(seed: 9)
        for _ in 0..<(24 * 500) { junk.append(UInt8(truncatingIfNeeded: random.next())) }
        pipe.send(junk)
        _ = d.decode(pipe.drain(), at: 0)
        _ = type(&d, ["ESC"], at: 0)
        #expect(type(&d, ["KP2", "KPENTER"], at: 0).compactMap(\.command) == ["play 2"])
    }

    @Test func grabbingSomethingThatIsNotAnInputDeviceSaysSo() throws {
        let fifo = temporaryDirectory() + "/not-a-keypad"
        #expect(mkfifo(fifo, 0o600) == 0)
        do {
            _ = try EvdevDevice.open(fifo, grab: true)
            Issue.record("grabbed a FIFO")
        } catch let error as SystemCallError {
            #expect(error.description.contains("not an input device"))
        }
        // Without the grab a FIFO is fine: that is how the daemon tests feed it key events.
        let fd = try EvdevDevice.open(fifo, grab: false)
        #expect(fd >= 0)
        close(fd)
        #expect(throws: SystemCallError.self) { try EvdevDevice.open(fifo + "-missing", grab: false) }
    }

    @Test func sourceTimesOutAnEntryOnItsOwn() throws {
        let pipe = Pipe()
        let log = EventLog()
        let opened = OneShot(dup(pipe.read))
        let source = TriggerSource(name: "keypad", decoder: KeypadDecoder(device: "k", timeout: 50_000_000),
                                   open: { try opened.take() }, deliver: log.append)
        source.start()
        defer { source.stop() }
        pipe.send(tap("KP6"))
        #expect(log.wait { $0.contains { $0.input == "k entry 6 timed out" } })
        pipe.send(tap("KP1") + tap("KPENTER"))
        #expect(log.wait { $0.contains { $0.command == "play 1" } })
    }
}
