import AudiogidMessages
import AudiogidControl
import Foundation
import Logging
import Synchronization

/// The kiosk's status as the daemon last reported it, pushed to every open page.
///
/// One thread holds an `idle` on the control socket; when the daemon reports a change (a press anywhere: a GPIO
/// button, mpc, the keypad, this page), it reads `status` once and hands the same answer to every subscriber, so
/// fifty open pages cost the daemon one client, not fifty.
public final class LiveStatus: Sendable {
    /// nil is a heartbeat: a page that has gone away is noticed when the heartbeat cannot be written.
    public typealias Update = NowStatus?

    private struct State {
        var latest: NowStatus = .unreachable
        var subscribers: [UInt64: AsyncStream<Update>.Continuation] = [:]
        var observers: [@Sendable (Update) -> Void] = []
        var nextID: UInt64 = 0
        var stopping = false
        var idleClient: IdleConnection?
    }

    public let socket: String
    public let maximumSubscribers: Int
    private let state = Mutex(State())
    private let logger: Logger
    private let wake = DispatchSemaphore(value: 0)

    public init(socket: String, maximumSubscribers: Int = 200, logger: Logger) {
        self.socket = socket
        self.maximumSubscribers = maximumSubscribers
        self.logger = logger
    }

    public var latest: NowStatus { state.withLock { $0.latest } }
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// The stream of updates for one page, starting with the latest status; nil when too many pages are open.
    public func subscribe() -> AsyncStream<Update>? {
        let (stream, continuation) = AsyncStream<Update>.makeStream(bufferingPolicy: .bufferingNewest(4))
        let id: UInt64? = state.withLock { state in
            guard state.subscribers.count < maximumSubscribers, !state.stopping else { return nil }
            state.nextID += 1
            state.subscribers[state.nextID] = continuation
            continuation.yield(state.latest)
            return state.nextID
        }
        guard let id else { return nil }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Calls `handler` with the latest status now, then with every update, on the thread that has it (the watch or
    /// the heartbeat), not on Swift's cooperative pool: a relay must not wait for a pool thread another task holds.
    public func observe(_ handler: @escaping @Sendable (Update) -> Void) {
        let latest = state.withLock { state in
            state.observers.append(handler)
            return state.latest
        }
        handler(latest)
    }

    /// Starts the watching thread and the heartbeat.
    public func start(heartbeat: Double = 15) {
        let thread = Thread { [self] in watch() }
        thread.name = "audiogid-web-idle"
        thread.start()
        let beat = Thread { [self] in
            while wake.wait(timeout: .now() + heartbeat) == .timedOut { publish(nil) }
        }
        beat.name = "audiogid-web-heartbeat"
        beat.start()
    }

    /// Ends the watch and every page's stream.
    public func stop() {
        let client = state.withLock { state -> IdleConnection? in
            state.stopping = true
            return state.idleClient
        }
        // Wakes the `idle` so the thread sees `stopping` (written on the socket only; the thread reads the reply).
        _ = client?.client.sendRaw(Array("noidle\n".utf8))
        wake.signal()
        wake.signal()
        let continuations = state.withLock { state in
            defer { state.subscribers.removeAll() }
            return Array(state.subscribers.values)
        }
        for continuation in continuations { continuation.finish() }
    }

    private var stopping: Bool { state.withLock { $0.stopping } }

    private func publish(_ update: Update) {
        let (continuations, observers) = state.withLock { state in
            if let update { state.latest = update }
            return (Array(state.subscribers.values), state.observers)
        }
        for continuation in continuations { continuation.yield(update) }
        for observer in observers { observer(update) }
    }

    private func watch() {
        var announcedLoss = false
        while !stopping {
            do {
                let client = try ControlClient(address: socket, timeout: 0)
                let handle = IdleConnection(client: client)
                state.withLock { $0.idleClient = handle }
                announcedLoss = false
                publish(NowStatus(statusLines: try client.send("status").lines))
                while !stopping {
                    let changed = try client.send("idle")
                    if changed.ack != nil { throw DaemonUnreachable(description: changed.ack!) }
                    if stopping { break }
                    publish(NowStatus(statusLines: try client.send("status").lines))
                }
            } catch {
                state.withLock { $0.idleClient = nil }
                if !announcedLoss {
                    logger.warning("daemon not answering; the page shows it unreachable until it does",
                                   metadata: ["socket": "\(socket)", "error": "\(error)"])
                    publish(.unreachable)
                    announcedLoss = true
                }
                // Try again in a second, or at once when told to stop.
                if wake.wait(timeout: .now() + 1) == .success { break }
            }
        }
        state.withLock { $0.idleClient = nil }
    }
}

/// The connection held in `idle`, kept where `stop()` can write `noidle` to it.
// @unchecked: the watching thread reads and writes it; `stop()` only writes one line to its socket, which the
// kernel serialises, and never reads.
private struct IdleConnection: @unchecked Sendable {
    let client: ControlClient
}
