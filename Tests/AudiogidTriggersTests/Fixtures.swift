import AudiogidPOSIX
#if canImport(Glibc)
import Glibc
#endif
import AudiogidCore
import CAudiogidShim
import Foundation
import Synchronization
@testable import AudiogidTriggers

/// A real kernel pipe: tests write the kernel's binary records into one end, and decoders read the other.
final class Pipe {
    let read: Int32
    let write: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        precondition(Glibc.pipe(&fds) == 0)
        read = fds[0]
        write = fds[1]
        _ = fcntl(read, F_SETFL, fcntl(read, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(read)
        close(write)
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(write, $0.baseAddress, $0.count) }
            precondition(n > 0)
            offset += n
        }
    }

    /// Everything currently in the pipe, as one read() would return it.
    func drain() -> ArraySlice<UInt8> {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(read, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return out[...]
    }
}

/// A pseudo-terminal pair (what a USB serial adapter looks like to the reader), with a stable symlink path
/// to the secondary side so a test can "unplug" (close the primary) and "replug" (a new pty, same link).
final class FakeSerialPort: Sendable {
    let link: String
    /// The primary and secondary fds of the pty plugged in now, or -1 while unplugged.
    private let ends = Mutex<(primary: Int32, secondary: Int32)>((-1, -1))

    init(link: String) {
        self.link = link
        plugIn()
    }

    deinit { unplug() }

    func plugIn() {
        var p: Int32 = -1, s: Int32 = -1
        var buffer = [CChar](repeating: 0, count: 64)
        precondition(audiogid_openpty(&p, &s, &buffer) == 0)
        ends.withLock { $0 = (p, s) }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        unlink(link)
        precondition(symlink(name, link) == 0)
    }

    /// Closing the primary side: the reader's next read fails with EIO, as when a USB adapter is pulled.
    func unplug() {
        let (primary, secondary) = ends.withLock { ends in defer { ends = (-1, -1) }; return ends }
        // The link goes first: closed while the link still named it, the terminal's number could be given to
        // another test's new terminal, and a reader retrying this link would open that one and take its bytes.
        unlink(link)
        if primary >= 0 { close(primary) }
        if secondary >= 0 { close(secondary) }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        let primary = ends.withLock { $0.primary }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(primary, $0.baseAddress, min($0.count, 4096)) }
            // A full pty buffer (the flood test): wait for the reader to drain it.
            if n < 0 && (errno == EAGAIN || errno == EINTR) { usleep(1000); continue }
            precondition(n > 0, "write to pty failed: \(errno)")
            offset += n
        }
    }
}

/// Collects delivered events from a source's thread.
final class EventLog: Sendable {
    private let events = Mutex<[TriggerEvent]>([])

    var all: [TriggerEvent] { events.withLock { $0 } }
    var commands: [String] { all.compactMap(\.command) }

    func append(_ event: TriggerEvent) { events.withLock { $0.append(event) } }

    /// Waits (up to `seconds`) until `condition` holds for the events so far.
    @discardableResult
    func wait(seconds: Double = 5, until condition: ([TriggerEvent]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if events.withLock({ condition($0) }) { return true }
            usleep(2000)
        }
        return events.withLock { condition($0) }
    }

    /// The same for async tests: it suspends between looks instead of blocking one of the few threads the
    /// concurrency pool has (two on a 2-core machine), which starved every other async test of the run.
    @discardableResult
    func wait(seconds: Double = 5, until condition: ([TriggerEvent]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if events.withLock({ condition($0) }) { return true }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return events.withLock { condition($0) }
    }
}

func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "audiogid-triggers-\(UUID().uuidString.prefix(8))"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

let ms: UInt64 = 1_000_000

/// The riverboat demo tour's stops, as tours/teplokhodik/tour.yaml gives them.
let teplokhodik = Tour(id: "teplokhodik", languages: ["ru", "zh", "en"], mode: .boat, stops: [
    Stop(id: "rechnoy-vokzal", number: 1, location: Coordinate(lat: 50.2574, lon: 127.5160), radiusM: 250),
    Stop(id: "vid-na-heihe", number: 2, location: Coordinate(lat: 50.2553, lon: 127.5262), radiusM: 250),
    Stop(id: "triumfalnaya-arka", number: 3, location: Coordinate(lat: 50.2536, lon: 127.5365), radiusM: 250),
    Stop(id: "naberezhnaya", number: 4, location: Coordinate(lat: 50.2512, lon: 127.5468), radiusM: 250),
    Stop(id: "pogranichniki", number: 5, location: Coordinate(lat: 50.2481, lon: 127.5577), radiusM: 250),
    Stop(id: "strelka", number: 6, location: Coordinate(lat: 50.2443, lon: 127.5716), radiusM: 300),
])

/// The Amur channel, about 150 m south of the embankment stops, from 400 m west of the pier to 400 m past the Strelka.
let amurChannel: [Coordinate] = {
    let south = teplokhodik.stops.map { LocalDistance.destination(from: $0.location!, bearing: 180, distance: 150) }
    let start = LocalDistance.destination(from: south[0], bearing: 270, distance: 400)
    let end = LocalDistance.destination(from: south[5], bearing: 100, distance: 400)
    return [start] + south + [end]
}()

/// An fd that can be opened once (a pipe has no path to reopen); later opens fail like a missing device.
final class OneShot: Sendable {
    private let fd: Mutex<Int32?>
    init(_ fd: Int32) { self.fd = Mutex(fd) }
    func take() throws -> Int32 {
        guard let fd = fd.withLock({ value -> Int32? in defer { value = nil }; return value }) else {
            throw SystemCallError("open", "pipe", errno: ENOENT)
        }
        return fd
    }
}

/// Whether the daemon's log has the structured `play` event for this stop (the metadata, not the wording).
func logsPlay(_ log: String, stop: String, clip: String? = nil, source: String) -> Bool {
    log.split(separator: "\n").contains { line in
        line.hasSuffix("] play") && line.contains("stop=\(stop)") && line.contains("source=\(source)")
            && (clip.map { line.contains("clip=\($0)") } ?? true)
    }
}
