import Synchronization

/// What changed since each client last asked: what the control socket's `idle` waits on.
///
/// Like MPD, the board remembers changes per client from the moment it connects, so a client that calls `idle`
/// after a change hears of it at once. A connection in `idle` leaves a wake-up with the board; `post`
/// calls it once, under the board's lock, when a change the connection waits for arrives. The wake-up
/// hops to the connection's event loop, so the kiosk (which posts under its own lock) never waits.
public final class ChangeBoard: Sendable {
    public struct Listener: Hashable, Sendable {
        fileprivate let id: Int
    }

    private struct Entry {
        var pending: Set<KioskChange> = []
        /// nil: every change wakes the connection.
        var interest: Set<KioskChange>?
        /// Set while the connection waits in `idle`; taken by the `post` that wakes it.
        var wake: (@Sendable () -> Void)?
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var nextID = 1
    }

    private let state = Mutex(State())

    public func register() -> Listener {
        state.withLock { state in
            defer { state.nextID += 1 }
            state.entries[state.nextID] = Entry()
            return Listener(id: state.nextID)
        }
    }

    public func unregister(_ listener: Listener) {
        // The wake-up goes too: it holds the connection, which must not outlive its channel.
        _ = state.withLock { $0.entries.removeValue(forKey: listener.id) }
    }

    /// Called by the kiosk under its lock: no allocation beyond growing a pending set, no waiting.
    func post(_ subsystems: Set<KioskChange>) {
        guard !subsystems.isEmpty else { return }
        state.withLock { state in
            var index = state.entries.values.startIndex
            while index != state.entries.values.endIndex {
                state.entries.values[index].pending.formUnion(subsystems)
                let entry = state.entries.values[index]
                if let wake = entry.wake, entry.interest?.isDisjoint(with: subsystems) != true {
                    state.entries.values[index].wake = nil
                    wake()
                }
                state.entries.values.formIndex(after: &index)
            }
        }
    }

    /// Takes the pending changes among `interest` (all when nil), leaving the others pending.
    public func take(_ listener: Listener, interest: Set<KioskChange>?) -> Set<KioskChange> {
        state.withLock { state in
            guard var entry = state.entries[listener.id] else { return [] }
            let taken = interest.map { entry.pending.intersection($0) } ?? entry.pending
            entry.pending.subtract(taken)
            entry.wake = nil
            state.entries[listener.id] = entry
            return taken
        }
    }

    /// Takes the pending changes among `interest` if there are any; otherwise leaves `wake` to be called
    /// once when one arrives, and returns none.
    public func waitForChanges(_ listener: Listener, interest: Set<KioskChange>?,
                               wake: @escaping @Sendable () -> Void) -> Set<KioskChange> {
        state.withLock { state in
            guard var entry = state.entries[listener.id] else { return [] }
            let taken = interest.map { entry.pending.intersection($0) } ?? entry.pending
            if taken.isEmpty {
                entry.interest = interest
                entry.wake = wake
            } else {
                entry.pending.subtract(taken)
            }
            state.entries[listener.id] = entry
            return taken
        }
    }

    /// Withdraws a wake-up left by `waitForChanges` (the client sent `noidle`).
    public func stopWaiting(_ listener: Listener) {
        state.withLock { $0.entries[listener.id]?.wake = nil }
    }
}
