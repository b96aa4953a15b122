import AudiogidAudio
import AudiogidTestSupport
import Foundation
import Testing

/// `audiogid play` run as staff run it: the built executable, a demo tour, the ALSA capture fixture.
@Suite struct PlayCommandTests {
    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        _ = ALSAFixture.configured
        let result = try BuiltTool.run(["play"] + arguments)
        return (result.status, result.stdout, result.stderr)
    }

    @Test func playsAStopsClipWithTheLanguageFallbackAndExitsWhenItEnds() throws {
        let scratch = try Scratch()
        let output = scratch.url("stop5.wav")
        // Stop 5 of moyo-selo has no English clip: the Russian one (the tour's default language) plays.
        let result = try run(["moyo-selo", "5", "--lang", "en", "--device", ALSAFixture.captureDevice(output), "--unpaced"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("moyo-selo/05-club.ru.ogg"))
        #expect(result.stderr.contains("no en clip"))
        let clip = BuiltTool.packageRoot.appendingPathComponent("audio/moyo-selo/05-club.ru.ogg")
        let source = try Recording(clip)
        let rec = try Recording(output)
        #expect(rec.rate == 48000 && rec.channels == 2)
        let expected = Int((Double(source.frames) * 48000 / Double(source.rate)).rounded())
        #expect(abs(rec.frames - expected) <= 2)
        #expect(rec.channel(0) == rec.channel(1))
        // Normalised as computed from the clip's measurement (-18 LUFS unless the true-peak limit holds it back).
        let before = try Loudness.measure(clip)
        let heard = Loudness.asPlayed(before, sourceChannels: 1, outputChannels: 2)
        let gain = Loudness.gainDB(for: heard, targetLUFS: -18, truePeakLimitDBTP: -1, maxBoostDB: 20)
        let after = try Loudness.measure(output)
        #expect(abs(after.integratedLUFS - (heard.integratedLUFS + gain)) < 0.2)
        #expect(gain != 0)
    }

    @Test func ctrlCFadesOutAndExitsAsInterrupted() throws {
        let scratch = try Scratch()
        let pipe = try PipeCapture(scratch)
        _ = ALSAFixture.configured
        let process = Process()
        process.executableURL = BuiltTool.executable
        process.arguments = ["play", "moyo-selo", "1", "--device", pipe.device, "--unpaced"]
        process.currentDirectoryURL = BuiltTool.packageRoot
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        try pipe.read(frames: 9600) // 0.2 s of a 12 s clip has come out: it is playing
        kill(process.processIdentifier, SIGINT)
        pipe.drainInBackground()
        let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let rec = pipe.finish()

        #expect(process.terminationStatus == 130)
        #expect(said.contains("Stopped after"))
        #expect(rec.frames > 9600 && rec.frames < 48000)
        // Faded, not cut: the last frames fall to silence.
        #expect(abs(rec.channel(0)[rec.frames - 1]) < 0.01)
    }

    @Test func badRequestsSayWhatIsWrong() throws {
        let noStop = try run(["moyo-selo", "99"])
        #expect(noStop.status == 1)
        #expect(noStop.stderr.contains("has no stop 99"))
        let noDevice = try run(["moyo-selo", "1", "--device", "audiogid_no_such_pcm"])
        #expect(noDevice.status == 1)
        #expect(noDevice.stderr.contains("cannot open audio device 'audiogid_no_such_pcm'"))
        let loud = try run(["moyo-selo", "1", "--volume", "150"])
        #expect(loud.status == 2)
        #expect(loud.stderr.contains("--volume must be 0–100"))
    }
}
