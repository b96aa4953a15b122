import ArgumentParser
import AudiogidAudio
import AudiogidCore
import AudiogidManifest
import Foundation
import Logging

/// `audiogid play TOUR NUMBER`: plays one stop's clip on the kiosk's sound card, the way a visitor would hear
/// it (same engine, loudness and fades), and exits when it ends. Ctrl-C fades out and exits.
struct PlayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Play one stop's clip, as a visitor would hear it, and exit when it ends.",
        discussion: """
            Staff use it to preview a clip on the kiosk. The clip plays at the normalised loudness the daemon \
            uses; a missing language falls back to the tour's default language, as for visitors.
            Examples:
              audiogid play moyo-selo 3
              audiogid play tours/koltso-vremeni 12 --lang zh --device plughw:1,0 --volume 60
            """
    )

    @Argument(help: "A tour folder, its tour.yaml, or a tour id under ./tours/.")
    var tour: String

    @Argument(help: "The stop's number, as a visitor types it.")
    var number: Int

    @Option(help: "Language of the clip (default: the tour's first language).")
    var lang: String?

    @Option(help: "ALSA PCM to play on: default, plughw:1,0, pulse, ..., or none (no sound; waits the clip's length).")
    var device: String = "default"

    @Option(help: "Volume, 0–100.")
    var volume: Int = 100

    @Option(help: "Folder holding the clips, instead of the library's audio/ folder.")
    var audio: String?

    @Option(help: "Loudness every clip is played at, in LUFS.")
    var targetLufs: Double = -18

    // The engine finds out by itself within a few periods; the flag spares even those few periods of silence.
    @Flag(help: ArgumentHelp("The device consumes samples at once (ALSA's file plugin), so write no idle silence.",
                             visibility: .hidden))
    var unpaced = false

    func validate() throws {
        guard (0 ... 100).contains(volume) else { throw ValidationError("--volume must be 0–100, not \(volume)") }
        guard number >= 1 else { throw ValidationError("stop numbers start at 1, not \(number)") }
    }

    func run() async throws {
        let loaded: LoadedTour
        do {
            loaded = try TourLoader.load(path: tour, audioDirectory: audio, checkClips: false)
        } catch {
            for finding in error.findings where finding.severity == .error { printError(finding.line) }
            printError("\(tour): not a valid tour; run 'audiogid validate \(tour)' for every finding")
            throw ExitCode(1)
        }
        let tourValue = loaded.tour
        guard let stop = tourValue.stop(number: number) else {
            let numbers = tourValue.stops.map { String($0.number) }.joined(separator: ", ")
            printError("tour \(tourValue.id) has no stop \(number) (its stops: \(numbers))")
            throw ExitCode(1)
        }
        let language = lang ?? tourValue.defaultLanguage
        guard let choice = tourValue.clip(for: stop, language: language) else {
            printError("stop \(number) of \(tourValue.id) has no clip in \(language) or in \(tourValue.defaultLanguage)")
            throw ExitCode(1)
        }
        if choice.isFallback {
            printError("note: stop \(number) has no \(language) clip; playing the \(choice.language) one, as visitors would hear it")
        }
        let clip = loaded.clipURL(choice.path)
        let loudness: LoudnessInfo
        do {
            loudness = try Loudness.measure(clip)
        } catch {
            printError("cannot play \(choice.path): \(error.message)")
            throw ExitCode(1)
        }

        if device == "none" {
            try await keepTime(of: clip, title: tourValue.title(of: stop, in: choice.language), choice.language, choice.path)
            return
        }

        var logger = Logger(label: "audiogid.play")
        logger.logLevel = .critical // Problems are printed below in plain words, once.
        let config = AudioOutputConfig(device: device, targetLUFS: targetLufs, initialVolume: volume, paced: !unpaced)
        let engine = AudioEngine(config: config, logger: logger)
        let title = tourValue.title(of: stop, in: choice.language)
        print("Playing stop \(number) “\(title)” (\(choice.language), \(choice.path)) on \(device)")

        // Ctrl-C: fade out rather than cut, then exit as interrupted.
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { engine.stop() }
        interrupt.resume()
        defer { interrupt.cancel() }

        engine.start()
        engine.play(clip, loudness: loudness, token: 1)
        var status: Int32 = 0
        loop: for await event in engine.events {
            switch event {
            case .finished:
                break loop
            case let .interrupted(_, heard):
                print(String(format: "Stopped after %.1f s", heard))
                status = 130
                break loop
            case let .failed(_, message):
                printError("cannot play \(choice.path): \(message)")
                status = 1
                break loop
            case let .deviceLost(message):
                printError(message)
                status = 1
                break loop
            case .started, .deviceRestored:
                continue
            }
        }
        await engine.shutdown()
        if status != 0 { throw ExitCode(status) }
    }

    /// `--device none`, as the daemon's `device: none`: no sound, but the clip's length passes before it exits
    /// (Ctrl-C ends it early), so a script or a rehearsal without a speaker takes as long as with one. The clip
    /// has been decoded in full already (its loudness measured), so a clip that would not play fails here too.
    private func keepTime(of clip: URL, title: String, _ language: String, _ path: String) async throws {
        let seconds: Double
        do {
            seconds = try ClipProbe.probe(clip).durationSeconds
        } catch {
            printError("cannot play \(path): \(error.reason)")
            throw ExitCode(1)
        }
        print(String(format: "Playing stop \(number) “\(title)” (\(language), \(path)) on none: no sound, %.1f s", seconds))
        let started = DispatchTime.now()
        let (outcome, ended) = AsyncStream.makeStream(of: Double?.self)
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler {
            ended.yield(Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
            ended.finish()
        }
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: started + seconds)
        timer.setEventHandler { ended.yield(nil); ended.finish() }
        interrupt.resume()
        timer.resume()
        defer { interrupt.cancel(); timer.cancel() }
        for await stoppedAfter in outcome {
            guard let stoppedAfter else { return }
            print(String(format: "Stopped after %.1f s", stoppedAfter))
            throw ExitCode(130)
        }
    }
}
