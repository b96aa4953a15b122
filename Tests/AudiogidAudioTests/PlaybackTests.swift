import AudiogidTestSupport
@testable import AudiogidAudio
import CSndFile
import Foundation
import Testing

/// The real engine playing into the real libasound `file` plugin; assertions on the samples that come out.
@Suite(.timeLimit(.minutes(3))) struct PlaybackTests {
    @Test func monoClipAtAnotherRateComesOutAtTheOutputRateOnBothSpeakers() async throws {
        let scratch = try Scratch()
        let clip = scratch.url("mono22k.wav")
        try writeSine(clip, seconds: 1.0, rate: 22050, channels: 1, frequency: 300, amplitude: 0.5)
        let output = scratch.url("out.wav")
        let engine = captureEngine(output)
        let log = EventLog(engine)
        engine.start()
        engine.play(clip, loudness: nil, token: 1)
        let finished = try await log.wait { $0.isFinished }
        await engine.shutdown()

        let rec = try Recording(output)
        #expect(rec.rate == 48000)
        #expect(rec.channels == 2)
        // 22050 frames at 22.05 kHz = exactly 1 s = 48000 frames at 48 kHz (soxr may round by a frame).
        #expect(abs(rec.frames - 48000) <= 2)
        if case let .finished(_, seconds) = finished { #expect(abs(seconds - 1.0) < 0.01) }
        #expect(rec.channel(0) == rec.channel(1))
        // The middle is the sine at its own level: resampled, not stretched or attenuated.
        let mid = 12000 ..< 36000
        #expect(abs(rec.peak(channel: 0, in: mid) - 0.5) < 0.01)
        #expect(abs(rec.rms(channel: 0, in: mid) - 0.5 / 2.0.squareRoot()) < 0.005)
    }

    @Test func startAndNaturalEndRampInsteadOfClicking() async throws {
        let scratch = try Scratch()
        let clip = scratch.url("square.wav")
        // A full-level constant (DC) clip: without fades the output would jump 0 → 0.8 → 0 at once.
        try writeSamples(clip, [Float](repeating: 0.8, count: 4800), rate: 48000, channels: 1)
        let output = scratch.url("out.wav")
        let engine = captureEngine(output) { $0.fadeMilliseconds = 5 }
        let log = EventLog(engine)
        engine.start()
        engine.play(clip, loudness: nil, token: 1)
        try await log.wait { $0.isFinished }
        await engine.shutdown()

        let rec = try Recording(output)
        let left = rec.channel(0)
        #expect(rec.frames == 4800)
        let fade = 240 // 5 ms at 48 kHz
        #expect(abs(left[0]) < 0.01)
        #expect(abs(left[rec.frames - 1]) < 0.01)
        // Rising over the fade-in, falling over the fade-out, full level between.
        for i in 1 ..< fade { #expect(left[i] >= left[i - 1]) }
        for i in (rec.frames - fade) ..< rec.frames { #expect(left[i] <= left[i - 1]) }
        #expect(abs(left[fade + 10] - 0.8) < 0.001)
        #expect(abs(left[fade / 2] - 0.4) < 0.05)
        // The biggest step anywhere is a small fraction of the level: no click.
        #expect(rec.largestStep(channel: 0) < 0.02)
    }

    @Test func aNewPlayCutsTheOldClipWithAFadeAndPlaysTheNewOneWhole() async throws {
        let scratch = try Scratch()
        let long = scratch.url("long.wav")
        let short = scratch.url("short.wav")
        try writeSine(long, seconds: 60, rate: 48000, channels: 2, frequency: 440, amplitude: 0.5)
        try writeSine(short, seconds: 0.5, rate: 48000, channels: 2, frequency: 880, amplitude: 0.5)
        let pipe = try PipeCapture(scratch)
        let engine = captureEngine(device: pipe.device)
        let log = EventLog(engine)
        engine.start()
        engine.play(long, loudness: nil, token: 1)
        try pipe.read(frames: 9600) // 0.2 s of the long clip is out: it is playing
        engine.play(short, loudness: nil, token: 2)
        pipe.drainInBackground()
        try await log.wait { $0 == .finished(token: 2, secondsHeard: 0.5) }
        await engine.shutdown()
        let rec = pipe.finish()

        let events = log.events.filter { $0.token != nil }
        #expect(events.count == 4)
        #expect(events[0] == .started(token: 1))
        guard case let .interrupted(1, heard) = events[1] else {
            Issue.record("expected the long clip to be interrupted, got \(events)")
            return
        }
        // Cut within what the pipe and one block hold beyond the 0.2 s read: well under a second, not 60 s.
        #expect(heard >= 0.2 && heard < 1)
        #expect(events[2] == .started(token: 2))

        let newFrames = 24000
        // The old clip was cut: far less than its 60 s came out, and the new one came out whole, at the end.
        #expect(rec.frames < 60 * 48000)
        #expect(rec.frames > newFrames)
        let cutAt = rec.frames - newFrames
        #expect(abs(Double(cutAt) / 48000 - heard) < 0.01)
        // The new clip at full level after its fade-in; the crossfade has no jump bigger than the two sines make.
        #expect(abs(rec.peak(channel: 0, in: (cutAt + 1000) ..< (cutAt + 5000)) - 0.5) < 0.01)
        #expect(rec.largestStep(channel: 0, in: (cutAt - 480) ..< (cutAt + 480)) < 0.2)
        #expect(rec.channel(0) == rec.channel(1))
    }

    @Test func stopFadesOutAndReportsHowMuchWasHeard() async throws {
        let scratch = try Scratch()
        let long = scratch.url("long.wav")
        try writeSine(long, seconds: 60, rate: 48000, channels: 1, frequency: 440, amplitude: 0.5)
        let pipe = try PipeCapture(scratch)
        let engine = captureEngine(device: pipe.device)
        let log = EventLog(engine)
        engine.start()
        engine.play(long, loudness: nil, token: 5)
        try pipe.read(frames: 9600)
        engine.stop()
        pipe.drainInBackground()
        let event = try await log.wait { $0.isInterrupted }
        await engine.shutdown()

        let rec = pipe.finish()
        guard case let .interrupted(5, heard) = event else { Issue.record("got \(event)"); return }
        #expect(heard >= 0.2 && heard < 1)
        #expect(abs(Double(rec.frames) / 48000 - heard) < 0.01)
        #expect(rec.frames < 60 * 48000)
        // The last 6 ms fall to silence; the jump from the last sample to the silence after it is tiny.
        #expect(abs(rec.channel(0)[rec.frames - 1]) < 0.01)
        #expect(rec.peak(channel: 0, in: (rec.frames - 20) ..< rec.frames) < 0.1)
        #expect(rec.peak(channel: 0, in: (rec.frames - 2000) ..< (rec.frames - 1000)) > 0.45)
        #expect(log.events.filter(\.isFinished).isEmpty)
    }

    @Test func pauseAndResumeLoseNothingAndDipAtThePause() async throws {
        let scratch = try Scratch()
        let long = scratch.url("long.wav")
        try writeSamples(long, [Float](repeating: 0.5, count: 48000 * 40), rate: 48000, channels: 1)
        let pipe = try PipeCapture(scratch)
        let engine = captureEngine(device: pipe.device)
        let log = EventLog(engine)
        engine.start()
        engine.play(long, loudness: nil, token: 9)
        try pipe.read(frames: 9600)
        engine.pause()
        pipe.drainInBackground()
        _ = await Wait.until(60, every: .milliseconds(5)) { engine.status.paused }
        let paused = engine.status
        #expect(paused.paused)
        #expect(paused.playing == 9)
        #expect(paused.position > 0.19 && paused.position < 1)
        #expect(log.events.filter(\.isFinished).isEmpty)
        engine.resume()
        try await log.wait { $0.isFinished }
        await engine.shutdown()

        let rec = pipe.finish()
        let x = rec.channel(0)
        // Every frame of the clip came out once: resuming continued exactly where the fade-out left off.
        #expect(rec.frames == 48000 * 40)
        // Somewhere in the middle the level dipped to near silence (the pause) and came back without a click.
        let dip = x[1000 ..< (rec.frames - 1000)].min() ?? 1
        #expect(dip < 0.01)
        #expect(rec.largestStep(channel: 0) < 0.01)
    }

    @Test func volumeFollowsACubicCurveUnderTheOwnersCap() async throws {
        let scratch = try Scratch()
        let clip = scratch.url("dc.wav")
        try writeSamples(clip, [Float](repeating: 0.8, count: 4800), rate: 48000, channels: 1)
        let output = scratch.url("out.wav")
        // The owner capped the volume at 50; a visitor asking for 100 gets 50 (0.5³ = 0.125).
        let engine = captureEngine(output) { $0.maxVolume = 50 }
        let log = EventLog(engine)
        engine.start()
        engine.setVolume(100)
        engine.play(clip, loudness: nil, token: 1)
        try await log.wait { $0.isFinished }
        await engine.shutdown()
        let rec = try Recording(output)
        #expect(abs(rec.channel(0)[2400] - 0.8 * 0.125) < 0.001)
    }

    @Test func aPreparedClipSoundsExactlyLikeAnUnpreparedOne() async throws {
        let scratch = try Scratch()
        let clip = scratch.url("clip.ogg")
        try writeSine(clip, seconds: 1.5, rate: 22050, channels: 1, frequency: 500, amplitude: 0.4,
                      format: Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS))
        // The same measurement for both (prepare also measures loudness, which would otherwise change the gain).
        let loudness = try Loudness.measure(clip)
        var recordings: [Recording] = []
        for prepared in [false, true] {
            let output = scratch.url("out-\(prepared).wav")
            let engine = captureEngine(output)
            let log = EventLog(engine)
            engine.start()
            if prepared {
                engine.prepare([clip])
                _ = await Wait.until(30, every: .milliseconds(5)) { engine.isPrepared(clip) }
                #expect(engine.isPrepared(clip))
            }
            engine.play(clip, loudness: loudness, token: 1)
            try await log.wait { $0.isFinished }
            await engine.shutdown()
            recordings.append(try Recording(output))
        }
        #expect(recordings[0].frames == recordings[1].frames)
        #expect(recordings[0].frames > 70000)
        // The prepared clip's preroll (its first 300 ms, and the rest of the decoder's last chunk: under 0.5 s) is
        // kept in 16 bits: off by at most one step of the 16-bit output. Everything after it comes from the reopened
        // decoder: exactly the same samples.
        let preroll = 24000 * recordings[0].channels, step: Float = 1.0 / 32768
        let head = zip(recordings[0].samples[..<preroll], recordings[1].samples[..<preroll]).map { abs($0 - $1) }
        #expect((head.max() ?? 1) <= step * 1.001, "largest difference in the preroll: \((head.max() ?? 1) / step) steps")
        let differing = zip(recordings[0].samples[preroll...], recordings[1].samples[preroll...]).filter { $0 != $1 }.count
        #expect(differing == 0)
    }
}

@Suite(.timeLimit(.minutes(3))) struct VolumeChangeTests {
    @Test func aVolumeChangeWhilePlayingGlidesInsteadOfStepping() async throws {
        let scratch = try Scratch()
        let clip = scratch.url("dc.wav")
        try writeSamples(clip, [Float](repeating: 0.5, count: 48000 * 20), rate: 48000, channels: 1)
        let pipe = try PipeCapture(scratch)
        let engine = captureEngine(device: pipe.device)
        let log = EventLog(engine)
        engine.start()
        engine.play(clip, loudness: nil, token: 1)
        try pipe.read(frames: 9600)
        engine.setVolume(50) // 0.5³ = 0.125: the level goes from 0.5 to 0.0625
        pipe.drainInBackground()
        try await log.wait { $0.isFinished }
        await engine.shutdown()
        let x = pipe.finish().channel(0)
        #expect(x.count == 48000 * 20)
        // After the fade-in (6 ms) and the 0.2 s read, the first frame below full level is the volume change.
        guard let firstLower = x[9600...].firstIndex(where: { $0 < 0.49 }) else { Issue.record("the level never changed"); return }
        // The change came while the clip was playing, went all the way, and took one block, in small steps.
        #expect(firstLower >= 9600 && firstLower < 48000)
        let settled = firstLower + 480
        #expect(abs(x[settled + 10] - 0.0625) < 0.001)
        #expect(abs(x[x.count - 48000] - 0.0625) < 0.001)
        let rec = Recording(rate: 48000, channels: 1, samples: x)
        #expect(rec.largestStep(channel: 0, in: (firstLower - 10) ..< (settled + 10)) < 0.002)
    }
}
