@testable import AudiogidAudio
import Glibc
import Logging
import Testing

/// The device supervisor against a scripted output: the errors it recovers from (an underrun, a suspend, a
/// card unplugged) come from kernel drivers, and this machine has no sound card, so here — and only here —
/// the device is a test double that answers what ALSA answers in those cases, in a given order.
@Suite(.timeLimit(.minutes(1))) struct DeviceSupervisorTests {
    @Test func anUnderrunAndASuspendAreRecoveredInPlaceWithoutReportingALoss() {
        let card = ScriptedOutput()
        let rig = Rig(opens: [.success(card)])
        #expect(rig.supervisor.openIfDue(now: 0) === card)

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
        #expect(rig.events.isEmpty)
    }

    @Test func anUnpluggedCardIsReopenedWithBackOffAndReportedLostAndRestoredOnceEach() {
        let first = ScriptedOutput(), second = ScriptedOutput()
        let unplugged = AudioError(.device, "cannot open audio device 'usb': No such device", code: -ENODEV)
        let rig = Rig(opens: [.success(first), .failure(unplugged), .failure(unplugged), .success(second)])
        let ms: UInt64 = 1_000_000
        #expect(rig.supervisor.openIfDue(now: 0) === first)

        // Unplugged while playing: the write fails with ENODEV.
        let lostAt = 10 * ms
        #expect(!rig.supervisor.recover(from: -ENODEV, now: lostAt))
        #expect(rig.supervisor.device == nil)
        #expect(rig.supervisor.isDown)
        #expect(rig.events == [.deviceLost(message: "audio device 'scripted' failed: \(PCMDevice.describe(-ENODEV))")])

        // First retry after 0.25 s, not before: the attempts in between never reach the opener.
        #expect(rig.supervisor.millisecondsUntilNextOpen(now: lostAt) == 251)
        #expect(rig.supervisor.openIfDue(now: lostAt + 249 * ms) == nil)
        #expect(rig.opened == 1)
        #expect(rig.supervisor.openIfDue(now: lostAt + 250 * ms) == nil) // still unplugged
        #expect(rig.opened == 2)
        #expect(rig.supervisor.retryDelayMilliseconds == 500)
        // Then after 0.5 s more, and the next after 1 s.
        #expect(rig.supervisor.openIfDue(now: lostAt + 749 * ms) == nil)
        #expect(rig.opened == 2)
        #expect(rig.supervisor.openIfDue(now: lostAt + 750 * ms) == nil)
        #expect(rig.supervisor.retryDelayMilliseconds == 1000)
        #expect(rig.supervisor.openIfDue(now: lostAt + 1749 * ms) == nil)
        #expect(rig.opened == 3)

        // Plugged back in: the next attempt opens it.
        #expect(rig.supervisor.openIfDue(now: lostAt + 1750 * ms) === second)
        #expect(rig.opened == 4)
        #expect(!rig.supervisor.isDown)
        #expect(rig.supervisor.retryDelayMilliseconds == 0)
        // Failed retries said nothing more: one loss, one restoration.
        #expect(rig.events == [.deviceLost(message: "audio device 'scripted' failed: \(PCMDevice.describe(-ENODEV))"),
                               .deviceRestored])
    }

    @Test func theBackOffDoublesUpToEightSeconds() {
        let missing = AudioError(.device, "cannot open audio device 'usb': No such file or directory", code: -ENOENT)
        let rig = Rig(opens: Array(repeating: .failure(missing), count: 8))
        var now: UInt64 = 0
        var delays: [Int] = []
        for _ in 0 ..< 8 {
            #expect(rig.supervisor.openIfDue(now: now) == nil)
            delays.append(rig.supervisor.retryDelayMilliseconds)
            now += UInt64(rig.supervisor.retryDelayMilliseconds) * 1_000_000
        }
        #expect(delays == [250, 500, 1000, 2000, 4000, 8000, 8000, 8000])
        // Missing at start: reported once, with the opener's own words.
        #expect(rig.events == [.deviceLost(message: missing.message)])
    }

    @Test func anUnderrunThatCannotBeRecoveredLosesTheDevice() {
        let card = ScriptedOutput(recoverResults: [-EBADFD])
        let rig = Rig(opens: [.success(card)])
        _ = rig.supervisor.openIfDue(now: 0)
        #expect(!rig.supervisor.recover(from: -EPIPE, now: 0))
        #expect(rig.supervisor.underruns == 1)
        #expect(rig.supervisor.device == nil)
        #expect(rig.supervisor.retryDelayMilliseconds == 250)
        #expect(rig.events.count == 1)
    }
}

/// A supervisor whose opener hands out `opens` in order, and the events it reported.
private final class Rig {
    private(set) var events: [AudioEvent] = []
    private(set) var opened = 0
    private var opens: [Result<ScriptedOutput, AudioError>]
    private(set) lazy var supervisor = DeviceSupervisor(
        config: AudioOutputConfig(device: "scripted"), logger: Rig.logger,
        opener: { [unowned self] _ throws(AudioError) -> any PCMOutput in
            opened += 1
            return try opens.removeFirst().get()
        },
        emit: { [unowned self] in events.append($0) })

    init(opens: [Result<ScriptedOutput, AudioError>]) { self.opens = opens }

    static let logger: Logger = {
        var logger = Logger(label: "audiogid.audio.test")
        logger.logLevel = .critical
        return logger
    }()
}

/// An output that answers recoveries from a script and records what was asked of it.
final class ScriptedOutput: PCMOutput {
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
    /// What `recover` returns, in order; 0 once the script runs out.
    private var recoverResults: [Int32]

    init(recoverResults: [Int32] = []) { self.recoverResults = recoverResults }

    func write(_ samples: UnsafePointer<Int16>, frames: Int) -> Int { frames }
    func available() -> Int { bufferFrames }
    func delay() -> Int { 0 }
    func rewindQueued(margin: Int) -> Int { 0 }
    func discardQueued() { calls.append("discard") }
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
}
