import AudiogidPOSIX
#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
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

/// Reads one device as a channel on a SwiftNIO event loop, and reopens it with back-off when it vanishes
/// (USB unplugged) or is not there at start.
///
/// No thread of its own: every source of a kiosk shares the loops of `MultiThreadedEventLoopGroup.singleton`
/// (one per core), which wait on all their devices with one epoll. A flooding device cannot starve another:
/// the loop reads a bounded amount per wake-up and then serves the other channels. Long-press and keypad
/// deadlines are tasks scheduled on the same loop, so they never race the reads.
///
/// `open` is the only part that needs the real device; tests pass a pipe's or a pseudo-terminal's fd.
public final class TriggerSource<Decoder: TriggerDecoder>: Sendable {
    public let name: String
    private let open: @Sendable () throws -> Int32
    private let decoder: Mutex<Decoder>
    private let clock: any TriggerClock
    private let deliver: @Sendable (TriggerEvent) -> Void
    private let logger: Logger
    private let loop: any EventLoop
    private let state: Mutex<RunState>

    private struct RunState: Sendable {
        var started = false
        var stopping = false
        var connections = 0
        var connected = false
        var backoff: Backoff
        /// Whether the current outage was logged: once per outage, not once per attempt.
        var reportedDown = false
        /// Completed when the first open attempt is done (opened, or failed and logged).
        var firstAttempt: EventLoopPromise<Void>?
        var opening: EventLoopFuture<Channel>?
        var channel: Channel?
        /// Why the channel closed, as the read that failed said.
        var lostReason: String?
        var retry: Scheduled<Void>?
        var deadlineTask: Scheduled<Void>?
    }

    /// - Parameters:
    ///   - name: how logs and `audiogid triggers` name the device ("/dev/ttyUSB0").
    ///   - open: opens and configures the device, returning a non-blocking fd the source then owns.
    ///   - deliver: called on the source's event loop for each event; it must not block.
    ///   - eventLoop: where the device is read; by default one of the process-wide singleton loops.
    public init(name: String, decoder: Decoder, clock: any TriggerClock = MonotonicClock(),
                backoff: Backoff = Backoff(), logger: Logger = Logger(label: "audiogid.triggers"),
                eventLoop: (any EventLoop)? = nil,
                open: @escaping @Sendable () throws -> Int32,
                deliver: @escaping @Sendable (TriggerEvent) -> Void) {
        self.name = name
        self.open = open
        self.decoder = Mutex(decoder)
        self.clock = clock
        self.deliver = deliver
        self.logger = logger
        loop = eventLoop ?? MultiThreadedEventLoopGroup.singleton.next()
        state = Mutex(RunState(backoff: backoff))
    }

    /// How many times the device has been opened (1 after start, 2 after one replug, ...).
    public var connections: Int { state.withLock { $0.connections } }
    public var isConnected: Bool { state.withLock { $0.connected } }

    /// Runs `body` on the decoder between reads (reset a geofence, change the known stops).
    public func withDecoder<R: Sendable>(_ body: (inout Decoder) -> R) -> R {
        decoder.withLock { body(&$0) }
    }

    /// Starts reading in the background and returns at once.
    public func start() { _ = startReading() }

    /// Starts reading and returns once the first open attempt is done: the device is open and its bytes are
    /// being read, or it is missing (logged) and retried in the background.
    public func start() async { try? await startReading().get() }

    /// Stops reading and waits until the device is closed. Not to be called from an event loop thread.
    public func stop() { try? stopReading().wait() }

    /// Stops reading; returns when the device is closed.
    public func stop() async { try? await stopReading().get() }

    /// Starts the source (once) and returns the first open attempt's completion.
    func startReading() -> EventLoopFuture<Void> {
        let (first, attempt) = state.withLock { s -> (Bool, EventLoopFuture<Void>) in
            if let promise = s.firstAttempt { return (false, promise.futureResult) }
            let promise = loop.makePromise(of: Void.self)
            s.firstAttempt = promise
            if s.stopping { promise.succeed(()); return (false, promise.futureResult) }
            s.started = true
            return (true, promise.futureResult)
        }
        if first { loop.execute { self.attemptOpen() } }
        return attempt
    }

    /// Stops the source and returns when its device is closed (at once if it never opened).
    func stopReading() -> EventLoopFuture<Void> {
        loop.flatSubmit { () -> EventLoopFuture<Void> in
            let (channel, opening, firstAttempt) = self.state.withLock { s in
                s.stopping = true
                s.retry?.cancel()
                s.retry = nil
                s.deadlineTask?.cancel()
                s.deadlineTask = nil
                return (s.channel, s.opening, s.firstAttempt)
            }
            firstAttempt?.succeed(())
            if let channel {
                channel.close(promise: nil)
                return channel.closeFuture
            }
            // A channel still being set up is closed by `opened` when it sees `stopping`.
            return opening.map { $0.flatMap { $0.closeFuture }.recover { _ in } } ?? self.loop.makeSucceededVoidFuture()
        }
    }

    // Everything below runs on `loop`.

