import AudiogidCore
import Foundation
import GRDB

/// Writes the play log and the saved state off the press path.
///
/// The kiosk hands each row to `enqueue` (an append under a short lock, no IO) and carries on: a press
/// reaches the speaker without waiting for SQLite's sync, which on an SD card can take 50 ms or more.
/// `run()` drains the queue on the writer's own thread, one transaction (one sync) per batch, in the order rows were
/// enqueued. A caller that must not acknowledge before its rows are on disk (the control socket's
/// reply) waits for the ticket `enqueue` returned: what the daemon acknowledged survives `kill -9`.
///
/// A failing database does not stop playback: `health` says so (and `status` shows `log_writable: 0`),
/// and the rows are kept and written again with back-off, so a busy or briefly full card loses nothing.
public final class StoreWriter: @unchecked Sendable {  // `state` is only touched under `condition`
    /// One change to the database, in the kiosk's words.
    public enum Entry: Sendable, Equatable {
        /// A play started: its row, keyed by the player's token so its end can find it.
        case playBegan(token: UInt64, PlayRecord)
        case playEnded(token: UInt64, outcome: PlayOutcome, secondsHeard: Double, endedAt: Double)
        case state(SavedState)
        /// A play reported whole once it ended (a visitor's phone): one row, nothing to update later.
        case playHeard(PlayRecord)
    }

    /// Everything enqueued up to and including this ticket's entry.
    public struct Ticket: Sendable, Comparable, Hashable {
        let sequence: UInt64
        public static let none = Ticket(sequence: 0)
        public static func < (a: Ticket, b: Ticket) -> Bool { a.sequence < b.sequence }
    }

    public struct Health: Sendable, Equatable {
        public var writable = true
        public var lastError: String?
    }

