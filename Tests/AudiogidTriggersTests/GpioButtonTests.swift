import AudiogidPOSIX
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import AudiogidTriggers

/// Button decoding, fed through a real pipe with the kernel's 48-byte `struct gpio_v2_line_event` records.
@Suite(.timeLimit(.minutes(3))) struct GpioButtonTests {
    let pipe = Pipe()
    var seqno: UInt32 = 0

    static let buttons = [
        GpioButton(offset: 17, press: "play 1", longPress: "lang next"),
        GpioButton(offset: 27, press: "volume +10", repeats: true),
        GpioButton(offset: 22, press: "play 3"),
    ]

    func decoder() -> GpioButtonDecoder { GpioButtonDecoder(chip: "gpiochip0", buttons: Self.buttons) }

    /// Writes edges (time in ms, line, pressed) into the pipe and decodes what one read returns.
    mutating func feed(_ decoder: inout GpioButtonDecoder, _ edges: [(Double, UInt32, Bool)]) -> [TriggerEvent] {
        var bytes: [UInt8] = []
        for (time, line, pressed) in edges {
            seqno += 1
            bytes += GpioLineEvent(timestampNs: UInt64(time * 1_000_000), rising: pressed, offset: line, seqno: seqno).bytes
        }
        pipe.send(bytes)
        return decoder.decode(pipe.drain(), at: 0)
    }

    @Test mutating func cleanPressFiresOnThePressEdge() {
        var d = decoder()
        let events = feed(&d, [(1000, 22, true)])
        #expect(events.map(\.command) == ["play 3"])
        #expect(events.first?.input == "gpiochip0 line 22 pressed")
        #expect(events.first?.source == .gpio)
        let release = feed(&d, [(1200, 22, false)])
        #expect(release.compactMap(\.command).isEmpty)
    }

    @Test mutating func bounceBurstIsOnePress() {
        var d = decoder()
        // Contact bounce: five edges within 6 ms, settling pressed; then a bouncy release.
        var events = feed(&d, [(1000, 22, true), (1001, 22, false), (1002.5, 22, true), (1004, 22, false), (1006, 22, true)])
        events += d.expire(at: 1040 * ms)
        events += feed(&d, [(1300, 22, false), (1301, 22, true), (1302, 22, false)])
        events += d.expire(at: 1400 * ms)
        #expect(events.compactMap(\.command) == ["play 3"])
    }

    @Test mutating func tapShorterThanDebounceIsStillOnePress() {
        var d = decoder()
        // A 4 ms tap that bounces and ends released: one press, never zero, and the release is seen.
        var events = feed(&d, [(1000, 22, true), (1001, 22, false), (1002, 22, true), (1004, 22, false)])
        #expect(d.deadline == 1030 * ms)
        events += d.expire(at: 1030 * ms)
        #expect(events.compactMap(\.command) == ["play 3"])
        #expect(events.last?.input == "gpiochip0 line 22 released")
        #expect(d.deadline == nil)
    }

    @Test mutating func quickDoublePressIsTwoPresses() {
        var d = decoder()
        let events = feed(&d, [(1000, 22, true), (1080, 22, false), (1160, 22, true), (1240, 22, false)])
        #expect(events.compactMap(\.command) == ["play 3", "play 3"])
    }

    @Test mutating func shortPressWithLongActionFiresOnRelease() {
        var d = decoder()
        let down = feed(&d, [(1000, 17, true)])
        #expect(down.compactMap(\.command).isEmpty)
        #expect(d.deadline == 1800 * ms)
        let up = feed(&d, [(1300, 17, false)])
        #expect(up.compactMap(\.command) == ["play 1"])
    }

    @Test mutating func longPressFiresWhileHeldAndOnlyOnce() {
        var d = decoder()
        _ = feed(&d, [(1000, 17, true)])
        #expect(d.expire(at: 1799 * ms).isEmpty)
        #expect(d.expire(at: 1800 * ms).compactMap(\.command) == ["lang next"])
        #expect(d.expire(at: 5000 * ms).isEmpty)
        #expect(feed(&d, [(6000, 17, false)]).compactMap(\.command).isEmpty)
    }

    @Test mutating func longPressSeenOnlyAtReleaseStillCountsAsLong() {
        var d = decoder()
        // The reader stalled and never got to expire(): the release 1.2 s later still means a long press.
        let events = feed(&d, [(1000, 17, true), (2200, 17, false)])
        #expect(events.compactMap(\.command) == ["lang next"])
    }

    @Test mutating func heldButtonDoesNotRepeatUnlessConfigured() {
        var d = decoder()
        #expect(feed(&d, [(1000, 22, true)]).compactMap(\.command) == ["play 3"])
        #expect(d.deadline == nil)
        #expect(d.expire(at: 9000 * ms).isEmpty)

        #expect(feed(&d, [(10_000, 27, true)]).compactMap(\.command) == ["volume +10"])
        #expect(d.deadline == 10_500 * ms)
        #expect(d.expire(at: 10_500 * ms).compactMap(\.command) == ["volume +10"])
        #expect(d.expire(at: 10_700 * ms).compactMap(\.command) == ["volume +10"])
        // A reader that wakes very late fires one step, not a burst.
        #expect(d.expire(at: 15_000 * ms).compactMap(\.command) == ["volume +10"])
        _ = feed(&d, [(15_100, 27, false)])
        #expect(d.expire(at: 20_000 * ms).isEmpty)
    }

    @Test mutating func recordsSplitAcrossReadsAndDroppedEventsAreCounted() {
        var d = decoder()
        let record = GpioLineEvent(timestampNs: 1000 * ms, rising: true, offset: 22, seqno: 5).bytes
        pipe.send(Array(record[0..<30]))
        #expect(d.decode(pipe.drain(), at: 0).isEmpty)
        pipe.send(Array(record[30...]))
        #expect(d.decode(pipe.drain(), at: 0).compactMap(\.command) == ["play 3"])
        // seqno jumps from 5 to 9: the kernel's 16-event buffer overflowed and it dropped three.
        pipe.send(GpioLineEvent(timestampNs: 1100 * ms, rising: false, offset: 22, seqno: 9).bytes)
        _ = d.decode(pipe.drain(), at: 0)
        #expect(d.droppedEvents == 3)
    }

    @Test mutating func garbageRecordsAndUnknownLinesAreIgnored() {
        var d = decoder()
        var junk = [UInt8](repeating: 0xA5, count: 48 * 4)
        for i in junk.indices { junk[i] = UInt8(truncatingIfNeeded: i &* 131 &+ 7) }
        pipe.send(junk)
        #expect(d.decode(pipe.drain(), at: 0).compactMap(\.command).isEmpty)
        #expect(d.malformedRecords == 4)
        #expect(feed(&d, [(1000, 5, true)]).isEmpty)
        #expect(feed(&d, [(2000, 22, true)]).compactMap(\.command) == ["play 3"])
    }

    @Test mutating func namedLinesAreRekeyedWhenTheChipResolvesThem() {
        var d = GpioButtonDecoder(chip: "pinctrl-rp1", buttons: [GpioButton(offset: .max, press: "play 2")])
        d.assignOffsets([23])
        #expect(feed(&d, [(1000, 23, true)]).map(\.input) == ["pinctrl-rp1 line 23 pressed"])
    }

    @Test func sourceReadsThePipeOnItsOwnThread() throws {
        let pipe = Pipe()
        let log = EventLog()
        let readEnd = dup(pipe.read)
        let opened = OneShot(readEnd)
        let source = TriggerSource(name: "gpiochip0", decoder: decoder(), backoff: Backoff(initialSeconds: 0.01),
                                   open: { try opened.take() }, deliver: log.append)
        source.start()
        let now = MonotonicClock().now()
        pipe.send(GpioLineEvent(timestampNs: now, rising: true, offset: 22, seqno: 1).bytes)
        #expect(log.wait { $0.contains { $0.command == "play 3" } })
        // Held for the long-press time on the real clock: the source's own deadline fires it.
        pipe.send(GpioLineEvent(timestampNs: now + 1 * ms, rising: true, offset: 17, seqno: 2).bytes)
        #expect(log.wait { $0.contains { $0.command == "lang next" } })
        source.stop()
        #expect(source.connections == 1)
    }
}

