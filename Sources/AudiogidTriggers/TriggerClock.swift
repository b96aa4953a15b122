#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Nanoseconds on CLOCK_MONOTONIC: the clock the kernel stamps GPIO line events with, so software
/// debounce can compare the kernel's timestamps with "now" directly.
public typealias MonotonicNanos = UInt64

/// Where trigger decoders get "now" (long press, keypad timeout, serial repeat window).
/// Injected so tests of "held for 800 ms" run in microseconds.
public protocol TriggerClock: Sendable {
    func now() -> MonotonicNanos
}

/// The kernel's CLOCK_MONOTONIC.
public struct MonotonicClock: TriggerClock {
    public init() {}
    public func now() -> MonotonicNanos {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return MonotonicNanos(ts.tv_sec) * 1_000_000_000 + MonotonicNanos(ts.tv_nsec)
    }
}

/// A clock that moves only when told to.
public final class ManualClock: TriggerClock {
    private let current: Mutex<MonotonicNanos>
    public init(_ start: MonotonicNanos = 0) { current = Mutex(start) }
    public func now() -> MonotonicNanos { current.withLock { $0 } }
    public func set(_ value: MonotonicNanos) { current.withLock { $0 = value } }
    public func advance(by nanos: MonotonicNanos) { current.withLock { $0 += nanos } }
}

extension MonotonicNanos {
    public static func ms(_ value: Double) -> MonotonicNanos { MonotonicNanos((value * 1_000_000).rounded()) }
    public static func seconds(_ value: Double) -> MonotonicNanos { MonotonicNanos((value * 1_000_000_000).rounded()) }
}
