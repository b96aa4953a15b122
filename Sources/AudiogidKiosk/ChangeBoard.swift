import Synchronization

/// Which MPD subsystems changed since each client last asked: what `idle` waits on.
///
/// MPD remembers changes per client from the moment it connects, so a client that calls `idle`
/// after a change hears of it at once. A connection in `idle` leaves a wake-up with the board; `post`
/// calls it once, under the board's lock, when a change the connection waits for arrives. The wake-up
/// hops to the connection's event loop, so the kiosk (which posts under its own lock) never waits.
final class ChangeBoard: Sendable {
    struct Listener: Hashable, Sendable {
        fileprivate let id: Int
    }

    private struct Entry {
        var pending: Set<MPDSubsystem> = []
        var interest: Set<MPDSubsystem> = []
        /// Set while the connection waits in `idle`; taken by the `post` that wakes it.
        var wake: (@Sendable () -> Void)?
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var nextID = 1
    }

    private let state = Mutex(State())

    func register() -> Listener {
        state.withLock { state in
            defer { state.nextID += 1 }
            state.entries[state.nextID] = Entry()
            return Listener(id: state.nextID)
        }
    }

    func unregister(_ listener: Listener) {
        // The wake-up goes too: it holds the connection, which must not outlive its channel.
        _ = state.withLock { $0.entries.removeValue(forKey: listener.id) }
    }

    /// Called by the kiosk under its lock: no allocation beyond growing a pending set, no waiting.
    func post(_ subsystems: Set<MPDSubsystem>) {
        guard !subsystems.isEmpty else { return }
        state.withLock { state in
            var index = state.entries.values.startIndex
            while index != state.entries.values.endIndex {
                state.entries.values[index].pending.formUnion(subsystems)
                let entry = state.entries.values[index]
                if let wake = entry.wake, entry.interest.isEmpty || !entry.interest.isDisjoint(with: subsystems) {
                    state.entries.values[index].wake = nil
                    wake()
                }
                state.entries.values.formIndex(after: &index)
            }
        }
    }

    /// Takes the pending changes among `interest` (all when empty), leaving the others pending.
    func take(_ listener: Listener, interest: Set<MPDSubsystem>) -> Set<MPDSubsystem> {
        state.withLock { state in
            guard var entry = state.entries[listener.id] else { return [] }
            let taken = interest.isEmpty ? entry.pending : entry.pending.intersection(interest)
            entry.pending.subtract(taken)
            entry.wake = nil
            state.entries[listener.id] = entry
            return taken
        }
    }

    /// Takes the pending changes among `interest` if there are any; otherwise leaves `wake` to be called
    /// once when one arrives, and returns none.
    func waitForChanges(_ listener: Listener, interest: Set<MPDSubsystem>,
                        wake: @escaping @Sendable () -> Void) -> Set<MPDSubsystem> {
        state.withLock { state in
            guard var entry = state.entries[listener.id] else { return [] }
            let taken = interest.isEmpty ? entry.pending : entry.pending.intersection(interest)
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
    func stopWaiting(_ listener: Listener) {
        state.withLock { $0.entries[listener.id]?.wake = nil }
    }
}