    private func attemptOpen() {
        let stopping = state.withLock { s in s.retry = nil; return s.stopping }
        guard !stopping else { return }
        let fd: Int32
        do {
            fd = try open()
        } catch {
            unavailable(error)
            return
        }
        let bootstrap = NIOPipeBootstrap(group: loop)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DeviceReader(source: self))
                }
            }
        let opening = bootstrap.takingOwnershipOfDescriptor(input: fd)
        state.withLock { $0.opening = opening }
        opening.whenComplete { result in
            self.state.withLock { $0.opening = nil }
            switch result {
            case .success(let channel):
                self.opened(channel)
            case .failure(let error):
                // NIO closes the fd once it made a channel of it; refusing the descriptor outright
                // (a regular file) leaves it with us.
                if let refused = error as? ChannelError, refused == .operationUnsupported { close(fd) }
                self.unavailable(error)
            }
        }
    }

    private func unavailable(_ error: any Error) {
        let (delay, firstAttempt, log) = state.withLock { s -> (Double, EventLoopPromise<Void>?, Bool) in
            let log = !s.reportedDown
            s.reportedDown = true
            return (s.backoff.next(), s.firstAttempt, log)
        }
        // Log once per outage, not once per attempt: a kiosk without its keypad should not fill the journal.
        if log { logger.warning("\(name) unavailable, will keep retrying: \(error)", metadata: ["device": "\(name)"]) }
        firstAttempt?.succeed(())
        scheduleRetry(after: delay)
    }

    private func scheduleRetry(after seconds: Double) {
        let task = loop.scheduleTask(in: .nanoseconds(Int64(seconds * 1_000_000_000))) { self.attemptOpen() }
        let stopping = state.withLock { s -> Bool in
            if !s.stopping { s.retry = task }
            return s.stopping
        }
        if stopping { task.cancel() }
    }

    private func opened(_ channel: Channel) {
        let (stopping, wasDown, firstAttempt) = state.withLock { s -> (Bool, Bool, EventLoopPromise<Void>?) in
            if s.stopping { return (true, false, s.firstAttempt) }
            let wasDown = s.reportedDown
            s.reportedDown = false
            s.backoff.reset()
            s.connections += 1
            s.connected = true
            s.channel = channel
            s.lostReason = nil
            return (false, wasDown, s.firstAttempt)
        }
        if stopping {
            channel.close(promise: nil)
            firstAttempt?.succeed(())
            return
        }
        if wasDown { logger.notice("\(name) is back", metadata: ["device": "\(name)"]) }
        channel.closeFuture.whenComplete { _ in self.closed() }
        firstAttempt?.succeed(())
    }

    private func closed() {
        let (stopping, reason, delay) = state.withLock { s -> (Bool, String, Double) in
            s.connected = false
            s.channel = nil
            s.deadlineTask?.cancel()
            s.deadlineTask = nil
            let reason = s.lostReason ?? "end of file"
            s.lostReason = nil
            if s.stopping { return (true, reason, 0) }
            s.reportedDown = true
            return (false, reason, s.backoff.next())
        }
        decoder.withLock { $0.disconnected() }
        guard !stopping else { return }
        logger.warning("\(name) lost: \(reason)", metadata: ["device": "\(name)"])
        scheduleRetry(after: delay)
    }

    fileprivate func received(_ bytes: ArraySlice<UInt8>) {
        let at = clock.now()
        let events = decoder.withLock { $0.decode(bytes, at: at) }
        events.forEach(deliver)
        expireDue()
    }

    fileprivate func readFailed(_ error: any Error) {
        state.withLock { $0.lostReason = "\(error)" }
    }

    /// Fires what is due now and schedules the next deadline (long press, keypad entry timeout) on the loop.
    private func expireDue() {
        let now = clock.now()
        let (due, next) = decoder.withLock { d -> ([TriggerEvent], MonotonicNanos?) in
            var due: [TriggerEvent] = []
            if let deadline = d.deadline, deadline <= now { due = d.expire(at: now) }
            return (due, d.deadline)
        }
        due.forEach(deliver)
        let task = next.map { deadline in
            // A clock that does not move (tests) is checked again after the interval it asked for.
            let wait = deadline > now ? deadline - now : 1_000_000
            return loop.scheduleTask(in: .nanoseconds(Int64(min(wait, 60_000_000_000)))) { self.expireDue() }
        }
        let keep = state.withLock { s -> Bool in
            s.deadlineTask?.cancel()
            s.deadlineTask = nil
            guard s.connected && !s.stopping else { return false }
            s.deadlineTask = task
            return true
        }
        if !keep { task?.cancel() }
    }
}

/// The one handler in a source's channel: hands what the device wrote to the source's decoder.
private final class DeviceReader<Decoder: TriggerDecoder>: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let source: TriggerSource<Decoder>

    init(source: TriggerSource<Decoder>) { self.source = source }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        source.received(Array(buffer.readableBytesView)[...])
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // NIO closes the channel after a failed read (EIO when a USB adapter is pulled); `closed` logs why.
        source.readFailed(error)
    }
}
