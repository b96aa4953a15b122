import AudiogidTestSupport
import AudiogidAudio
import CSndFile
import Foundation
import Testing

@Suite(.timeLimit(.minutes(3))) struct LoudnessTests {
    /// EBU Tech 3341 test 1: a stereo 1 kHz sine at -23 dBFS in both channels reads -23.0 LUFS (±0.1).
    @Test func measuresTheEBUReferenceSineAtMinus23() throws {
        let scratch = try Scratch()
        let clip = scratch.url("ref.wav")
        try writeSine(clip, seconds: 20, rate: 48000, channels: 2, frequency: 1000, amplitude: pow(10, -23.0 / 20),
                      format: Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT))
        let info = try Loudness.measure(clip)
        #expect(abs(info.integratedLUFS - -23) < 0.1)
        #expect(abs(info.truePeakDBTP - -23) < 0.3)
    }

    @Test func gainReachesTheTargetButNeverPushesTheTruePeakOverTheLimit() {
        // Quiet speech: -30 LUFS, peaks at -12 dBTP → +12 dB to reach -18, peak lands at 0 → limited to -1: +11.
        let quiet = LoudnessInfo(integratedLUFS: -30, truePeakDBTP: -12)
        #expect(Loudness.gainDB(for: quiet, targetLUFS: -18, truePeakLimitDBTP: -1, maxBoostDB: 20) == 11)
        // Loud clip: turned down to the target.
        let loud = LoudnessInfo(integratedLUFS: -10, truePeakDBTP: -0.5)
        #expect(Loudness.gainDB(for: loud, targetLUFS: -18, truePeakLimitDBTP: -1, maxBoostDB: 20) == -8)
        // Near-silence is not blown up past the boost limit.
        let hiss = LoudnessInfo(integratedLUFS: -60, truePeakDBTP: -50)
        #expect(Loudness.gainDB(for: hiss, targetLUFS: -18, truePeakLimitDBTP: -1, maxBoostDB: 20) == 20)
        // Digital silence or no measurement: left alone.
        let silent = LoudnessInfo(integratedLUFS: -.infinity, truePeakDBTP: -.infinity)
        #expect(Loudness.gainDB(for: silent, targetLUFS: -18, truePeakLimitDBTP: -1, maxBoostDB: 20) == 0)
        #expect(Loudness.gainDB(for: nil, targetLUFS: -18, truePeakLimitDBTP: -1, maxBoostDB: 20) == 0)
    }

    @Test func twoClipsOfDifferentLevelsComeOutEquallyLoud() async throws {
        let scratch = try Scratch()
        let quiet = scratch.url("quiet.wav")
        let loud = scratch.url("loud.wav")
        try writeSine(quiet, seconds: 3, rate: 48000, channels: 1, frequency: 1000, amplitude: 0.05)
        try writeSine(loud, seconds: 3, rate: 48000, channels: 1, frequency: 1000, amplitude: 0.6)
        let quietInfo = try Loudness.measure(quiet)
        let loudInfo = try Loudness.measure(loud)
        #expect(loudInfo.integratedLUFS - quietInfo.integratedLUFS > 20)

        var levels: [Double] = []
        for (clip, info) in [(quiet, quietInfo), (loud, loudInfo)] {
            let output = scratch.url("out-\(clip.lastPathComponent)")
            let engine = captureEngine(output) { $0.targetLUFS = -20 }
            let log = EventLog(engine)
            engine.start()
            engine.play(clip, loudness: info, token: 1)
            try await log.wait { $0.isFinished }
            await engine.shutdown()
            let rec = try Recording(output)
            // The gain the engine applied is the one computed from the measurement.
            let heard = Loudness.asPlayed(info, sourceChannels: 1, outputChannels: 2)
            #expect(abs(heard.integratedLUFS - info.integratedLUFS - 3.01) < 0.01)
            let expectedDB = Loudness.gainDB(for: heard, targetLUFS: -20, truePeakLimitDBTP: -1, maxBoostDB: 20)
            let inputRMS = (clip == quiet ? 0.05 : 0.6) / 2.0.squareRoot()
            let outRMS = rec.rms(channel: 0, in: 24000 ..< 120000)
            #expect(abs(20 * log10(outRMS / inputRMS) - expectedDB) < 0.05)
            levels.append(20 * log10(outRMS))
        }
        // Both now sit at the same level (-20 LUFS as heard on two speakers), within a tenth of a dB.
        #expect(abs(levels[0] - levels[1]) < 0.1)
    }

    @Test func aClipPlayedWithoutAMeasurementIsMeasuredForNextTime() async throws {
        let scratch = try Scratch()
        let clip = scratch.url("c.wav")
        try writeSine(clip, seconds: 1, rate: 48000, channels: 1, frequency: 1000, amplitude: 0.1)
        let engine = captureEngine(scratch.url("out.wav"))
        let log = EventLog(engine)
        engine.start()
        #expect(engine.loudnessCache.cached(clip) == nil)
        engine.play(clip, loudnessLUFS: nil, token: 1)
        try await log.wait { $0.isFinished }
        _ = await Wait.until(60, every: .milliseconds(10)) { engine.loudnessCache.cached(clip) != nil }
        await engine.shutdown()
        let cached = try #require(engine.loudnessCache.cached(clip))
        #expect(cached == (try Loudness.measure(clip)))
    }

    @Test func theCacheSurvivesARestartAndForgetsAnEditedClip() throws {
        let scratch = try Scratch()
        let clip = scratch.url("c.wav")
        try writeSine(clip, seconds: 1, rate: 48000, channels: 1, frequency: 1000, amplitude: 0.1)
        let cache = LoudnessCache()
        let info = try cache.loudness(of: clip)
        let file = scratch.url("cache/loudness.json")
        try cache.save(to: file)
        let reloaded = LoudnessCache()
        reloaded.load(from: file)
        #expect(reloaded.cached(clip) == info)
        try writeSine(clip, seconds: 2, rate: 48000, channels: 1, frequency: 1000, amplitude: 0.3)
        #expect(reloaded.cached(clip) == nil)
    }
}
