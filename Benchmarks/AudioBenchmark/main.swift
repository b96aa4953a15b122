// Audio benchmarks (see Benchmarks/audio-benchmark.sh, which sets up the private PulseAudio sink and mpd;
// the CPU/RSS subject is the separate, Foundation-free `audio-play-benchmark`):
//   audio-benchmark latency --device pulse --monitor SINK.monitor --loud A.wav --quiet B.wav
//                           [--presses 120] [--mpd-socket PATH] [--aplay-presses 30]
//   audio-benchmark recovery --device pulse --clip X.wav   print events while the server is killed and restarted
// Press-to-sound latency: from the command entering the player to the clip's first sample at the sink
// (parec-timestamped), over presses from idle and presses that preempt a playing clip.
import AudiogidAudio
import Foundation
import Logging

let arguments = Array(CommandLine.arguments.dropFirst())
nonisolated func option(_ name: String, _ fallback: String? = nil) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return fallback }
    return arguments[i + 1]
}

var logger = Logger(label: "audio-benchmark")
logger.logLevel = .warning
let mode = arguments.first ?? ""
let device = option("--device", "pulse")!
let verbose = arguments.contains("--verbose")

switch mode {
case "latency":
    let monitor = option("--monitor", "bench.monitor")!
    let loud = URL(fileURLWithPath: option("--loud")!)
    let quiet = URL(fileURLWithPath: option("--quiet")!)
    let presses = Int(option("--presses", "120")!)!
    let aplayPresses = Int(option("--aplay-presses", "30")!)!
    let loudSeconds = Double(option("--loud-seconds", "0.3")!)!
    let capture = try Capture(monitor: monitor)
    sleepMilliseconds(500)
    let threshold: Float = 0.02 // the loud clip sits at 0.5, the quiet bed at 0.004

    struct Result { var idle: [Double] = []; var preempt: [Double] = []; var engineShare: [Double] = []; var missed = 0 }
    func report(_ name: String, _ r: Result) -> String {
        let all = r.idle + r.preempt
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var line = "\(name): n=\(all.count) p50=\(f(percentile(all, 50))) ms p99=\(f(percentile(all, 99))) ms"
            + " | idle p50=\(f(percentile(r.idle, 50))) p99=\(f(percentile(r.idle, 99)))"
            + " | preempt p50=\(f(percentile(r.preempt, 50))) p99=\(f(percentile(r.preempt, 99)))"
        if !r.engineShare.isEmpty {
            line += String(format: " | engine's own part p50=%.3f ms p99=%.3f ms", percentile(r.engineShare, 50),
                           percentile(r.engineShare, 99))
        }
        if r.missed > 0 { line += " | missed \(r.missed)" }
        return line
    }
    func gap() { sleepMilliseconds(Double.random(in: 150 ... 300)) }

    // Audiogid's engine, in this process.
    var engineResult = Result()
    do {
        // Default: the engine's own choice (10 ms periods; on a sound server 100 ms, 4 of them). --period-ms forces one.
        var config = AudioOutputConfig(device: device)
        if let periodMs = option("--period-ms").flatMap(Int.init) {
            let bufferMs = Int(option("--buffer-ms", "\(4 * periodMs)")!)!
            config = AudioOutputConfig(device: device, periodFrames: periodMs * 48, bufferFrames: bufferMs * 48,
                                       serverPeriodMilliseconds: nil)
        }
        config.targetLUFS = -18
        let unity = LoudnessInfo(integratedLUFS: -18, truePeakDBTP: -100) // play the test clips at 0 dB gain
        let engine = AudioEngine(config: config, logger: logger)
        engine.start()
        // As the daemon does for the current tour: the clips' first few hundred milliseconds are decoded ahead.
        engine.prepare([loud, quiet])
        // Like mpd below: the output is opened and has played once before timing starts (a kiosk opens its
        // device at boot; a fresh PulseAudio stream takes about 1.5 s to start playing at all).
        engine.play(quiet, loudness: unity, token: 0)
        sleepMilliseconds(1500)
        engine.stop()
        sleepMilliseconds(500)
        var token: UInt64 = 0
        func press(_ clip: URL) -> UInt64 {
            token += 1
            let t = nowNanoseconds()
            engine.play(clip, loudness: unity, token: token)
            return t
        }
        for i in 0 ..< presses {
            let preempt = i % 2 == 1
            if preempt { _ = press(quiet); gap() }
            let t = press(loud)
            guard let latency = capture.onset(after: t, threshold: threshold) else { engineResult.missed += 1; continue }
            let ms = Double(latency) / 1e6
            if preempt { engineResult.preempt.append(ms) } else { engineResult.idle.append(ms) }
            if let share = engine.status.lastStartLatency { engineResult.engineShare.append(share * 1000) }
            if verbose { print(String(format: "press %d %@: %.2f ms (engine %.3f ms)", i, preempt ? "preempt" : "idle", ms, (engine.status.lastStartLatency ?? -1) * 1000)) }
            sleepMilliseconds(loudSeconds * 1000)
            gap()
        }
        await engine.shutdown()
    }
    print(report("audiogid engine (\(option("--period-ms").map { "\($0) ms periods" } ?? "default: 100 ms periods x 4 on a sound server"))", engineResult))

    // The engine's own part without a sound server's round trips: ALSA's `null` PCM (no IPC; drop, prepare
    // and write are plain library calls, as on a sound card), command entering the engine to first write returned.
    if option("--period-ms") == nil {
        let engine = AudioEngine(config: AudioOutputConfig(device: "null", paced: false), logger: logger)
        engine.start()
        let unity = LoudnessInfo(integratedLUFS: -18, truePeakDBTP: -100)
        var own: [Double] = []
        var last: Double?
        for i in 0 ..< presses {
            engine.play(loud, loudness: unity, token: UInt64(i + 1))
            var waited = 0
            while engine.status.lastStartLatency == last && waited < 1000 { sleepMilliseconds(1); waited += 1 }
            last = engine.status.lastStartLatency
            if let l = last { own.append(l * 1000) }
            sleepMilliseconds(Double.random(in: 5 ... 20))
        }
        await engine.shutdown()
        print(String(format: "audiogid engine's own part on ALSA's null PCM: n=%d p50=%.3f ms p99=%.3f ms", own.count,
                     percentile(own, 50), percentile(own, 99)))
    }

    if let socketPath = option("--mpd-socket") {
        var mpdResult = Result()
        let mpd = try MPDClient(socketPath: socketPath)
        try mpd.send("clear")
        try mpd.send("single 1")
        try mpd.send("repeat 0")
        func id(_ reply: [String]) -> String { reply.first { $0.hasPrefix("Id: ") }!.dropFirst(4).description }
        let loudID = id(try mpd.send("addid \"file://\(loud.path)\""))
        let quietID = id(try mpd.send("addid \"file://\(quiet.path)\""))
        try mpd.send("playid \(quietID)") // open the output once before timing
        sleepMilliseconds(1000)
        try mpd.send("stop")
        sleepMilliseconds(500)
        for i in 0 ..< presses {
            let preempt = i % 2 == 1
            if preempt { try mpd.send("playid \(quietID)"); gap() }
            let t = nowNanoseconds()
            try mpd.send("playid \(loudID)")
            guard let latency = capture.onset(after: t, threshold: threshold) else { mpdResult.missed += 1; continue }
            let ms = Double(latency) / 1e6
            if preempt { mpdResult.preempt.append(ms) } else { mpdResult.idle.append(ms) }
            sleepMilliseconds(loudSeconds * 1000)
            gap()
        }
        try mpd.send("stop")
        print(report("mpd (MPD protocol on its socket)", mpdResult))

        // The same through the mpc command, as a button script would run it: a process start per press.
        var mpcResult = Result()
        func mpc(_ args: [String]) throws -> UInt64 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/mpc")
            process.arguments = ["-q"] + args
            process.environment = ["MPD_HOST": socketPath]
            let t = nowNanoseconds()
            try process.run()
            process.waitUntilExit()
            return t
        }
        for i in 0 ..< presses {
            let preempt = i % 2 == 1
            if preempt { _ = try mpc(["play", "2"]); gap() }
            let t = try mpc(["play", "1"])
            guard let latency = capture.onset(after: t, threshold: threshold) else { mpcResult.missed += 1; continue }
            let ms = Double(latency) / 1e6
            if preempt { mpcResult.preempt.append(ms) } else { mpcResult.idle.append(ms) }
            sleepMilliseconds(loudSeconds * 1000)
            gap()
        }
        _ = try mpc(["stop"])
        print(report("mpd + mpc (a process per press)", mpcResult))
    }

    if aplayPresses > 0 {
        var aplayResult = Result()
        for _ in 0 ..< aplayPresses {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/aplay")
            process.arguments = ["-q", "-D", device, loud.path]
            let t = nowNanoseconds()
            try process.run()
            if let latency = capture.onset(after: t, threshold: threshold) {
                aplayResult.idle.append(Double(latency) / 1e6)
            } else {
                aplayResult.missed += 1
            }
            process.waitUntilExit()
            gap()
        }
        print(report("aplay (process start, device open, write)", aplayResult))
    }
    print(String(format: "parec delivered every %.1f ms (the timing resolution)", capture.medianChunkMilliseconds()))
    capture.stop()

