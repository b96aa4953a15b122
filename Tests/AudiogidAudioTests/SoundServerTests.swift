import AudiogidAudio
import AudiogidTestSupport
import Foundation
import Testing

/// The engine through a real sound server: a private PulseAudio with a null sink (it plays at wall-clock
/// speed), reached through ALSA's `pulse` PCM, its output recorded from the sink's monitor with parec.
/// This is the path where the engine sleeps on a timer between refills and switches to a standby stream
/// on a press.
@Suite(.serialized, .timeLimit(.minutes(3))) struct SoundServerTests {
    @Test func aClipPlaysWholeAndUnbrokenThroughTheServer() async throws {
        let server = try PrivateSoundServer.shared()
        let scratch = try Scratch()
        let clip = scratch.url("tone.wav")
        try writeSine(clip, seconds: 1.5, channels: 2, frequency: 1000, amplitude: 0.4)

        let recorder = try await server.record(into: scratch.url("heard.raw"))
        let engine = server.engine()
        let log = EventLog(engine)
        engine.start()
        engine.play(clip, loudness: unity, token: 1)
        try await log.wait { $0.isFinished && $0.token == 1 }
        try await recorder.record(milliseconds: 300) // the clip's end, on its way through the server
        let heard = try recorder.stop()
        await engine.shutdown()

        let levels = heard.levels()
        let sounding = levels.indices.filter { levels[$0] > 0.1 }
        let first = try #require(sounding.first), last = try #require(sounding.last)
        // 1.5 s of tone in 1 ms windows (the fades take 6 ms at each end), and not one silent window inside it:
        // the timer-paced refills kept the server's buffer from running dry.
        #expect(abs(Double(last - first + 1) - 1500) <= 12, "heard \(last - first + 1) ms of a 1500 ms clip")
        let dropouts = (first ... last).filter { levels[$0] < 0.1 }
        #expect(dropouts.isEmpty, "\(dropouts.count) silent windows inside the clip, from \(dropouts.prefix(10)) ms")
        #expect(engine.status.underruns == 0)
    }

    @Test func everyPressIsHeardAtOnceAndReplacesTheClipWithoutAGap() async throws {
        let server = try PrivateSoundServer.shared()
        let scratch = try Scratch()
        // Four clips, each a 1 kHz tone at its own level, so the recording tells which one is playing. They are
        // long enough never to end during the test, however late a loaded machine lets the presses come.
        let amplitudes: [Double] = [0.15, 0.3, 0.45, 0.6]
        var clips: [URL] = []
        for (i, amplitude) in amplitudes.enumerated() {
            let clip = scratch.url("level\(i).wav")
            try writeSine(clip, seconds: 20, channels: 2, frequency: 1000, amplitude: amplitude)
            clips.append(clip)
        }

        let recorder = try await server.record(into: scratch.url("heard.raw"))
        let engine = server.engine()
        let log = EventLog(engine)
        engine.start()
        engine.play(clips[0], loudness: unity, token: 100)
        try await log.wait { $0.isStarted && $0.token == 100 }
        try await recorder.record(milliseconds: 400)
        // Eight presses 250 ms apart, each while the previous clip plays: the first ones switch to the prepared
        // standby stream, the later ones also reuse the stream retired by the press before.
        let order = [1, 2, 3, 0, 2, 1, 3, 0]
        for (n, index) in order.enumerated() {
            engine.play(clips[index], loudness: unity, token: UInt64(n + 1))
            try await log.wait { $0.isStarted && $0.token == UInt64(n + 1) }
            try await recorder.record(milliseconds: 250)
        }
        engine.stop()
        try await recorder.record(milliseconds: 300)
        let heard = try recorder.stop()
        await engine.shutdown()

        // The levels heard, as runs of 1 ms windows at one clip's level (a sine's RMS is its amplitude / √2).
        let levels = heard.levels()
        func clipAt(_ window: Int) -> Int? {
            amplitudes.firstIndex { abs(levels[window] - $0 / 2.squareRoot()) < 0.02 }
        }
        var runs: [(clip: Int, start: Int, length: Int)] = []
        for w in levels.indices {
            guard let c = clipAt(w) else { continue }
            if let last = runs.last, last.clip == c, last.start + last.length >= w - 1 {
                runs[runs.count - 1].length = w - last.start + 1
            } else {
                runs.append((c, w, 1))
            }
        }
        let steady = runs.filter { $0.length >= 100 }
        #expect(steady.map(\.clip) == [0] + order, "heard clips \(steady.map(\.clip)) (runs \(steady.prefix(12)))")
        // Between one clip and the next only the crossfade: no window of silence, and at most ~10 ms of neither
        // level (the 6 ms fades, the sum of the two while they overlap).
        for (a, b) in zip(steady, steady.dropFirst()) {
            let seam = (a.start + a.length) ..< b.start
            let silent = seam.filter { levels[$0] < 0.02 }
            #expect(silent.isEmpty, "silence at \(silent.prefix(10)) ms between clip \(a.clip) and clip \(b.clip)")
            #expect(seam.count <= 12, "\(seam.count) ms of seam between clip \(a.clip) and clip \(b.clip)")
        }
        #expect(engine.status.underruns == 0)
    }

    private let unity = LoudnessInfo(integratedLUFS: -18, truePeakDBTP: -100) // play test clips at 0 dB gain
}

