@testable import AudiogidAudio
import Glibc
import Logging
import Synchronization
import Testing

/// The device supervisor against a scripted output: the errors it recovers from (an underrun, a suspend, a
/// card unplugged) come from kernel drivers, and this machine has no sound card, so here — and only here —
/// the device is a test double that answers what ALSA answers in those cases, in a given order.
@Suite(.timeLimit(.minutes(3))) struct DeviceSupervisorTests {
    @Test func anUnderrunAndASuspendAreRecoveredInPlaceWithoutReportingALoss() throws {
        let rig = Rig([.opens(id: "card")])
        let card = try #require(rig.supervisor.openIfDue(now: 0) as? ScriptedOutput)

        // Underrun: snd_pcm_recover prepares it again; counted, the same device goes on.
        #expect(rig.supervisor.recover(from: -EPIPE, now: 1))
        // Suspended (the system slept): resumed with a bounded wait, not snd_pcm_recover's endless one.
        #expect(rig.supervisor.recover(from: -ESTRPIPE, now: 2))
        // An interrupted call is retried as it is.
        #expect(rig.supervisor.recover(from: -EINTR, now: 3))

        #expect(card.calls == ["recover(\(-EPIPE))", "resume(1000)", "recover(\(-EINTR))"])
        #expect(rig.supervisor.underruns == 1)
        #expect(rig.supervisor.device === card)
        #expect(!rig.supervisor.isDown)
        #expect(rig.opened == 1)
        #expect(rig.events.isEmpty)
    }

    @Test func anUnpluggedCardIsReopenedWithBackOffAndReportedLostAndRestoredOnceEach() throws {
        let unplugged = AudioError(.device, "cannot open audio device 'usb': No such device", code: -ENODEV)
        let rig = Rig([.opens(id: "first"), .fails(unplugged), .fails(unplugged), .opens(id: "second")])
        let ms: UInt64 = 1_000_000
        #expect(try #require(rig.supervisor.openIfDue(now: 0) as? ScriptedOutput).id == "first")

        // Unplugged while playing: the write fails with ENODEV.
        let lostAt = 10 * ms
        let lost = AudioEvent.deviceLost(message: "audio device 'scripted' failed: \(PCMDevice.describe(-ENODEV))")
        #expect(!rig.supervisor.recover(from: -ENODEV, now: lostAt))
        #expect(rig.supervisor.device == nil)
        #expect(rig.supervisor.isDown)
        #expect(rig.events == [lost])

        // First retry after 0.25 s, not before: the loop's wake-ups in between never reach the card.
        #expect(rig.supervisor.millisecondsUntilNextOpen(now: lostAt) == 251)
        #expect(rig.supervisor.openIfDue(now: lostAt + 249 * ms) == nil)
        #expect(rig.opened == 1)
        #expect(rig.supervisor.openIfDue(now: lostAt + 250 * ms) == nil) // still unplugged
        #expect(rig.opened == 2)
        #expect(rig.supervisor.retryDelayMilliseconds == 500)
        // Then 0.5 s later, and the next 1 s after that.
        #expect(rig.supervisor.openIfDue(now: lostAt + 749 * ms) == nil)
        #expect(rig.opened == 2)
        #expect(rig.supervisor.openIfDue(now: lostAt + 750 * ms) == nil)
        #expect(rig.supervisor.retryDelayMilliseconds == 1000)
        #expect(rig.supervisor.openIfDue(now: lostAt + 1749 * ms) == nil)
        #expect(rig.opened == 3)

        // Plugged back in: the next attempt opens it.
        #expect(try #require(rig.supervisor.openIfDue(now: lostAt + 1750 * ms) as? ScriptedOutput).id == "second")
        #expect(rig.opened == 4)
        #expect(!rig.supervisor.isDown)
        #expect(rig.supervisor.retryDelayMilliseconds == 0)
        // The failed retries said nothing more: one loss, one restoration.
        #expect(rig.events == [lost, .deviceRestored])
    }

    @Test func theBackOffDoublesUpToEightSeconds() {
        let missing = AudioError(.device, "cannot open audio device 'usb': No such file or directory", code: -ENOENT)
        let rig = Rig(Array(repeating: .fails(missing), count: 8))
        var now: UInt64 = 0
        var delays: [Int] = []
        for _ in 0 ..< 8 {
            #expect(rig.supervisor.openIfDue(now: now) == nil)
            delays.append(rig.supervisor.retryDelayMilliseconds)
            now += UInt64(rig.supervisor.retryDelayMilliseconds) * 1_000_000
        }
        #expect(delays == [250, 500, 1000, 2000, 4000, 8000, 8000, 8000])
        #expect(rig.opened == 8)
        // Missing at start: reported once, in the opener's own words.
        #expect(rig.events == [.deviceLost(message: missing.message)])
    }

    @Test func anUnderrunThatCannotBeRecoveredLosesTheDevice() {
        let rig = Rig([.opens(id: "card", recoverResults: [-EBADFD])])
        _ = rig.supervisor.openIfDue(now: 0)
        #expect(!rig.supervisor.recover(from: -EPIPE, now: 0))
        #expect(rig.supervisor.underruns == 1)
        #expect(rig.supervisor.device == nil)
        #expect(rig.supervisor.retryDelayMilliseconds == 250)
        #expect(rig.events.count == 1)
    }

    /// The whole engine on a card unplugged in the middle of a clip: the clip holds its place, the card is
    /// reopened after the back-off, and the rest of the clip plays on it.
    @Test func aClipGoesOnAfterTheCardIsUnpluggedAndPluggedBackIn() async throws {
        let scratch = try Scratch()
        let clip = scratch.url("second.wav")
        try writeSine(clip, seconds: 1.0, channels: 2) // 48000 frames
        let card = ScriptedCard([.opens(id: "first", failAfterFrames: 12000), .opens(id: "second")])
        let engine = AudioEngine(config: AudioOutputConfig(device: "scripted", paced: false), logger: quietLogger(),
                                 opener: card.opener)
        let log = EventLog(engine)
        engine.start()
        engine.play(clip, loudness: nil, token: 1)
        try await log.wait { $0.isFinished }
        await engine.shutdown()

        #expect(card.opened == 2)
        #expect(card.frames(of: "first") == 12000)
        // The block that failed is lost (one period); the rest comes out of the second card.
        let second = card.frames(of: "second")
        #expect(second >= 48000 - 12000 - 2 * 480 && second <= 48000 - 12000, "the second card took \(second) frames")
        let losses = log.events.filter { if case .deviceLost = $0 { true } else { false } }
        #expect(losses.count == 1)
        #expect(log.events.filter { $0 == .deviceRestored }.count == 1)
        #expect(log.events.filter(\.isStarted).count == 1)
    }
}

