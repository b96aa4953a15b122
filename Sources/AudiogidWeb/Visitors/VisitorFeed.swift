import Foundation
import Synchronization

/// What a phone is told about the kiosk: only what it needs to follow (no device, volume or errors).
public struct VisitorEvent: Sendable, Equatable, Codable {
    /// Grows by one with each change a phone must act on; the SSE `id:`, given back as `Last-Event-ID`.
    public var id: Int
    public var tour: String
    public var stop: Int?
    /// `play`, `pause` or `stop`, as the kiosk says it.
    public var state: String
    /// Seconds into the clip the kiosk was at when this event was written to the phone.
    public var elapsed: Double?
    public var duration: Double?
    /// False when the daemon does not answer.
    public var reachable: Bool
}

/// The kiosk's state for every visitor's phone, one Server-Sent Events stream each.
///
/// It takes the staff page's one `idle` watch on the daemon (`LiveStatus`) and keeps the last event, so three
/// hundred phones cost the daemon nothing more. A new event is made only when what a phone does changes (the
/// tour, the stop, play/pause/stop, or the position jumping, as at a replay or seek); a volume change does not
/// restart three hundred clips. Each event is a whole state, not a change: a phone that reconnects with
/// `Last-Event-ID` gets nothing when it has the newest, and only the newest when it missed some.
public final class VisitorFeed: Sendable {
    public enum Message: Sendable, Equatable {
        /// The event and its SSE frame (`id:`, `event: kiosk`, `data:`), encoded once for every phone it goes to.
        case event(VisitorEvent, frame: String)
        /// Nothing changed: a comment line, so a phone that went away is noticed when it cannot be written.
        case heartbeat
    }

    private struct Latest: Sendable {
        var event: VisitorEvent
        /// When `event.elapsed` was true (the status read), to say where the clip is when the event is written.
        var at: ContinuousClock.Instant
    }

    private struct State {
        var latest = Latest(event: VisitorEvent(id: 0, tour: "", stop: nil, state: "stop", elapsed: nil, duration: nil, reachable: false),
                            at: .now)
        var phones: [UInt64: AsyncStream<Message>.Continuation] = [:]
        var nextID: UInt64 = 0
        var stopping = false
    }

    public let maximumPhones: Int
    private let state = Mutex(State())

    public init(maximumPhones: Int = 1000) {
        self.maximumPhones = maximumPhones
    }

    public var phoneCount: Int { state.withLock { $0.phones.count } }

    /// The newest event, its elapsed time brought up to now.
    public var current: VisitorEvent { state.withLock { Self.aged($0.latest) } }

    /// Follows `live` until it ends.
    public func follow(_ live: LiveStatus) {
        // One observer of the kiosk's status, however many phones listen, called on LiveStatus's own threads.
        live.observe { [self] update in
            if let status = update { publish(status) } else { heartbeat() }
        }
    }

    /// Takes the kiosk's status; makes a new event when a phone must act on it.
    public func publish(_ status: NowStatus, at instant: ContinuousClock.Instant = .now) {
        let continuations = state.withLock { state -> [AsyncStream<Message>.Continuation] in
            let previous = state.latest
            var next = VisitorEvent(id: previous.event.id, tour: status.tour, stop: status.stop, state: status.state,
                                    elapsed: status.elapsed, duration: status.duration, reachable: status.daemonReachable)
            let expected = Self.aged(previous, at: instant).elapsed
            let jumped = next.state == "play" && previous.event.state == "play" && abs((next.elapsed ?? 0) - (expected ?? 0)) > 1
            let changed = (next.tour, next.stop, next.state, next.reachable)
                != (previous.event.tour, previous.event.stop, previous.event.state, previous.event.reachable)
            guard changed || jumped || previous.event.id == 0 else {
                // The same state (a volume change, say): keep the clock of the first report, nothing to send.
                return []
            }
            next.id = previous.event.id + 1
            state.latest = Latest(event: next, at: instant)
            return Array(state.phones.values)
        }
        guard !continuations.isEmpty else { return }
        let event = current
        let message = Message.event(event, frame: Self.frame(event))
        for continuation in continuations { continuation.yield(message) }
    }

    public func heartbeat() {
        for continuation in state.withLock({ Array($0.phones.values) }) { continuation.yield(.heartbeat) }
    }

    /// One phone's stream: the newest event first unless `lastEventID` says the phone has it; nil when full.
    public func subscribe(lastEventID: Int? = nil) -> AsyncStream<Message>? {
        let (stream, continuation) = AsyncStream<Message>.makeStream(bufferingPolicy: .bufferingNewest(4))
        let id: UInt64? = state.withLock { state in
            guard state.phones.count < maximumPhones, !state.stopping else { return nil }
            state.nextID += 1
            state.phones[state.nextID] = continuation
            if state.latest.event.id > 0, lastEventID != state.latest.event.id {
                let event = Self.aged(state.latest)
                continuation.yield(.event(event, frame: Self.frame(event)))
            }
            return state.nextID
        }
        guard let id else { return nil }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.phones.removeValue(forKey: id) }
        }
        return stream
    }

    /// Ends every phone's stream.
    public func stop() {
        let continuations = state.withLock { state in
            state.stopping = true
            defer { state.phones.removeAll() }
            return Array(state.phones.values)
        }
        for continuation in continuations { continuation.finish() }
    }

    /// `id: N`, `event: kiosk`, `data: {JSON}` and the blank line that ends an event.
    static func frame(_ event: VisitorEvent) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "id: \(event.id)\nevent: kiosk\ndata: \(data)\n\n"
    }

    /// The event with its elapsed time as it is at `instant` while playing (never past the clip's end).
    private static func aged(_ latest: Latest, at instant: ContinuousClock.Instant = .now) -> VisitorEvent {
        var event = latest.event
        if event.state == "play", let elapsed = event.elapsed {
            let passed = instant - latest.at
            let seconds = Double(passed.components.seconds) + Double(passed.components.attoseconds) / 1e18
            event.elapsed = min(elapsed + max(0, seconds), event.duration ?? .infinity)
        }
        return event
    }
}
