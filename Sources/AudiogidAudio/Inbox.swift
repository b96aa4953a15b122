#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import Synchronization

/// What callers ask of the playback thread. Applied in order, at the next wake-up of the thread.
enum EngineCommand: Sendable {
    case play(URL, LoudnessInfo?, token: UInt64, requestedAt: UInt64)
    case stop
    case pause
    case resume
    case seek(token: UInt64, seconds: Double)
    case volume(Int)
    case shutdown
}

/// Commands from any thread to the playback thread, with a pipe that wakes the thread out of `poll`
/// the moment a command arrives, so a press never waits for the current period to finish.
final class Inbox: Sendable {
    private let queue = Mutex<[EngineCommand]>([])
    /// Read end (polled by the playback thread) and write end of a non-blocking pipe.
    let wakeFD: Int32
    private let signalFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        } else {
            // Without a pipe the thread still sees commands at its next period; it only reacts later.
            fds = [-1, -1]
        }
        wakeFD = fds[0]
        signalFD = fds[1]
    }

    deinit {
        if wakeFD >= 0 { close(wakeFD) }
        if signalFD >= 0 { close(signalFD) }
    }

    func send(_ command: EngineCommand) {
        queue.withLock { $0.append(command) }
        var byte: UInt8 = 1
        _ = write(signalFD, &byte, 1) // A full pipe already means "wake up"; EAGAIN is fine.
    }

    func take() -> [EngineCommand] {
        // Drain the wake-up bytes into a stack buffer: this runs on every wake-up of the playback thread.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { scratch in
            while read(wakeFD, scratch.baseAddress, scratch.count) > 0 {}
        }
        return queue.withLock { commands in
            if commands.isEmpty { return [] }
            defer { commands.removeAll(keepingCapacity: true) }
            return commands
        }
    }

    /// Sleeps until a command arrives, one of `extra` is ready, or `timeoutMilliseconds` pass (-1: no limit).
    /// Fills in the revents of `extra`; returns true when a command (or a timeout) woke it.
    @discardableResult
    func wait(also extra: inout [pollfd], timeoutMilliseconds: Int32) -> Bool {
        if extra.isEmpty { return wait(timeoutMilliseconds: timeoutMilliseconds) }
        var fds = extra
        fds.append(pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0))
        let result = fds.withUnsafeMutableBufferPointer { Self.sleep(on: $0.baseAddress!, $0.count, timeoutMilliseconds) }
        for i in extra.indices { extra[i].revents = fds[i].revents }
        return result <= 0 || fds[fds.count - 1].revents != 0
    }

    /// Sleeps until a command arrives or `timeoutMilliseconds` pass; true either way (nothing else to tell).
    @discardableResult
    func wait(timeoutMilliseconds: Int32) -> Bool {
        var fd = pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)
        _ = Self.sleep(on: &fd, 1, timeoutMilliseconds)
        return true
    }

    private static func sleep(on fds: UnsafeMutablePointer<pollfd>, _ count: Int, _ timeoutMilliseconds: Int32) -> Int32 {
        let result = poll(fds, nfds_t(count), timeoutMilliseconds)
        if result < 0 && errno != EINTR {
            usleep(10_000) // A failing poll must not turn into a busy loop.
        }
        return result
    }
}

/// Monotonic nanoseconds, the clock press times and first-write times are compared on.
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