    private struct Queue {
        var entries: [(sequence: UInt64, entry: Entry)] = []
        var nextSequence: UInt64 = 1
        /// Every entry up to this one has been written (or, when the database failed, given up on).
        var done: UInt64 = 0
        var started = false
        var finishing = false
        var finished = false
        var waiters: [(sequence: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
        var health = Health()
    }

    /// Rows held for a retry while the database fails: a day of busy kiosk, a few MB at most.
    static let maximumHeld = 20_000

    private let store: KioskStore
    /// Guards `state`; its condition wakes the writer thread (new entries) and plain-thread waiters (written).
    private let condition = NSCondition()
    private var state = Queue()
    private let report: @Sendable (Health) -> Void

    /// - Parameter report: called (on the writer's thread) each time the database goes from writable to
    ///   failing or back, so the kiosk can log it once rather than once per row.
    public init(store: KioskStore, report: @escaping @Sendable (Health) -> Void = { _ in }) {
        self.store = store
        self.report = report
    }

    private func locked<T>(_ body: (inout Queue) -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body(&state)
    }

    public var health: Health { locked { $0.health } }

    /// Queues `entry` and returns at once. Never touches the disk.
    @discardableResult
    public func enqueue(_ entry: Entry) -> Ticket {
        locked { q in
            let sequence = q.nextSequence
            q.nextSequence += 1
            q.entries.append((sequence, entry))
            condition.broadcast()
            return Ticket(sequence: sequence)
        }
    }

    /// The ticket of the newest entry queued so far: waiting for it waits for everything before it too.
    public var newest: Ticket { locked { Ticket(sequence: $0.nextSequence - 1) } }

    /// Returns once every entry up to `ticket` has been written (or given up on because the database failed).
    public func written(_ ticket: Ticket) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = locked { q -> Bool in
                if q.done >= ticket.sequence || q.finished { return true }
                q.waiters.append((ticket.sequence, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// `written(_:)` for a plain thread; false when `timeout` passed first.
    public func waitWritten(_ ticket: Ticket, timeout: Double = 30) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while state.done < ticket.sequence && !state.finished {
            guard condition.wait(until: deadline) else { return state.done >= ticket.sequence }
        }
        return true
    }

    /// Starts the writer's own thread: SQLite's sync blocks, and must block neither a press nor the
    /// cooperative thread pool the rest of the daemon runs on.
    public func start() {
        let first = locked { q -> Bool in
            defer { q.started = true }
            return !q.started
        }
        guard first else { return }
        let thread = Thread { [self] in drain() }
        thread.name = "audiogid-store"
        thread.start()
    }

    /// Starts the writer and returns once `finish()` was called and everything enqueued before it is written.
    public func run() async {
        start()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let exited = locked { q -> Bool in
                if q.finished { return true }
                q.exitWaiters.append(continuation)
                return false
            }
            if exited { continuation.resume() }
        }
    }

    /// Stops taking new work once what is queued is written: the last step of a clean shutdown.
    public func finish() {
        locked { q in
            q.finishing = true
            condition.broadcast()
        }
    }

    private func drain() {
        var rows: [UInt64: Int64] = [:]
        var backoff = 0.5
        while true {
            condition.lock()
            while state.entries.isEmpty && !state.finishing { condition.wait() }
            let batch = state.entries
            state.entries.removeAll(keepingCapacity: true)
            let finishing = state.finishing
            condition.unlock()
            guard let last = batch.last else { break }
            do {
                rows = try write(batch.map(\.entry), rows: rows)
                backoff = 0.5
                finished(upTo: last.sequence, health: Health(writable: true, lastError: nil))
            } catch {
                // A busy or full disk: keep the rows (up to a bound) and try again after a pause, so a passing
                // fault loses nothing. Whoever waits for them is answered now; they must not hang on a bad card.
                let kept = finishing ? [] : Array(batch.suffix(Self.maximumHeld))
                locked { q in q.entries.insert(contentsOf: kept, at: 0) }
                finished(upTo: last.sequence, health: Health(writable: false, lastError: "database not writable: \(error)"))
                condition.lock()
                if !state.finishing { _ = condition.wait(until: Date(timeIntervalSinceNow: backoff)) }
                condition.unlock()
                backoff = min(backoff * 2, 60)
            }
        }
        let waiting = locked { q -> [CheckedContinuation<Void, Never>] in
            q.finished = true
            condition.broadcast()
            defer { q.waiters.removeAll(); q.exitWaiters.removeAll() }
            return q.waiters.map(\.continuation) + q.exitWaiters
        }
        waiting.forEach { $0.resume() }
    }

    /// One transaction for the whole batch: one sync however many presses came meanwhile.
    private func write(_ entries: [Entry], rows: [UInt64: Int64]) throws -> [UInt64: Int64] {
        // Only the newest saved state matters.
        let lastState = entries.lastIndex { if case .state = $0 { true } else { false } }
        return try store.queue.write { db in
            var rows = rows
            for (index, entry) in entries.enumerated() {
                switch entry {
                case .playBegan(let token, let record):
                    try record.insert(db)
                    rows[token] = db.lastInsertedRowID
                case .playEnded(let token, let outcome, let secondsHeard, let endedAt):
                    guard let id = rows.removeValue(forKey: token) else { continue }
                    try db.execute(sql: "UPDATE play SET outcome = ?, secondsHeard = ?, endedAt = ? WHERE id = ?",
                                   arguments: [outcome.rawValue, secondsHeard, endedAt, id])
                case .playHeard(let record):
                    try record.insert(db)
                case .state(let state):
                    guard index == lastState else { continue }
                    try KioskStore.save(state, in: db)
                }
            }
            return rows
        }
    }

    private func finished(upTo sequence: UInt64, health: Health) {
        let (ready, changed) = locked { q -> ([CheckedContinuation<Void, Never>], Bool) in
            q.done = sequence
            let changed = q.health.writable != health.writable
            q.health = health
            let ready = q.waiters.filter { $0.sequence <= sequence }.map(\.continuation)
            q.waiters.removeAll { $0.sequence <= sequence }
            condition.broadcast()
            return (ready, changed)
        }
        ready.forEach { $0.resume() }
        if changed { report(health) }
    }
}
