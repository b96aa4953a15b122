import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Which MPD subsystems changed since each client last asked: what `idle` waits on.
///
/// MPD remembers changes per client from the moment it connects, so a client that calls `idle`
/// after a change hears of it at once. Each listener owns a pipe the board signals, so a
/// connection can `poll()` its socket (for `noidle`) and its changes together. (A pipe, not an
/// eventfd: Glibc's Swift module does not export eventfd.)
final class ChangeBoard: @unchecked Sendable {
    final class Listener: @unchecked Sendable {
        let id: Int
        /// Readable when changes are pending.
        let eventFD: Int32
        fileprivate let writeFD: Int32
        fileprivate var pending: Set<MPDSubsystem> = []
        fileprivate var signalled = false

        fileprivate init(id: Int, eventFD: Int32, writeFD: Int32) {
            self.id = id
            self.eventFD = eventFD
            self.writeFD = writeFD
        }

        /// Caller holds the board's lock. One byte in the pipe at most, so it never fills.
        fileprivate func signal() {
            guard !signalled else { return }
            signalled = true
            var byte: UInt8 = 1
            _ = write(writeFD, &byte, 1)
        }

        fileprivate func drain() {
            guard signalled else { return }
            signalled = false
            var bytes = [UInt8](repeating: 0, count: 16)
            _ = read(eventFD, &bytes, bytes.count)
        }
    }

    private let lock = NSLock()
    private var listeners: [Int: Listener] = [:]
    private var nextID = 1

    func register() -> Listener? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return lock.withLock {
            defer { nextID += 1 }
            let listener = Listener(id: nextID, eventFD: fds[0], writeFD: fds[1])
            listeners[listener.id] = listener
            return listener
        }
    }

    func unregister(_ listener: Listener) {
        lock.withLock { _ = listeners.removeValue(forKey: listener.id) }
        close(listener.eventFD)
        close(listener.writeFD)
    }

    func post(_ subsystems: Set<MPDSubsystem>) {
        guard !subsystems.isEmpty else { return }
        lock.withLock {
            for listener in listeners.values {
                listener.pending.formUnion(subsystems)
                listener.signal()
            }
        }
    }

    /// Takes the pending changes among `interest` (all when empty), leaving the others pending.
    func take(_ listener: Listener, interest: Set<MPDSubsystem>) -> Set<MPDSubsystem> {
        lock.withLock {
            listener.drain()
            let taken = interest.isEmpty ? listener.pending : listener.pending.intersection(interest)
            // Changes outside the interest stay pending without signalling, or a filtered idle would spin.
            listener.pending.subtract(taken)
            return taken
        }
    }
}