case "volume":
    // Volume change to the level heard at the sink: a long block at 0.5, volume 100 -> 50 (0.125 amplitude)
    // and back, timed like a press. Without rewriting the queue this would take a whole buffer.
    let monitor = option("--monitor", "bench.monitor")!
    let clip = URL(fileURLWithPath: option("--clip")!)
    let changes = Int(option("--changes", "20")!)!
    let capture = try Capture(monitor: monitor)
    let engine = AudioEngine(config: AudioOutputConfig(device: device), logger: logger)
    engine.start()
    engine.play(clip, loudness: LoudnessInfo(integratedLUFS: -18, truePeakDBTP: -100), token: 1)
    sleepMilliseconds(2500)
    var delays: [Double] = []
    for i in 0 ..< changes {
        let down = i % 2 == 0
        let t = nowNanoseconds()
        engine.setVolume(down ? 50 : 100)
        // Down: the level falls under 0.2 (from 0.5); up: it rises over 0.2 again.
        if let d = capture.onset(after: t, threshold: 0.2, below: down) { delays.append(Double(d) / 1e6) }
        sleepMilliseconds(Double.random(in: 150 ... 300))
    }
    await engine.shutdown()
    capture.stop()
    print(String(format: "volume change heard after: n=%d p50=%.1f ms p99=%.1f ms", delays.count,
                 percentile(delays, 50), percentile(delays, 99)))

