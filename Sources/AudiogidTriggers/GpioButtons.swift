/// One push button on a GPIO line, and what pressing it does.
public struct GpioButton: Sendable, Equatable {
    public var offset: UInt32
    /// Command on a press (on release when a long press is also configured, so one hold is never both).
    public var press: String?
    /// Command when held at least the long-press time.
    public var longPress: String?
    /// Whether holding the button repeats `press` (volume buttons); otherwise a held button fires once.
    public var repeats: Bool

    public init(offset: UInt32, press: String?, longPress: String? = nil, repeats: Bool = false) {
        self.offset = offset
        self.press = press
        self.longPress = longPress
        self.repeats = repeats
    }
}

/// How button timing works, in nanoseconds of CLOCK_MONOTONIC.
public struct GpioButtonTiming: Sendable, Equatable {
    /// Edges within this time of an accepted change are contact bounce. Tens of ms: long enough for a
    /// worn arcade button, short enough that a quick double press is two presses.
    public var debounce: MonotonicNanos = .ms(30)
    public var longPress: MonotonicNanos = .ms(800)
    public var repeatDelay: MonotonicNanos = .ms(500)
    public var repeatInterval: MonotonicNanos = .ms(200)
    public init() {}
}

/// One `struct gpio_v2_line_event` as the kernel writes it (48 bytes).
public struct GpioLineEvent: Sendable, Equatable {
    public static let size = 48
    /// CLOCK_MONOTONIC, unless the request asked for another clock.
    public var timestampNs: UInt64
    /// True for GPIO_V2_LINE_EVENT_RISING_EDGE (1): inactive → active, i.e. pressed for an active-low button.
    public var rising: Bool
    public var offset: UInt32
    public var seqno: UInt32
    public var lineSeqno: UInt32

    public init(timestampNs: UInt64, rising: Bool, offset: UInt32, seqno: UInt32 = 0, lineSeqno: UInt32 = 0) {
        self.timestampNs = timestampNs
        self.rising = rising
        self.offset = offset
        self.seqno = seqno
        self.lineSeqno = lineSeqno
    }

    /// Nil for a record whose id is neither rising (1) nor falling (2).
    public init?(record: [UInt8]) {
        guard record.count == Self.size else { return nil }
        let id = record.load(UInt32.self, at: 8)
        guard id == 1 || id == 2 else { return nil }
        timestampNs = record.load(UInt64.self, at: 0)
        rising = id == 1
        offset = record.load(UInt32.self, at: 12)
        seqno = record.load(UInt32.self, at: 16)
        lineSeqno = record.load(UInt32.self, at: 20)
    }

    /// The 48 bytes the kernel would write for this event.
    public var bytes: [UInt8] {
        var record = [UInt8](repeating: 0, count: Self.size)
        record.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: timestampNs, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: UInt32(rising ? 1 : 2), toByteOffset: 8, as: UInt32.self)
            raw.storeBytes(of: offset, toByteOffset: 12, as: UInt32.self)
            raw.storeBytes(of: seqno, toByteOffset: 16, as: UInt32.self)
            raw.storeBytes(of: lineSeqno, toByteOffset: 20, as: UInt32.self)
        }
        return record
    }
}

/// Turns GPIO line events into button presses: software debounce on top of the kernel's, short and
/// long press, and repeat while held for the buttons that want it.
///
/// Debounce accepts the first edge of a burst at once (no added latency on a press) and ignores edges
/// for `debounce` after it; when the window closes, the line's last reported level is taken as the truth,
/// so a burst that ends released is a release and a burst that ends pressed is one press — never two, never zero.
public struct GpioButtonDecoder: TriggerDecoder {
    public let chip: String
    public let timing: GpioButtonTiming
    private var lines: [UInt32: Line]
    private var order: [UInt32]
    private var records = FixedRecords(size: GpioLineEvent.size)
    private var lastSeqno: UInt32?
    /// Events the kernel dropped because its 16-per-line buffer overflowed (seen as seqno gaps).
    public private(set) var droppedEvents = 0
    /// Records that were not line events (a wrong id): a sign the fd is not what it should be.
    public private(set) var malformedRecords = 0

    private struct Line: Sendable {
        var button: GpioButton
        var accepted = false
        var acceptedAt: MonotonicNanos = 0
        var hasAccepted = false
        var raw = false
        var rawAt: MonotonicNanos = 0
        var longFired = false
        var nextRepeat: MonotonicNanos?
    }

    public init(chip: String, buttons: [GpioButton], timing: GpioButtonTiming = GpioButtonTiming()) {
        self.chip = chip
        self.timing = timing
        var lines: [UInt32: Line] = [:]
        for button in buttons { lines[button.offset] = Line(button: button) }
        self.lines = lines
        order = buttons.map(\.offset)
    }