/// One PulseAudio server for the whole test process, with its own folders and socket, never the user's.
final class PrivateSoundServer: @unchecked Sendable {
    let folder: URL
    private var serverPID: pid_t = 0

    private static let lock = NSLock()
    nonisolated(unsafe) private static var instance: Result<PrivateSoundServer, Error>?

    static func shared() throws -> PrivateSoundServer {
        lock.lock()
        defer { lock.unlock() }
        if instance == nil { instance = Result { try PrivateSoundServer() } }
        return try instance!.get()
    }

    private init() throws {
        _ = ALSAFixture.configured // the fixture defines the `pulse` PCM
        folder = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("audiogid-pulse-\(getpid())", isDirectory: true)
        for sub in ["home", "runtime", "state"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let socket = folder.appendingPathComponent("pulse.sock").path
        serverPID = try spawn(realtime("/usr/bin/pulseaudio"),
                              realtimeArguments("/usr/bin/pulseaudio") + ["-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--disable-shm=yes",
                               "--log-level=error",
                               "-L", "module-native-protocol-unix socket=\(socket) auth-anonymous=1",
                               "-L", "module-null-sink sink_name=bench rate=48000 channels=2"],
                              environment: environment)
        // This process's PulseAudio clients (the engine's `pulse` PCM) connect to it, and only to it.
        setenv("PULSE_SERVER", "unix:\(socket)", 1)
        setenv("PULSE_CLIENTCONFIG", "/dev/null", 1)
        for _ in 0 ..< 100 where !FileManager.default.fileExists(atPath: socket) { usleep(50_000) }
        guard FileManager.default.fileExists(atPath: socket) else { throw TestFailure("PulseAudio did not start") }
        // Keep it for the whole test run; it leaves with the test process.
        atexit { PrivateSoundServer.stopShared() }
    }

    private static func stopShared() {
        if case let .success(server)? = instance { kill(server.serverPID, SIGKILL) }
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = folder.appendingPathComponent("home").path
        env["PULSE_RUNTIME_PATH"] = folder.appendingPathComponent("runtime").path
        env["PULSE_STATE_PATH"] = folder.appendingPathComponent("state").path
        env["XDG_RUNTIME_DIR"] = folder.appendingPathComponent("runtime").path
        env["PULSE_SERVER"] = "unix:" + folder.appendingPathComponent("pulse.sock").path
        return env
    }

    /// An engine with the kiosk defaults, playing to this server.
    func engine() -> AudioEngine {
        AudioEngine(config: AudioOutputConfig(device: "pulse"), logger: quietLogger())
    }

    /// Starts recording what reaches the sink, as raw 48 kHz stereo 16-bit, until `stop`; returns once the
    /// recording is under way (the engine must not play before it).
    func record(into file: URL) async throws -> MonitorRecorder {
        let recorder = try MonitorRecorder(file: file, environment: environment)
        guard await Wait.until(3, every: .milliseconds(10), { recorder.recordedBytes > 0 }) else {
            throw TestFailure("parec recorded nothing from bench.monitor within 3 s")
        }
        return recorder
    }
}

/// parec on the null sink's monitor: what a listener at the speaker would hear, at wall-clock pace.
final class MonitorRecorder {
    private let file: URL
    private let pid: pid_t

