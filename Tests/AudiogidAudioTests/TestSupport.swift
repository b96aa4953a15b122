import AudiogidAudio
import CSndFile
import Foundation
import Logging
import Synchronization
import Testing

/// The ALSA fixture plus a second, optional config file a test can create later (for "device appears").
/// ALSA_CONFIG_PATH is per process, so every test shares these two paths.
enum ALSAFixture {
    static let lateConfig: URL = {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("audiogid-audio-tests-\(getpid())", isDirectory: true)
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("late.conf")
    }()

    static let configured: Void = {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/asound.conf")
        setenv("ALSA_CONFIG_PATH", "\(fixture.path):\(lateConfig.path)", 1)
    }()

    static func captureDevice(_ file: URL) -> String {
        _ = configured
        return "capture:FILE=\"\(file.path)\""
    }
}

/// A fresh folder for one test's clips and output.
struct Scratch {
    let dir: URL
    init() throws {
        dir = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("audiogid-audio-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    func url(_ name: String) -> URL { dir.appendingPathComponent(name) }
}

/// Writes a 16-bit WAV (or, with `format`, another libsndfile format) of a sine, through libsndfile.
func writeSine(_ url: URL, seconds: Double, rate: Int = 48000, channels: Int = 1, frequency: Double = 440,
               amplitude: Double = 0.5, format: Int32 = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)) throws {
    let frames = Int(seconds * Double(rate))
    var samples = [Float](repeating: 0, count: frames * channels)
    for f in 0 ..< frames {
        let v = Float(amplitude * sin(2 * Double.pi * frequency * Double(f) / Double(rate)))
        for c in 0 ..< channels { samples[f * channels + c] = v }
    }
    try writeSamples(url, samples, rate: rate, channels: channels, format: format)
}

func writeSamples(_ url: URL, _ samples: [Float], rate: Int, channels: Int,
                  format: Int32 = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)) throws {
    var info = SF_INFO(frames: 0, samplerate: Int32(rate), channels: Int32(channels), format: format, sections: 0, seekable: 0)
    guard let file = sf_open(url.path, Int32(SFM_WRITE), &info) else {
        throw TestFailure("cannot write \(url.path): \(String(cString: sf_strerror(nil)))")
    }
    defer { sf_close(file) }
    let written = samples.withUnsafeBufferPointer { sf_writef_float(file, $0.baseAddress, sf_count_t(samples.count / channels)) }
    guard written == samples.count / channels else { throw TestFailure("short write to \(url.path)") }
}

/// What the `file` plugin recorded: interleaved samples scaled to ±1.
struct Recording {
    var rate: Int
    var channels: Int
    var samples: [Float]
    var frames: Int { samples.count / channels }

    init(rate: Int, channels: Int, samples: [Float]) {
        self.rate = rate
        self.channels = channels
        self.samples = samples
    }

    init(_ url: URL) throws {
        var info = SF_INFO()
        guard let file = sf_open(url.path, Int32(SFM_READ), &info) else {
            throw TestFailure("no recording at \(url.path): \(String(cString: sf_strerror(nil)))")
        }
        defer { sf_close(file) }
        rate = Int(info.samplerate)
        channels = Int(info.channels)
        samples = [Float](repeating: 0, count: Int(info.frames) * channels)
        _ = samples.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, info.frames) }
    }

    func channel(_ c: Int) -> [Float] { stride(from: c, to: samples.count, by: channels).map { samples[$0] } }

    /// Largest jump between neighbouring samples of channel `c` in `range` (a click shows as a big jump).
    func largestStep(channel c: Int, in range: Range<Int>? = nil) -> Float {
        let x = channel(c)
        let r = range ?? 0 ..< x.count
        var best: Float = 0
        for i in max(r.lowerBound, 1) ..< r.upperBound { best = max(best, abs(x[i] - x[i - 1])) }
        return best
    }

    func peak(channel c: Int, in range: Range<Int>) -> Float {
        let x = channel(c)
        return x[range].reduce(0) { max($0, abs($1)) }
    }

    func rms(channel c: Int, in range: Range<Int>) -> Double {
        let x = channel(c)
        let sum = x[range].reduce(0.0) { $0 + Double($1) * Double($1) }
        return (sum / Double(range.count)).squareRoot()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Collects an engine's events so a test can wait for one with a deadline.
final class EventLog: Sendable {
    private final class Seen: Sendable { let list = Mutex<[AudioEvent]>([]) }
    private let seen = Seen()
    private let task: Task<Void, Never>

    init(_ engine: AudioEngine) {
        let seen = self.seen
        task = Task {
            for await event in engine.events { seen.list.withLock { $0.append(event) } }
        }
    }

    var events: [AudioEvent] { seen.list.withLock { $0 } }

    /// Waits until an event matching `predicate` arrives; fails the test after `timeout` seconds.
    /// The limit is generous because the whole package's tests share two cores and a small pool of threads:
    /// a test here may not be scheduled for seconds while others block theirs.
    @discardableResult
    func wait(timeout: Double = 60, sourceLocation: SourceLocation = #_sourceLocation,
              _ predicate: (AudioEvent) -> Bool) async throws -> AudioEvent {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let hit = events.first(where: predicate) { return hit }
            try await Task.sleep(for: .milliseconds(2))
        }
        if let hit = events.first(where: predicate) { return hit }
        Issue.record("no matching event in \(timeout) s; saw \(events)", sourceLocation: sourceLocation)
        throw TestFailure("timeout")
    }
}

