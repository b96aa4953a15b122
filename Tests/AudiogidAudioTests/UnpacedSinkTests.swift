import AudiogidAudio
import Foundation
import Synchronization
import Testing

/// An engine configured as paced (the default, what a kiosk uses) whose device turns out to swallow every
/// write at once: ALSA's `file` plugin over `null`, here writing into a named pipe that the test reads as fast
/// as it can. The engine must find that out and write only sound, not idle silence as fast as the CPU allows.
@Suite(.timeLimit(.minutes(3))) struct UnpacedSinkTests {
    @Test func anIdleEngineWritesAlmostNothingAndStillPlaysAClipWhole() async throws {
        let scratch = try Scratch()
        let clip = scratch.url("half-second.wav")
        try writeSine(clip, seconds: 0.5, channels: 2)
        let pipe = try CountingPipe(scratch)
        let engine = captureEngine(device: pipe.device) { $0.paced = true }
        let log = EventLog(engine)
        // Before the fix this engine wrote some 300 MB/s: past this the test fails at once (and leaves the
        // engine spinning into a pipe nobody keeps, rather than filling the disk or hanging on shutdown).
        let buffer = engine.config.bufferFrames * 4 // bytes
        let runaway = 64 * buffer
        engine.start()

        #expect(try await pipe.waitUntil(limit: runaway) { engine.status.deviceOpen }, "the device never opened")
        let atOpen = pipe.bytes
        // Left idle for half a second: a paced device would take 96 KB of silence in that time, this one nothing.
        let idle = Date().addingTimeInterval(0.5)
        _ = try await pipe.waitUntil(limit: runaway) { Date() >= idle }
        let idleBytes = pipe.bytes
        #expect(idleBytes - atOpen <= buffer, "wrote \(idleBytes - atOpen) bytes while idle")
        // What it wrote before it found out is a few periods of silence, not more.
        #expect(idleBytes <= 3 * buffer, "wrote \(idleBytes) bytes before going quiet")

        engine.play(clip, loudness: nil, token: 1)
        let finished = Mutex(false)
        let waiter = Task { try await log.wait { $0.isFinished }; finished.withLock { $0 = true } }
        #expect(try await pipe.waitUntil(limit: runaway) { finished.withLock { $0 } }, "the clip never finished")
        _ = try await waiter.value
        await engine.shutdown()
        let total = try pipe.finish()
        // The clip's 24000 frames, whole, after the idle bytes; nothing after it but what the file plugin still
        // held of the idle silence (it writes the file a buffer at a time).
        #expect(total - idleBytes >= 24000 * 4)
        #expect(total - idleBytes <= 24000 * 4 + 2 * buffer, "wrote \(total - idleBytes) bytes for a 96000-byte clip")
    }
}

/// The read end of a named pipe that `capture_raw` writes into, read as fast as possible on a thread of its
/// own and only counted, so a runaway writer costs no memory or disk.
final class CountingPipe: Sendable {
    let path: URL
    private final class Count: Sendable { let value = Mutex(0) }
    private let count = Count()
    private let ended = DispatchSemaphore(value: 0)

    init(_ scratch: Scratch) throws {
        path = scratch.url("out.pipe")
        guard mkfifo(path.path, 0o600) == 0 else { throw TestFailure("mkfifo failed: \(errno)") }
        let path = self.path.path, count = self.count, ended = self.ended
        Thread {
            // Blocks until the engine opens the pipe for writing; read() returns 0 once it closes it.
            let fd = open(path, O_RDONLY)
            defer { if fd >= 0 { close(fd) }; ended.signal() }
            guard fd >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                count.value.withLock { $0 += n }
            }
        }.start()
    }

    var device: String {
        _ = ALSAFixture.configured
        return "capture_raw:FILE=\"\(path.path)\""
    }

    var bytes: Int { count.value.withLock { $0 } }

    /// Waits until `condition` holds (true) or the deadline passes (false); throws as soon as more than
    /// `limit` bytes came out.
    func waitUntil(limit: Int, timeout: Double = 20, _ condition: () -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if bytes > limit { throw TestFailure("the engine wrote \(bytes) bytes, more than \(limit)") }
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(5))
        }
        return condition()
    }

    /// The byte count once the engine has closed the device (call after `shutdown()`).
    func finish(timeout: Double = 20) throws -> Int {
        guard ended.wait(timeout: .now() + timeout) == .success else { throw TestFailure("the pipe was never closed") }
        return bytes
    }
}