    init(file: URL, environment: [String: String]) throws {
        self.file = file
        let fd = open(file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw TestFailure("cannot create \(file.path)") }
        defer { close(fd) }
        pid = try spawn(realtime("/usr/bin/parec"), realtimeArguments("/usr/bin/parec") + ["-d", "bench.monitor", "--raw", "--format=s16le", "--rate=48000",
                                           "--channels=2", "--latency-msec=5"],
                        environment: environment, standardOutput: fd)
    }

    /// Returns once `milliseconds` more of the sink's sound are in the recording: the test's clock is the
    /// recording's own, however late a loaded machine runs the test.
    func record(milliseconds: Int, timeout: Double = 30) async throws {
        let want = recordedBytes + milliseconds * 48 * 4
        guard await Wait.until(timeout, every: .milliseconds(2), { recordedBytes >= want }) else {
            throw TestFailure("parec recorded nothing for \(timeout) s")
        }
    }

    fileprivate var recordedBytes: Int {
        (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
    }

    func stop() throws -> Recording {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let data = try Data(contentsOf: file)
        let samples = data.withUnsafeBytes { raw in
            raw.bindMemory(to: Int16.self).map { Float(Int16(littleEndian: $0)) / 32768 }
        }
        return Recording(rate: 48000, channels: 2, samples: samples)
    }
}

/// glibc's posix_spawn_file_actions_addclosefrom_np (2.34 and later), which Swift's Glibc module leaves out.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func spawnActionsCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32

/// Starts a program with posix_spawn (Foundation's Process waits for its children one at a time, so a
/// long-lived server would keep a short-lived recorder from ever being seen to exit). Its stdout goes to `standardOutput`
/// or /dev/null, its stderr to /dev/null.
/// The engine's playback thread runs real-time where it may (root, or LimitRTPRIO), so a loaded machine does not
/// starve it; the sound server and the recorder get the same where they may, or the test would hear their stalls
/// as the engine's. As root they start under `chrt -f 10`; otherwise as they are.
private func realtime(_ program: String) -> String { geteuid() == 0 ? "/usr/bin/chrt" : program }
private func realtimeArguments(_ program: String) -> [String] { geteuid() == 0 ? ["-f", "10", program] : [] }

private func spawn(_ path: String, _ arguments: [String], environment: [String: String],
                   standardOutput: Int32? = nil) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let standardOutput {
        posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
    } else {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    }
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    // Nothing else of this process's: a write end of another test's capture pipe held open by the child would
    // keep that test from ever seeing the end of its recording.
    _ = spawnActionsCloseFrom(&actions, 3)
    // The test runs on a worker thread that blocks signals; the child must not inherit that, or it would
    // never see the SIGTERM that stops it.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t(), defaults = sigset_t()
    sigemptyset(&none)
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGPIPE] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
    guard result == 0 else { throw TestFailure("cannot start \(path): \(String(cString: strerror(result)))") }
    return pid
}

extension Recording {
    /// RMS of the left channel in consecutive 1 ms windows.
    func levels() -> [Double] {
        let window = rate / 1000
        return samples.withUnsafeBufferPointer { x in
            (0 ..< frames / window).map { w in
                var sum = 0.0
                for f in w * window ..< (w + 1) * window { sum += Double(x[f * channels]) * Double(x[f * channels]) }
                return (sum / Double(window)).squareRoot()
            }
        }
    }
}
