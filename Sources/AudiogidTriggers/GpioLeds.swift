#if canImport(Glibc)
import Glibc
#endif
import CAudiogidShim
import Foundation
import Logging
import Synchronization

/// What the player is doing, as far as the buttons' lights care.
public enum PlayerLight: Sendable, Equatable {
    case idle
    case playing(stop: Int)
    case paused(stop: Int)
}

/// An LED in (or next to) a button, lit while its stop plays.
public struct GpioLed: Sendable, Equatable {
    public var offset: UInt32
    public var stop: Int
    public init(offset: UInt32, stop: Int) {
        self.offset = offset
        self.stop = stop
    }
}

/// How the lights behave while nothing plays: off, all on, or a slow chase that invites a press.
public enum LedIdleMode: String, Sendable, Equatable, CaseIterable { case off, on, pulse }
/// How the playing stop's light behaves while paused.
public enum LedPausedMode: String, Sendable, Equatable, CaseIterable { case on, blink, off }

/// Which LEDs are lit for a player state at a time: pure, so blink and pulse timing is tested with numbers.
public struct LedPattern: Sendable, Equatable {
    public var leds: [GpioLed]
    public var idle: LedIdleMode
    public var paused: LedPausedMode
    /// A paused light is on for half of this, off for the other half.
    public var blinkPeriod: MonotonicNanos = .ms(1000)
    /// Idle pulse: each light flashes for `pulseOn`, one after another, every `pulsePeriod`.
    public var pulsePeriod: MonotonicNanos = .ms(3000)
    public var pulseOn: MonotonicNanos = .ms(200)

    public init(leds: [GpioLed], idle: LedIdleMode = .pulse, paused: LedPausedMode = .blink) {
        self.leds = leds
        self.idle = idle
        self.paused = paused
    }

    /// One value per LED, in `leds` order; true = lit.
    public func values(for state: PlayerLight, at now: MonotonicNanos) -> [Bool] {
        switch state {
        case .playing(let stop):
            return leds.map { $0.stop == stop }
        case .paused(let stop):
            let on: Bool
            switch paused {
            case .on: on = true
            case .off: on = false
            case .blink: on = now % blinkPeriod < blinkPeriod / 2
            }
            return leds.map { $0.stop == stop && on }
        case .idle:
            switch idle {
            case .off: return leds.map { _ in false }
            case .on: return leds.map { _ in true }
            case .pulse:
                let phase = now % pulsePeriod
                return leds.indices.map { index in
                    let start = MonotonicNanos(index) * pulseOn
                    return phase >= start && phase < start + pulseOn
                }
            }
        }
    }

    /// When the values may next change without a new state (the next blink or pulse edge), if ever.
    public func nextChange(for state: PlayerLight, after now: MonotonicNanos) -> MonotonicNanos? {
        let step: MonotonicNanos
        switch state {
        case .playing: return nil
        case .paused: guard paused == .blink else { return nil }; step = blinkPeriod / 2
        case .idle: guard idle == .pulse, !leds.isEmpty else { return nil }; step = pulseOn
        }
        return (now / step + 1) * step
    }
}

/// Drives LED output lines from the player state on a thread of its own (blinking needs a timer).
/// `write(bits, mask)` sets the requested lines; on a kiosk it is the GPIO request's SET_VALUES ioctl.
public final class GpioLeds: Sendable {
    public let pattern: LedPattern
    private let write: @Sendable (_ bits: UInt64, _ mask: UInt64) -> Void
    private let clock: any TriggerClock
    private let shared = Mutex(Shared())
    private let wake: (read: Int32, write: Int32)
    private let finished = DispatchSemaphore(value: 0)

    private struct Shared {
        var state = PlayerLight.idle
        var started = false
        var stopping = false
    }

    public init(pattern: LedPattern, clock: any TriggerClock = MonotonicClock(),
                write: @escaping @Sendable (_ bits: UInt64, _ mask: UInt64) -> Void) {
        self.pattern = pattern
        self.clock = clock
        self.write = write
        wake = makeWakePipe()
    }

    /// LEDs on the lines a GPIO request fd holds (from `GpioChip.requestLeds`); the fd is closed on `stop()`.
    public convenience init(pattern: LedPattern, requestFD: Int32) {
        self.init(pattern: pattern) { bits, mask in _ = audiogid_gpio_write(requestFD, bits, mask) }
    }

    deinit { if wake.read >= 0 { close(wake.read); close(wake.write) } }

    public func show(_ state: PlayerLight) {
        shared.withLock { $0.state = state }
        var byte: UInt8 = 1
        _ = Glibc.write(wake.write, &byte, 1)
    }

    public func start() {
        let first = shared.withLock { s -> Bool in defer { s.started = true }; return !s.started }
        guard first else { return }
        let thread = Thread { [self] in
            self.run()
            self.finished.signal()
        }
        thread.name = "leds"
        thread.start()
    }

    public func stop() {
        let running = shared.withLock { s -> Bool in defer { s.stopping = true }; return s.started && !s.stopping }
        guard running else { return }
        var byte: UInt8 = 0
        _ = Glibc.write(wake.write, &byte, 1)
        finished.wait()
    }

    private func run() {
        let mask: UInt64 = pattern.leds.count >= 64 ? ~0 : (1 << UInt64(pattern.leds.count)) - 1
        var last: UInt64?
        while true {
            let (state, stopping) = shared.withLock { ($0.state, $0.stopping) }
            if stopping { break }
            let now = clock.now()
            let values = pattern.values(for: state, at: now)
            var bits: UInt64 = 0
            for (index, lit) in values.enumerated() where lit { bits |= 1 << UInt64(index) }
            if bits != last { write(bits, mask); last = bits }
            var timeout: Int32 = -1
            if let next = pattern.nextChange(for: state, after: now) {
                timeout = Int32(min((next - now + 999_999) / 1_000_000, 60_000))
            }
            var fds = [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 1, timeout) > 0 {
                var drain = [UInt8](repeating: 0, count: 64)
                _ = Glibc.read(wake.read, &drain, drain.count)
            }
        }
        write(0, mask)   // lights off when the daemon stops, so a dead kiosk does not look alive
    }
}

/// The LED output lines, requested from the chip on the first write (hardware only); a failure is logged
/// once and the lights stay dark rather than stopping the kiosk.
final class GpioLedRequest: Sendable {
    private let chip: String
    private let lines: [GpioLineRef]
    private let activeLow: Bool
    private let logger: Logger
    private let fd = Mutex<Int32?>(nil)

    init(chip: String, lines: [GpioLineRef], activeLow: Bool, logger: Logger) {
        self.chip = chip
        self.lines = lines
        self.activeLow = activeLow
        self.logger = logger
    }

    deinit { if let fd = fd.withLock({ $0 }), fd >= 0 { close(fd) } }

    func write(_ bits: UInt64, _ mask: UInt64) {
        fd.withLock { fd in
            if fd == nil {
                do {
                    let chip = try GpioChip.find(self.chip)
                    fd = try chip.requestLeds(try lines.map { try chip.offset(of: $0) }, activeLow: activeLow)
                } catch {
                    fd = -1
                    logger.warning("LEDs on \(chip) unavailable: \(error)")
                }
            }
            if let fd, fd >= 0 { _ = audiogid_gpio_write(fd, bits, mask) }
        }
    }
}
