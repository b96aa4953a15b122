@testable import AudiogidAudio
import AudiogidTestSupport
import Glibc
import Synchronization
import Testing

/// A paced card that vanishes while the engine is idle, its buffer full of silence: no write is due, so no call
/// fails, and the loss shows only on its poll descriptor (ALSA's disconnected PCM polls as an error). The kernel
/// cannot free such a card (`rmmod` of its driver blocks) until the engine closes its handle; the driver rig
/// found the engine keeping it open for ever. Here the card is scripted as in `DeviceSupervisorTests`, with a
/// real descriptor: the write end of a full pipe, which polls POLLERR once its read end is closed.
@Suite(.timeLimit(.minutes(3))) struct VanishedCardTests {
    @Test func anIdleCardThatVanishesIsClosedAtOnceReportedOnceAndReopenedForTheNextPress() async throws {
        let scratch = try Scratch()
        let clip = scratch.url("next.wav")
        try writeSine(clip, seconds: 0.2, channels: 2)
        let card = PacedCard(["first", "second"])
        var config = AudioOutputConfig(device: "usb")
        config.closeWhenIdle = false // a kiosk keeps its card open and fed with silence while idle
        let engine = AudioEngine(config: config, logger: quietLogger(), opener: card.opener)
        let log = EventLog(engine)
        engine.start()

        // Idle and open: the card has taken silence, then the engine sleeps in poll on it.
        #expect(await Wait.until(30) { card.state.withLock { $0.frames["first", default: 0] } > 0 })
        card.unplug("first")

        // Noticed without any press: the handle is closed and the loss reported once.
        try await log.wait(timeout: 30) { if case .deviceLost = $0 { true } else { false } }
        #expect(await Wait.until(30) { card.state.withLock { $0.closed.contains("first") } },
                "the vanished card's handle is closed (until then the kernel cannot free the card)")
        // Asked once why its descriptor failed; never polled or written again.
        #expect(card.state.withLock { $0.failureQuestions["first"] } == 1)

        #expect(await Wait.until(30) { !engine.status.deviceOpen }, "the status says the card is closed")
        // Retried with back-off while it is away (no card: the opener fails); plugged back in, it is reopened and
        // the next press plays on it.
        #expect(await Wait.until(30) { card.state.withLock { $0.opened.last } == "missing" })
        card.plugBackIn()
        try await log.wait(timeout: 30) { $0 == .deviceRestored }
        engine.play(clip, loudness: nil, token: 7)
        try await log.wait(timeout: 30) { $0 == .started(token: 7) }
        await engine.shutdown()

        let opened = card.state.withLock { $0.opened }
        #expect(opened.first == "first" && opened.last == "second" && opened.dropFirst().dropLast().allSatisfy { $0 == "missing" },
                "\(opened)")
        #expect(log.events.filter { if case .deviceLost = $0 { true } else { false } }.count == 1)
        #expect(log.events.filter { $0 == .deviceRestored }.count == 1)
        #expect(card.state.withLock { $0.sound["second", default: 0] } > 0, "the press was heard on the reopened card")
    }
}

/// A card with a real-time clock: each output plays its queue at 48 kHz. Opening it yields the outputs named in
/// order; once unplugged, attempts fail (no such card) until it is plugged back in.
private final class PacedCard: Sendable {
    struct State {
        var opened: [String] = []
        var closed: Set<String> = []
        var unplugged: Set<String> = []
        var frames: [String: Int] = [:]
        /// Frames carrying sound (not silence) each output took.
        var sound: [String: Int] = [:]
        var failureQuestions: [String: Int] = [:]
        /// Unplugged and not yet back: opening fails.
        var away = false
        /// The read end of each output's pipe, closed to unplug it.
        var readEnds: [String: Int32] = [:]
    }
    let state = Mutex(State())
    private let names: Mutex<[String]>

    init(_ names: [String]) { self.names = Mutex(names) }