    public mutating func decode(_ bytes: ArraySlice<UInt8>, at now: MonotonicNanos) -> [TriggerEvent] {
        var events: [TriggerEvent] = []
        for record in records.append(bytes) {
            guard let event = GpioLineEvent(record: record) else { malformedRecords += 1; continue }
            events += receive(event)
        }
        return events
    }

    /// Handles one line event (what `decode` does for each 48-byte record).
    public mutating func receive(_ event: GpioLineEvent) -> [TriggerEvent] {
        if let last = lastSeqno, event.seqno > last &+ 1 { droppedEvents += Int(event.seqno &- last &- 1) }
        lastSeqno = event.seqno
        // Whatever fell due before this edge (a window closing, a long press) happened first.
        var events = expire(at: event.timestampNs)
        guard var line = lines[event.offset] else { return events }
        line.raw = event.rising
        line.rawAt = event.timestampNs
        let inWindow = line.hasAccepted && event.timestampNs < line.acceptedAt + timing.debounce
        if !inWindow && line.raw != line.accepted {
            events += transition(&line, pressed: line.raw, at: event.timestampNs)
        }
        lines[event.offset] = line
        return events
    }

    /// Gives the buttons, in the order they were configured, the line offsets the chip resolved for them
    /// (lines named "GPIO17" are known only once the chip is open).
    public mutating func assignOffsets(_ offsets: [UInt32]) {
        let buttons = order.compactMap { lines[$0]?.button }
        guard offsets.count == buttons.count else { return }
        lines = [:]
        order = offsets
        for (button, offset) in zip(buttons, offsets) {
            var moved = button
            moved.offset = offset
            lines[offset] = Line(button: moved)
        }
    }

    public var deadline: MonotonicNanos? {
        var earliest: MonotonicNanos?
        func consider(_ t: MonotonicNanos) { earliest = min(earliest ?? t, t) }
        for line in lines.values {
            if line.raw != line.accepted { consider(line.acceptedAt + timing.debounce) }
            if line.accepted {
                if line.button.longPress != nil && !line.longFired { consider(line.acceptedAt + timing.longPress) }
                if let next = line.nextRepeat { consider(next) }
            }
        }
        return earliest
    }

    public mutating func expire(at now: MonotonicNanos) -> [TriggerEvent] {
        var events: [TriggerEvent] = []
        for offset in lines.keys.sorted() {
            var line = lines[offset]!
            let windowEnd = line.acceptedAt + timing.debounce
            if line.raw != line.accepted && now >= windowEnd {
                events += transition(&line, pressed: line.raw, at: max(line.rawAt, windowEnd))
            }
            if line.accepted, let long = line.button.longPress, !line.longFired,
               now >= line.acceptedAt + timing.longPress {
                line.longFired = true
                events.append(event(offset, "held", command: long))
            }
            if line.accepted, let next = line.nextRepeat, now >= next {
                // One repeat per expiry, however late: a stalled reader must not fire a burst of volume steps.
                line.nextRepeat = now + timing.repeatInterval
                events.append(event(offset, "held (repeat)", command: line.button.press))
            }
            lines[offset] = line
        }
        return events
    }

    public mutating func disconnected() {
        records.reset()
        lastSeqno = nil
        for offset in lines.keys {
            lines[offset] = Line(button: lines[offset]!.button)
        }
    }

    private func event(_ offset: UInt32, _ what: String, command: String?) -> TriggerEvent {
        TriggerEvent(source: .gpio, input: "\(chip) line \(offset) \(what)", command: command)
    }

    private func transition(_ line: inout Line, pressed: Bool, at time: MonotonicNanos) -> [TriggerEvent] {
        let heldFor = time &- line.acceptedAt
        line.accepted = pressed
        line.acceptedAt = time
        line.hasAccepted = true
        let offset = line.button.offset
        if pressed {
            line.longFired = false
            line.nextRepeat = line.button.repeats ? time + timing.repeatDelay : nil
            // Without a long-press action there is nothing to wait for: fire on the press edge, the fastest path to sound.
            return [event(offset, "pressed", command: line.button.longPress == nil ? line.button.press : nil)]
        }
        line.nextRepeat = nil
        if line.button.longPress != nil && !line.longFired {
            if heldFor >= timing.longPress {
                line.longFired = true
                return [event(offset, "released after a long press", command: line.button.longPress)]
            }
            return [event(offset, "released (short press)", command: line.button.press)]
        }
        return [event(offset, "released", command: nil)]
    }
}
