#if canImport(Glibc)
import Glibc
#endif
import CAudiogidShim
import Logging
import NIOCore
import NIOPosix
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

/// Drives LED output lines from the player state. Blinking and the idle chase are tasks scheduled on a SwiftNIO
/// event loop (one of the singleton loops the trigger sources share), not a thread or timer of their own.
/// `write(bits, mask)` sets the requested lines; on a kiosk it is the GPIO request's SET_VALUES ioctl.
public final class GpioLeds: Sendable {
    public let pattern: LedPattern
    private let write: @Sendable (_ bits: UInt64, _ mask: UInt64) -> Void
    private let clock: any TriggerClock
    private let loop: any EventLoop
    private let shared = Mutex(Shared())

    private struct Shared: Sendable {
        var state = PlayerLight.idle
        var started = false
        var stopping = false
        /// What was last written, so an unchanged state costs no ioctl.
        var last: UInt64?
        /// The next blink or pulse edge.
        var tick: Scheduled<Void>?
    }

    public init(pattern: LedPattern, clock: any TriggerClock = MonotonicClock(), eventLoop: (any EventLoop)? = nil,
                write: @escaping @Sendable (_ bits: UInt64, _ mask: UInt64) -> Void) {
        self.pattern = pattern
        self.clock = clock
        self.write = write
        loop = eventLoop ?? MultiThreadedEventLoopGroup.singleton.next()
    }

    /// LEDs on the lines a GPIO request fd holds (from `GpioChip.requestLeds`).
    public convenience init(pattern: LedPattern, requestFD: Int32) {
        self.init(pattern: pattern) { bits, mask in _ = audiogid_gpio_write(requestFD, bits, mask) }
    }

    private var mask: UInt64 { pattern.leds.count >= 64 ? ~0 : (1 << UInt64(pattern.leds.count)) - 1 }

    public func show(_ state: PlayerLight) {
        let running = shared.withLock { s -> Bool in
            s.state = state
            return s.started && !s.stopping
        }
        if running { loop.execute { self.refresh() } }
    }

    public func start() {
        let first = shared.withLock { s -> Bool in
            defer { s.started = true }
            return !s.started && !s.stopping
        }
        if first { loop.execute { self.refresh() } }
    }

    /// Stops the lights and waits until they are off. Not to be called from an event loop thread.
    public func stop() { try? stopLights().wait() }

    /// Stops the lights; returns once they are off.
    public func stop() async { try? await stopLights().get() }

    /// Turns the lights off (so a dead kiosk does not look alive) and stops blinking.
    func stopLights() -> EventLoopFuture<Void> {
        loop.submit {
            let wasRunning = self.shared.withLock { s -> Bool in
                defer { s.stopping = true }
                s.tick?.cancel()
                s.tick = nil
                return s.started && !s.stopping
            }
            if wasRunning { self.write(0, self.mask) }
        }
    }

    /// Writes what the current state shows now and schedules the next blink or pulse edge. Runs on `loop`.
    private func refresh() {
        let (state, stopping) = shared.withLock { ($0.state, $0.stopping) }
        guard !stopping else { return }
        let now = clock.now()
        var bits: UInt64 = 0
        for (index, lit) in pattern.values(for: state, at: now).enumerated() where lit { bits |= 1 << UInt64(index) }
        let changed = shared.withLock { s -> Bool in
            defer { s.last = bits }
            return s.last != bits
        }
        if changed { write(bits, mask) }
        let tick = pattern.nextChange(for: state, after: now).map { next in
            loop.scheduleTask(in: .nanoseconds(Int64(min(next - now, 60_000_000_000)))) { self.refresh() }
        }
        shared.withLock { s in
            s.tick?.cancel()
            s.tick = tick
        }
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
