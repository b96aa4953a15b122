#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Synchronization

/// Turns the bytes a device produces into trigger events. One implementation per kind of device
/// (GPIO line events, serial tokens, NMEA sentences, evdev key events); all are plain values that
/// know nothing of file descriptors, so tests feed them exactly what a read() would return.
public protocol TriggerDecoder: Sendable {
    /// Bytes just read from the device at `now`.
    mutating func decode(_ bytes: ArraySlice<UInt8>, at now: MonotonicNanos) -> [TriggerEvent]
    /// When `expire(at:)` must next run (long press, keypad entry timeout), or nil if nothing is pending.
    var deadline: MonotonicNanos? { get }
    /// Fires whatever is due at `now`.
    mutating func expire(at now: MonotonicNanos) -> [TriggerEvent]
    /// The device went away: forget half-read records, held buttons and partial entries.
    mutating func disconnected()
}

/// Reads one device on its own thread, so a source that blocks or floods never delays another,
/// and reopens it with back-off when it vanishes (USB unplugged) or is not there at start.
///
/// `open` is the only part that needs the real device; tests pass a pipe's or a pseudo-terminal's fd.
public final class TriggerSource<Decoder: TriggerDecoder>: Sendable {
    public let name: String
    private let open: @Sendable () throws -> Int32
    private let decoder: Mutex<Decoder>
    private let clock: any TriggerClock
    private let deliver: @Sendable (TriggerEvent) -> Void
    private let logger: Logger
    private let initialBackoff: Backoff
    private let wake: (read: Int32, write: Int32)
    private let state = Mutex(RunState())
    private let finished = DispatchSemaphore(value: 0)

    private struct RunState {
        var started = false
        var stopping = false
        var connections = 0
        var connected = false
    }

    /// - Parameters:
    ///   - name: how logs and `audiogid triggers` name the device ("/dev/ttyUSB0").
    ///   - open: opens and configures the device, returning a non-blocking fd the source then owns.
    ///   - deliver: called on the source's thread for each event.
    public init(name: String, decoder: Decoder, clock: any TriggerClock = MonotonicClock(),
                backoff: Backoff = Backoff(), logger: Logger = Logger(label: "audiogid.triggers"),
                open: @escaping @Sendable () throws -> Int32,
                deliver: @escaping @Sendable (TriggerEvent) -> Void) {
        self.name = name
        self.open = open
        self.decoder = Mutex(decoder)
        self.clock = clock
        self.deliver = deliver
        self.logger = logger
        self.initialBackoff = backoff
        wake = makeWakePipe()
    }

    deinit {
        if wake.read >= 0 { close(wake.read); close(wake.write) }
    }

    /// How many times the device has been opened (1 after start, 2 after one replug, ...).
    public var connections: Int { state.withLock { $0.connections } }
    public var isConnected: Bool { state.withLock { $0.connected } }

    /// Runs `body` on the decoder between reads (reset a geofence, change the known stops).
    public func withDecoder<R: Sendable>(_ body: (inout Decoder) -> R) -> R {
        decoder.withLock { body(&$0) }
    }

    public func start() {
        let first = state.withLock { s -> Bool in
            if s.started { return false }
            s.started = true
            return true
        }
        guard first else { return }
        let thread = Thread { [self] in
            self.run()
            self.finished.signal()
        }
        thread.name = "trigger \(name)"
        thread.start()
    }

    /// Stops reading and waits until the device is closed.
    public func stop() {
        let wasRunning = state.withLock { s -> Bool in
            let running = s.started && !s.stopping
            s.stopping = true
            return running
        }
        guard wasRunning else { return }
        var byte: UInt8 = 1
        _ = Glibc.write(wake.write, &byte, 1)
        finished.wait()
    }

    private var stopping: Bool { state.withLock { $0.stopping } }

    private func run() {
        var backoff = initialBackoff
        var reportedDown = false
        while !stopping {
            let fd: Int32
            do {
                fd = try open()
            } catch {
                // Log once per outage, not once per attempt: a kiosk without its keypad should not fill the journal.
                if !reportedDown {
                    logger.warning("\(name) unavailable, will keep retrying: \(error)")
                    reportedDown = true
                }
                sleep(seconds: backoff.next())
                continue
            }
            if reportedDown { logger.notice("\(name) is back") }
            reportedDown = false
            backoff.reset()
            state.withLock { $0.connections += 1; $0.connected = true }
            let reason = read(fd)
            close(fd)
            state.withLock { $0.connected = false }
            decoder.withLock { $0.disconnected() }
            if let reason {
                logger.warning("\(name) lost: \(reason)")
                reportedDown = true
                sleep(seconds: backoff.next())
            }
        }
    }

    /// Reads until the device goes away (returns why) or the source is stopped (returns nil).
    private func read(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let now = clock.now()
            let deadline = decoder.withLock { $0.deadline }
            var timeout: Int32 = -1
            if let deadline {
                timeout = deadline <= now ? 0 : Int32(min((deadline - now + 999_999) / 1_000_000, 60_000))
            }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, timeout)
            if ready < 0 && errno != EINTR { return "poll: \(String(cString: strerror(errno)))" }
            if fds[1].revents != 0 || stopping { return nil }
            if ready > 0 && fds[0].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    let at = clock.now()
                    let events = decoder.withLock { $0.decode(buffer[0..<count], at: at) }
                    events.forEach(deliver)
                } else if count == 0 {
                    return "end of file"
                } else if errno != EAGAIN && errno != EINTR {
                    return String(cString: strerror(errno))
                } else if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                    return "hung up"
                }
            }
            let after = clock.now()
            let due = decoder.withLock { d -> [TriggerEvent] in
                guard let deadline = d.deadline, deadline <= after else { return [] }
                return d.expire(at: after)
            }
            due.forEach(deliver)
        }
    }

    /// Waits between reopen attempts, but wakes at once when the source is stopped.
    private func sleep(seconds: Double) {
        var fds = [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, 1, Int32(seconds * 1000))
    }
}
