import AudiogidAudio
import AudiogidTestSupport
import Foundation
import Testing

/// `audiogid play` run as staff run it: the built executable, a demo tour, the ALSA capture fixture.
@Suite(.timeLimit(.minutes(3))) struct PlayCommandTests {
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

    /// Stop 7 of koltso-vremeni: a 6.5 s Russian clip at 22.05 kHz.
    static let shortStop = ["koltso-vremeni", "7"]
    static let shortClip = BuiltTool.packageRoot.appendingPathComponent("audio/koltso-vremeni/naberezhnaya-amura.ru.ogg")

    @Test func onAnUnpacedSinkItExitsOnceTheClipIsWrittenAndWritesNoSilence() throws {
        let scratch = try Scratch()
        let output = scratch.url("stop7.wav")
        let source = try Recording(Self.shortClip)
        let expected = Int((Double(source.frames) * 48000 / Double(source.rate)).rounded())
        let period = 480, buffer = 4 * period
        // Not told `--unpaced`: the engine has to find out that the file plugin swallows writes at once.
        let run = try BoundedRun(Self.shortStop + ["--device", ALSAFixture.captureDevice(output)],
                                 watching: output, maxBytes: (expected + 16 * buffer) * 4 + 4096,
                                 deadline: 30)
        #expect(run.stopped == nil, "\(run.stopped ?? "")")
        #expect(run.status == 0, "\(run.stderr)")
        // Written as fast as it decodes, not at the pace of a speaker.
        #expect(run.seconds < Double(expected) / 48000, "took \(run.seconds) s")
        let rec = try Recording(output)
        // The whole clip, and silence of a few periods at most (what was written before the engine found out).
        #expect(rec.frames >= expected - 2)
        #expect(rec.frames <= expected + 3 * buffer, "\(rec.frames - expected) frames beyond the clip")
    }

    @Test func deviceNoneKeepsTheClipsTimeSilentlyAndExitsZero() throws {
        let source = try Recording(Self.shortClip)
        let seconds = Double(source.frames) / Double(source.rate)
        let run = try BoundedRun(Self.shortStop + ["--device", "none"], deadline: seconds + 20)
        #expect(run.stopped == nil, "\(run.stopped ?? "")")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("on none: no sound"))
        #expect(run.seconds >= seconds - 0.05, "ended after \(run.seconds) s of a \(seconds) s clip")
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
        pipe.drainInBackground(atRealRate: true)
        let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let rec = pipe.finish()

        #expect(process.terminationStatus == 130)
        #expect(said.contains("Stopped after"))
        // Cut well before the 12 s clip's end, however late a loaded machine delivers the signal.
        #expect(rec.frames > 9600 && rec.frames < 48000 * 6, "\(rec.frames) frames")
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

/// `audiogid ARGUMENTS` run with a deadline, and killed if it outlives it or writes more than `maxBytes` into
/// `watching`: a play that never ends fails its test instead of hanging it or filling the disk.
struct BoundedRun {
    var status: Int32?
    var seconds: Double
    var stdout: String
    var stderr: String
    /// Why it was killed, if it was.
    var stopped: String?

    init(_ arguments: [String], watching file: URL? = nil, maxBytes: Int = .max, deadline: Double) throws {
        _ = ALSAFixture.configured
        let scratch = try Scratch()
        let outURL = scratch.url("stdout"), errURL = scratch.url("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = BuiltTool.executable
        process.arguments = ["play"] + arguments
        process.currentDirectoryURL = BuiltTool.packageRoot
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        let start = Date()
        try process.run()
        let end = start.addingTimeInterval(deadline)
        // Wakes on the exit at once; every 10 ms meanwhile to look at the output's size.
        while exited.wait(timeout: .now() + .milliseconds(10)) == .timedOut {
            let size = file.flatMap { try? FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? Int } ?? 0
            if size > maxBytes { stopped = "killed: wrote \(size) bytes, more than \(maxBytes)" }
            if Date() > end { stopped = "killed: still running after \(deadline) s" }
            if stopped != nil {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
                break
            }
        }
        seconds = Date().timeIntervalSince(start)
        status = stopped == nil ? process.terminationStatus : nil
        stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
    }
}