    var opener: DeviceSupervisor.Opener {
        { [self] _ throws(AudioError) -> any PCMOutput in
            let missing = state.withLock {
                if $0.away { $0.opened.append("missing") }
                return $0.away
            }
            if missing {
                throw AudioError(.device, "cannot open audio device 'usb': No such file or directory", code: -ENOENT)
            }
            guard let name = names.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else {
                throw AudioError(.device, "the card's script has run out")
            }
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { throw AudioError(.device, "no pipe") }
            // The write end full: it never polls writable, only POLLERR once the read end is gone.
            _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
            var junk = [UInt8](repeating: 0, count: 4096)
            while write(fds[1], &junk, junk.count) > 0 {}
            state.withLock {
                $0.opened.append(name)
                $0.readEnds[name] = fds[0]
            }
            return PacedOutput(name: name, card: self, fd: fds[1])
        }
    }

    /// Pulls the card out: ALSA's state goes to DISCONNECTED and its descriptor polls as an error.
    func unplug(_ name: String) {
        state.withLock {
            $0.away = true
            $0.unplugged.insert(name)
            if let fd = $0.readEnds.removeValue(forKey: name) { close(fd) }
        }
    }
}

extension PacedCard {
    func plugBackIn() { state.withLock { $0.away = false } }
}

private final class PacedOutput: PCMOutput {
    let name: String
    let sampleRate = 48000
    let channels = 2
    let periodFrames = 480
    let bufferFrames = 1920
    let startFrames = 480
    let wakeFrames = 960
    let isSoundServer = false
    let rewinds = false
    let isRunning = true
    private let card: PacedCard
    private let fd: Int32
    private var startedAt = monotonicNanoseconds()
    private var written = 0

    init(name: String, card: PacedCard, fd: Int32) {
        self.name = name
        self.card = card
        self.fd = fd
    }

    deinit {
        close(fd)
        card.state.withLock { _ = $0.closed.insert(name) }
    }

    private var gone: Bool { card.state.withLock { $0.unplugged.contains(name) } }
    /// Frames played: by the clock since it started, but never more than it was given (it ran dry, and starts
    /// again with the next write, as a card does after an underrun; a loaded machine stalls the test's engine).
    private var played: Int { min(written, Int((monotonicNanoseconds() - startedAt) * 48 / 1_000_000)) }

    func write(_ samples: UnsafePointer<Int16>, frames: Int) -> Int {
        if gone { return -Int(ENODEV) }
        let taken = min(frames, max(0, available()))
        guard taken > 0 else { return -Int(EAGAIN) }
        if played == written { startedAt = monotonicNanoseconds() - UInt64(written) * 1_000_000 / 48 }
        written += taken
        let loud = (0 ..< taken * channels).contains { samples[$0] != 0 }
        card.state.withLock {
            $0.frames[name, default: 0] += taken
            if loud { $0.sound[name, default: 0] += taken }
        }
        return taken
    }
    func available() -> Int {
        // Gone right after a refill: ALSA answers the room from the stopped pointer, none, and no call fails.
        gone ? 0 : max(0, bufferFrames - max(0, written - played))
    }
    func delay() -> Int { gone ? bufferFrames : max(0, written - played) }
    func rewindQueued(margin: Int) -> Int { 0 }
    func discardQueued() { written = min(written, played) }
    func stopAtOnce() { discardQueued() }
    func prepareAgain() {}
    func drain() {}
    func recover(_ err: Int32) -> Int32 { gone ? err : 0 }
    func resumeAfterSuspend(maxWaitMilliseconds: Int) -> Int32 { gone ? -ENODEV : 0 }
    func pollDescriptors() -> [pollfd] { [pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)] }
    func pollEvents(_ fds: inout [pollfd]) -> Int32 { Int32(fds.first?.revents ?? 0) }
    func failure() -> Int32 {
        card.state.withLock { $0.failureQuestions[name, default: 0] += 1 }
        return gone ? -ENODEV : 0
    }
}
