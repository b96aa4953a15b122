@testable import AudiogidAudio
import AudiogidTestSupport
import CSndFile
import Foundation
import Testing

/// `seek`: the engine carries the playing clip on from another second of it, heard through a real (pipe) device.
@Suite(.timeLimit(.minutes(3))) struct SeekTests {
    /// A 6 s mono ramp at the output's rate: each sample's value tells which second of the clip it comes from.
    static func writeRamp(_ url: URL, seconds: Double = 6) throws -> Int {
        let frames = Int(seconds * 48000)
        try writeSamples(url, (0 ..< frames).map { Float($0) / Float(frames) * 0.5 }, rate: 48000, channels: 1,
                         format: Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT))
        return frames
    }

    @Test func seekForwardSkipsTheMiddleOfTheClip() async throws {
        let scratch = try Scratch()
        let clip = scratch.url("ramp.wav")
        let frames = try Self.writeRamp(clip)
        let pipe = try PipeCapture(scratch)
        let engine = captureEngine(device: pipe.device)
        let log = EventLog(engine)
        engine.start()
        engine.play(clip, loudnessLUFS: nil, token: 1)
        // Half a second has come out; the engine is at most a pipe's worth (a third of a second) further.
        try pipe.read(frames: 24000)
        engine.seek(to: 4.5, token: 1)
        pipe.drainInBackground()
        try await log.wait { $0.isFinished && $0.token == 1 }
        await engine.shutdown()
        let heard = pipe.finish().channel(0)
        let top = try #require(heard.max())
        // Where in the clip each frame heard comes from, from its value against the clip's last (highest) one.
        let seconds = heard.map { Double($0 / top) * Double(frames) / 48000 }
        let skipped = seconds.filter { $0 > 1.5 && $0 < 4.3 }.count
        #expect(skipped < 1000, "\(skipped) frames from the part seeked over (only a fade's worth may pass through it)")
        // The last second heard is the clip's last (but for its own fade-out at the very end).
        let last = Array(seconds.dropLast(2000).suffix(46000))
        #expect(last.allSatisfy { $0 > 4.4 }, "\(last.min() ?? -1) ... \(last.max() ?? -1)")
        // About 0.5-0.9 s before the jump and the 1.5 s after it: not the 6 s of the whole clip.
        #expect(heard.count > 48000 * 19 / 10 && heard.count < 48000 * 3, "\(heard.count) frames heard")
    }

    @Test func seekWhilePausedStaysPausedAndResumesThere() async throws {
        let scratch = try Scratch()
        let clip = scratch.url("ramp.wav")
        let frames = try Self.writeRamp(clip)
        let pipe = try PipeCapture(scratch)
        let engine = captureEngine(device: pipe.device)
        let log = EventLog(engine)
        engine.start()
        engine.play(clip, loudnessLUFS: nil, token: 2)
        try pipe.read(frames: 24000)
        engine.pause()
        engine.seek(to: 5.0, token: 2)
        // Read on: the pause's fade-out must get through the pipe before the engine takes the seek.
        pipe.drainInBackground()
        #expect(await Wait.until(20, every: .milliseconds(5)) { engine.status.paused && abs(engine.status.position - 5.0) < 0.01 },
                "paused at 5.0 s, not \(engine.status.position)")
        engine.resume()
        try await log.wait { $0.isFinished && $0.token == 2 }
        await engine.shutdown()
        let heard = pipe.finish().channel(0)
        let top = try #require(heard.max())
        let seconds = heard.map { Double($0 / top) * Double(frames) / 48000 }
        #expect(seconds.filter { $0 > 1.5 && $0 < 4.8 }.count < 1000)
        let last = Array(seconds.dropLast(2000).suffix(22000))
        #expect(last.allSatisfy { $0 > 4.9 }, "\(last.min() ?? -1) ... \(last.max() ?? -1)")
    }
}