func quietLogger() -> Logger {
    var logger = Logger(label: "audiogid.audio.test")
    logger.logLevel = .critical
    return logger
}

/// An engine writing into the capture plugin: unpaced, 48 kHz stereo unless `configure` says otherwise.
func captureEngine(_ output: URL, _ configure: (inout AudioOutputConfig) -> Void = { _ in }) -> AudioEngine {
    captureEngine(device: ALSAFixture.captureDevice(output), configure)
}

func captureEngine(device: String, _ configure: (inout AudioOutputConfig) -> Void = { _ in }) -> AudioEngine {
    var config = AudioOutputConfig(device: device, paced: false)
    configure(&config)
    return AudioEngine(config: config, logger: quietLogger())
}

extension AudioEvent {
    var token: UInt64? {
        switch self {
        case let .started(t), let .finished(t, _), let .interrupted(t, _), let .failed(t, _): t
        default: nil
        }
    }
    var isFinished: Bool { if case .finished = self { true } else { false } }
    var isStarted: Bool { if case .started = self { true } else { false } }
    var isInterrupted: Bool { if case .interrupted = self { true } else { false } }
    var isFailed: Bool { if case .failed = self { true } else { false } }
}

/// A named pipe the engine plays into (through `capture_raw`), read by the test: the engine can only get as far
/// ahead as the pipe holds (64 KiB, about a third of a second), so a test can stop or preempt a clip that is
/// certainly still playing, however loaded the machine is.
final class PipeCapture: @unchecked Sendable {
    let path: URL
    let channels = 2
    private let fd: Int32
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private var drained = false
    private var drainThread: Thread?
    private let done = DispatchSemaphore(value: 0)

    init(_ scratch: Scratch) throws {
        path = scratch.url("out.pipe")
        guard mkfifo(path.path, 0o600) == 0 else { throw TestFailure("mkfifo failed: \(errno)") }
        // Opened for reading without waiting for a writer; reads block once the engine has opened it.
        fd = open(path.path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw TestFailure("cannot open \(path.path)") }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    }

    deinit { close(fd) }

    var device: String {
        _ = ALSAFixture.configured
        return "capture_raw:FILE=\"\(path.path)\""
    }

    /// Reads until `frames` frames have come out (the engine is then certainly past them).
    func read(frames: Int, timeout: Double = 60) throws {
        let want = frames * channels * 2
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while bytes.count < want {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, min($0.count, want - bytes.count)) }
            if n > 0 { bytes.append(contentsOf: buffer[0 ..< n]); continue }
            // 0 before the engine has opened the pipe (no writer yet): wait for it.
            guard Date() < deadline else { throw TestFailure("only \(bytes.count) of \(want) bytes came out") }
            usleep(1000)
        }
    }

    /// Reads everything else in the background until the engine closes the device. `atRealRate` takes the
    /// samples no faster than a 48 kHz card would play them, so an unpaced engine cannot race far ahead of
    /// what a test asked of it (a stop that a loaded machine delivers late still finds the clip early on).
    func drainInBackground(atRealRate: Bool = false) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: atRealRate ? 4800 * 4 : 65536)
            let started = Date()
            var taken = 0
            while true {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                lock.lock(); bytes.append(contentsOf: buffer[0 ..< n]); lock.unlock()
                taken += n
                if atRealRate {
                    // The card's clock: the next read waits until what was taken would have played.
                    Thread.sleep(until: started.addingTimeInterval(Double(taken / (channels * 2)) / 48000))
                }
            }
            done.signal()
        }
        thread.start()
    }

    /// Waits for the end of the stream (call after `engine.shutdown()`), as a recording.
    func finish() -> Recording {
        done.wait()
        lock.lock(); defer { lock.unlock() }
        let count = bytes.count / 2
        var samples = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for i in 0 ..< count {
                samples[i] = Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: i * 2, as: Int16.self))) / 32768
            }
        }
        return Recording(rate: 48000, channels: channels, samples: samples)
    }
}