/// A supervisor whose device comes from a `ScriptedCard`, and the events it reported.
private final class Rig {
    private(set) var events: [AudioEvent] = []
    let card: ScriptedCard
    var opened: Int { card.opened }
    private(set) lazy var supervisor = DeviceSupervisor(
        config: AudioOutputConfig(device: "scripted"), logger: Rig.logger, opener: card.opener,
        emit: { [unowned self] in events.append($0) })

    init(_ attempts: [ScriptedCard.Attempt]) { card = ScriptedCard(attempts) }

    static let logger: Logger = {
        var logger = Logger(label: "audiogid.audio.test")
        logger.logLevel = .critical
        return logger
    }()
}

/// A sound card as a script: what each attempt to open it does, in order, and what each opened output
/// then answers. Counts the frames each output took.
final class ScriptedCard: Sendable {
    enum Attempt: Sendable {
        /// Opens an output called `id`; its recoveries answer `recoverResults` in order, and its writes fail
        /// with `writeError` once it has taken `failAfterFrames`.
        case opens(id: String, recoverResults: [Int32] = [], failAfterFrames: Int? = nil, writeError: Int32 = -ENODEV)
        case fails(AudioError)
    }

    private let attempts: Mutex<[Attempt]>
    private let counts = Mutex((opened: 0, frames: [String: Int]()))

    init(_ attempts: [Attempt]) { self.attempts = Mutex(attempts) }

    var opened: Int { counts.withLock { $0.opened } }
    func frames(of id: String) -> Int { counts.withLock { $0.frames[id] ?? 0 } }
    func took(_ frames: Int, _ id: String) { counts.withLock { $0.frames[id, default: 0] += frames } }

    var opener: DeviceSupervisor.Opener {
        { [self] _ throws(AudioError) -> any PCMOutput in
            counts.withLock { $0.opened += 1 }
            switch attempts.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
            case let .opens(id, recoverResults, failAfterFrames, writeError)?:
                return ScriptedOutput(id: id, card: self, recoverResults: recoverResults,
                                      failAfterFrames: failAfterFrames, writeError: writeError)
            case let .fails(error)?:
                throw error
            case nil:
                throw AudioError(.device, "the card's script has run out")
            }
        }
    }
}

/// An output that answers from its card's script and records what was asked of it. It swallows writes at
/// once, like ALSA's null PCM.
final class ScriptedOutput: PCMOutput {
    let id: String
    let name = "scripted"
    let sampleRate = 48000
    let channels = 2
    let periodFrames = 480
    let bufferFrames = 1920
    let startFrames = 480
    let wakeFrames = 960
    let isSoundServer = false
    let rewinds = false
    let isRunning = true
    private(set) var calls: [String] = []
    private let card: ScriptedCard
    private var recoverResults: [Int32]
    private var framesLeft: Int?
    private let writeError: Int32

    init(id: String, card: ScriptedCard, recoverResults: [Int32], failAfterFrames: Int?, writeError: Int32) {
        self.id = id
        self.card = card
        self.recoverResults = recoverResults
        framesLeft = failAfterFrames
        self.writeError = writeError
    }

    func write(_ samples: UnsafePointer<Int16>, frames: Int) -> Int {
        if let left = framesLeft {
            guard left > 0 else { return Int(writeError) }
            framesLeft = left - min(left, frames)
            card.took(min(left, frames), id)
            return min(left, frames)
        }
        card.took(frames, id)
        return frames
    }
    func available() -> Int { bufferFrames }
    func delay() -> Int { 0 }
    func rewindQueued(margin: Int) -> Int { 0 }
    func discardQueued() { calls.append("discard") }
    func stopAtOnce() { calls.append("stop") }
    func prepareAgain() { calls.append("prepare") }
    func drain() { calls.append("drain") }
    func recover(_ err: Int32) -> Int32 {
        calls.append("recover(\(err))")
        return recoverResults.isEmpty ? 0 : recoverResults.removeFirst()
    }
    func resumeAfterSuspend(maxWaitMilliseconds: Int) -> Int32 {
        calls.append("resume(\(maxWaitMilliseconds))")
        return 0
    }
    func pollDescriptors() -> [pollfd] { [] }
    func pollEvents(_ fds: inout [pollfd]) -> Int32 { 0 }
    func failure() -> Int32 { 0 }
}