case "recovery":
    // Plays a clip and prints every event with its time, for Benchmarks/audio-recovery.sh, which kills and
    // restarts the sound server under it (a USB card pulled and plugged back).
    let clip = URL(fileURLWithPath: option("--clip")!)
    let limit = Double(option("--seconds", "30")!)!
    let engine = AudioEngine(config: AudioOutputConfig(device: device), logger: logger)
    let started = nowNanoseconds()
    func stamp() -> String { String(format: "%6.2f s", Double(nowNanoseconds() - started) / 1e9) }
    engine.start()
    engine.play(clip, loudness: LoudnessInfo(integratedLUFS: -18, truePeakDBTP: -100), token: 1)
    let watchdog = Task {
        try await Task.sleep(for: .seconds(limit))
        print("\(stamp()) gave up waiting"); exit(1)
    }
    for await event in engine.events {
        print("\(stamp()) \(event)  [device open: \(engine.status.deviceOpen), position \(String(format: "%.2f", engine.status.position)) s]")
        fflush(nil) // nil: every stream (naming stdout is not concurrency-safe in Swift 6)
        if case .finished = event { break }
        if case .failed = event { break }
    }
    watchdog.cancel()
    await engine.shutdown()

default:
    print("usage: audio-benchmark latency --monitor SINK.monitor --loud A.wav --quiet B.wav ...")
    exit(2)
}
