import AudiogidTestSupport
import AudiogidAudio
import Foundation
import Testing

@Suite(.timeLimit(.minutes(3))) struct FailureTests {
    @Test func corruptClipsFailCleanlyAndTheNextPlayStillWorks() async throws {
        let scratch = try Scratch()
        let text = scratch.url("notes.mp3")
        try "this is a text file, not audio\n".write(to: text, atomically: true, encoding: .utf8)
        let good = scratch.url("good.wav")
        try writeSine(good, seconds: 0.25, rate: 48000, channels: 1)
        let ogg = scratch.url("good.ogg")
        let convert = Process()
        convert.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        convert.arguments = [good.path, ogg.path]
        try convert.run()
        convert.waitUntilExit()
        let truncated = scratch.url("truncated.ogg")
        try Data(try Data(contentsOf: ogg).prefix(200)).write(to: truncated)
        let missing = scratch.url("missing.flac")

        let output = scratch.url("out.wav")
        let engine = captureEngine(output)
        let log = EventLog(engine)
        engine.start()
        engine.play(text, loudness: nil, token: 1)
        engine.play(truncated, loudness: nil, token: 2)
        engine.play(missing, loudness: nil, token: 3)
        for token in UInt64(1) ... 3 { try await log.wait { $0.isFailed && $0.token == token } }
        #expect(!log.events.contains { $0.isStarted })
        engine.play(good, loudness: nil, token: 4)
        try await log.wait { $0 == .finished(token: 4, secondsHeard: 0.25) }
        await engine.shutdown()

        // Nothing of the bad clips was written; the good one was, whole.
        let rec = try Recording(output)
        #expect(rec.frames == 12000)
        if case let .failed(_, message) = log.events.first(where: { $0.token == 1 }) {
            #expect(message.contains("notes.mp3"))
        }
    }

    @Test func aDeviceMissingAtStartIsRetriedAndUsedWhenItAppears() async throws {
        let scratch = try Scratch()
        let clip = scratch.url("c.wav")
        try writeSine(clip, seconds: 0.2, rate: 48000, channels: 1)
        let output = scratch.url("late.wav")
        _ = ALSAFixture.configured
        let config = AudioOutputConfig(device: "audiogid_late", paced: false)
        let engine = AudioEngine(config: config, logger: quietLogger())
        let log = EventLog(engine)
        engine.start()
        try await log.wait { if case .deviceLost = $0 { true } else { false } }
        #expect(!engine.status.deviceOpen)
        // A press while the device is away waits for it rather than being lost.
        engine.play(clip, loudness: nil, token: 1)
        try """
        pcm.audiogid_late { type file slave.pcm { type null } file "\(output.path)" format "wav" }
        """.write(to: ALSAFixture.lateConfig, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: ALSAFixture.lateConfig) }
        try await log.wait { $0 == .deviceRestored }
        try await log.wait { $0.isFinished }
        await engine.shutdown()
        #expect(try Recording(output).frames == 9600)
        // However many attempts failed before the device appeared, it was reported lost once.
        #expect(log.events.filter { if case .deviceLost = $0 { true } else { false } }.count == 1)
    }

    @Test func closeWhenIdleReleasesTheDeviceAndReopensItForTheNextPress() async throws {
        let scratch = try Scratch()
        let first = scratch.url("first.wav")
        let second = scratch.url("second.wav")
        try writeSine(first, seconds: 0.1, rate: 48000, channels: 1)
        try writeSine(second, seconds: 0.3, rate: 48000, channels: 1)
        let output = scratch.url("out.wav")
        let engine = captureEngine(output) { $0.closeWhenIdle = true }
        let log = EventLog(engine)
        engine.start()
        engine.play(first, loudness: nil, token: 1)
        try await log.wait { $0 == .finished(token: 1, secondsHeard: 0.1) }
        _ = await Wait.until(60) { !engine.status.deviceOpen }
        #expect(!engine.status.deviceOpen)
        engine.play(second, loudness: nil, token: 2)
        try await log.wait { $0 == .finished(token: 2, secondsHeard: 0.3) }
        await engine.shutdown()
        // The file plugin starts a new file when the device is opened again: it holds the second clip.
        #expect(try Recording(output).frames == 14400)
        #expect(!log.events.contains { if case .deviceLost = $0 { true } else { false } })
    }

    // The daemon waits for this before READY: right after it, `status` tells the device's real state, never a
    // "closed" for a card the playback thread was only about to open (the driver rig saw that race).
    @Test func deviceTriedReturnsOnceTheStatusTellsWhetherTheDeviceOpened() async throws {
        let scratch = try Scratch()
        let present = captureEngine(scratch.url("out.wav"))
        present.start()
        await present.deviceTried()
        #expect(present.status.deviceOpen, "an existing device is open when deviceTried returns")
        await present.shutdown()

        _ = ALSAFixture.configured
        let missing = AudioEngine(config: AudioOutputConfig(device: "audiogid_never_there", paced: false), logger: quietLogger())
        let log = EventLog(missing)
        missing.start()
        await missing.deviceTried()
        #expect(!missing.status.deviceOpen)
        try await log.wait { if case .deviceLost = $0 { true } else { false } }
        await missing.shutdown()

        // An engine that stopped (or never ran) does not keep its caller waiting.
        let stopped = AudioEngine(config: AudioOutputConfig(device: "null", paced: false), logger: quietLogger())
        await stopped.shutdown()
        await stopped.deviceTried()
    }

    @Test func shutdownWithoutStartReturns() async {
        let engine = AudioEngine(config: AudioOutputConfig(device: "null", paced: false), logger: quietLogger())
        await engine.shutdown()
        #expect(!engine.status.deviceOpen)
    }
}
