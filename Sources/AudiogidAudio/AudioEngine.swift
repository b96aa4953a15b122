#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Dispatch
import Glibc
import Logging
import Synchronization

/// Plays tour clips through ALSA: at once, without clicks, at even loudness.
///
/// One engine per output device. `start()` opens the device on the engine's own thread (retrying with
/// back-off if it is missing) and keeps it open at one fixed format; `play` replaces whatever plays within
/// one period, fading the old clip out and the new one in. Every method returns at once and never throws:
/// what happens is reported on `events`.
///
/// ```swift
/// let engine = AudioEngine(config: AudioOutputConfig(device: "plughw:1,0"), logger: logger)
/// engine.start()
/// engine.play(clipURL, loudnessLUFS: -21.3, token: 7)
/// for await event in engine.events { ... }   // .started(7), .finished(7, 63.2)
/// ```
public final class AudioEngine: Sendable {
    public let config: AudioOutputConfig
    /// What happened, in order: clip started/finished/interrupted/failed, device lost/restored.
    /// Meant for one consumer (the daemon's player); the newest 1024 are kept if nobody reads.
    public let events: AsyncStream<AudioEvent>
    /// Loudness measurements the engine made or was given, reused for clips played without one.
    public let loudnessCache: LoudnessCache

    private let logger: Logger
    private let opener: DeviceSupervisor.Opener
    private let inbox = Inbox()
    private let shared: EngineShared

    public convenience init(config: AudioOutputConfig, logger: Logger, loudnessCache: LoudnessCache = LoudnessCache()) {
        self.init(config: config, logger: logger, loudnessCache: loudnessCache,
                  opener: { config throws(AudioError) in try PCMDevice(config: config) })
    }

    /// An engine whose device comes from `opener` (the tests' scripted output; otherwise ALSA's PCM).
    init(config: AudioOutputConfig, logger: Logger, loudnessCache: LoudnessCache = LoudnessCache(),
         opener: @escaping DeviceSupervisor.Opener) {
        self.opener = opener
        self.config = config
        self.logger = logger
        self.loudnessCache = loudnessCache
        let (stream, continuation) = AsyncStream.makeStream(of: AudioEvent.self, bufferingPolicy: .bufferingNewest(1024))
        events = stream
        shared = EngineShared(continuation: continuation, status: AudioStatus(
            device: config.device, sampleRate: config.sampleRate, channels: config.channels,
            volume: min(max(config.initialVolume, 0), 100)))
    }

    /// Starts the playback thread, which opens the device. Calling it again does nothing.
    public func start() {
        guard shared.markStarted() else { return }
        let config = self.config, logger = self.logger, inbox = self.inbox, shared = self.shared, opener = self.opener
        startThread {
            // Made on the thread it runs on, and never leaves it.
            Playback(config: config, logger: logger, inbox: inbox, shared: shared, opener: opener).run()
            shared.markStopped()
        }
    }

    /// Returns once the playback thread has made its first attempt at the device: its status then says whether
    /// the device is open (a missing one has been logged and is retried with back-off). With `closeWhenIdle`
    /// the device opens at the first clip, so this returns at once. The daemon waits for it before READY, so
    /// `status` never reports a device closed that is only about to open.
    public func deviceTried() async {
        await withCheckedContinuation { shared.addDeviceWaiter($0) }
    }

    /// Plays `clip` at once, replacing what plays. `loudnessLUFS` is the clip's measured integrated loudness
    /// (from the clip index); nil uses the engine's cache, or plays unnormalised and measures the clip in
    /// the background for next time. `token` comes back in this clip's events.
    public func play(_ clip: URL, loudnessLUFS: Double?, token: UInt64) {
        let requestedAt = monotonicNanoseconds()
        var info: LoudnessInfo?
        if let loudnessLUFS {
            // The true peak, if measured before, still limits the gain; unknown, it is left to the limiter of
            // the 16-bit conversion (a clamp) and the -1 dBTP target margin.
            let peak = loudnessCache.cached(clip)?.truePeakDBTP ?? .nan
            info = LoudnessInfo(integratedLUFS: loudnessLUFS, truePeakDBTP: peak)
        }
        enqueuePlay(clip, loudness: info, token: token, requestedAt: requestedAt)
    }

    /// Plays `clip` with a full measurement (loudness and true peak), as `Loudness.measure` returns it.
    public func play(_ clip: URL, loudness: LoudnessInfo?, token: UInt64) {
        enqueuePlay(clip, loudness: loudness, token: token, requestedAt: monotonicNanoseconds())
    }

    private func enqueuePlay(_ clip: URL, loudness: LoudnessInfo?, token: UInt64, requestedAt: UInt64) {
        var info = loudness
        if info == nil {
            info = loudnessCache.cached(clip)
            if info == nil { measureInBackground([clip]) }
        }
        inbox.send(.play(clip, info, token: token, requestedAt: requestedAt))
    }

    /// Fades out and stops what plays.
    public func stop() { inbox.send(.stop) }
    /// Fades out and holds the clip's place; `resume` fades it back in from there.
    public func pause() { inbox.send(.pause) }
    public func resume() { inbox.send(.resume) }
    /// Carries on the clip of `token` from `seconds` into it (fading across the jump); a paused clip stays paused
    /// there. Past the clip's end, it finishes.
    public func seek(to seconds: Double, token: UInt64) { inbox.send(.seek(token: token, seconds: seconds)) }
    /// Master volume 0–100 on a perceptual (cubic) curve, capped at `config.maxVolume`.
    public func setVolume(_ percent: Int) { inbox.send(.volume(percent)) }

    public var status: AudioStatus { shared.status }

    /// Whether `clip` is decoded ahead and waiting for a press (what `prepare` does in the background).
    func isPrepared(_ clip: URL) -> Bool { shared.isPrepared(clip) }

    /// Pre-decodes the first `config.prerollMilliseconds` of each clip (the current tour's, in the visitor's
    /// language), so the first periods after a press need no disk access, and measures the loudness of those
    /// not measured yet. Only the decoded samples are kept, not an open decoder (see `ClipStream.park`). Runs in the background; replaces the previous set.
    public func prepare(_ clips: [URL]) {
        let list = Array(clips.prefix(EngineShared.maxPrepared))
        shared.setPreparedList(list)
        let config = self.config
        let shared = self.shared
        let status = shared.status
        DispatchQueue.global(qos: .utility).async {
            for url in list {
                guard shared.isPreparedListed(url) else { continue }
                shared.prepare(url, rate: status.sampleRate, channels: status.channels,
                               prerollMilliseconds: config.prerollMilliseconds)
            }
            releaseFreedMemory()
        }
        measureInBackground(list)
    }

    private func measureInBackground(_ clips: [URL]) {
        let cache = loudnessCache
        let logger = self.logger
        DispatchQueue.global(qos: .utility).async {
            var measured = 0
            for url in clips where cache.cached(url) == nil {
                do throws(AudioError) { _ = try cache.loudness(of: url); measured += 1 } catch {
                    logger.warning("cannot measure clip loudness", metadata: ["clip": "\(url.path)", "error": "\(error.message)"])
                }
            }
            if measured > 1 { releaseFreedMemory() }
        }
    }

    /// Fades out what plays, lets the device drain, closes it and ends the thread. `events` finishes.
    public func shutdown() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            if shared.addShutdownWaiter(waiter) { inbox.send(.shutdown) }
        }
        shared.finishEvents()
    }
}

/// State the playback thread shares with callers: the status snapshot, the event stream, prepared clips.
final class EngineShared: Sendable {
    static let maxPrepared = 256

    private struct State {
        var status: AudioStatus
        var running = false
        var stopped = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        /// The playback thread has made its first attempt at the device (opened it, or failed and logged why).
        var deviceTried = false
        var deviceWaiters: [CheckedContinuation<Void, Never>] = []
        var preparedList: Set<URL> = []
        var prepared: [URL: ClipStream] = [:]
    }

    private let state: Mutex<State>
    private let continuation: AsyncStream<AudioEvent>.Continuation

    init(continuation: AsyncStream<AudioEvent>.Continuation, status: AudioStatus) {
        self.continuation = continuation
        state = Mutex(State(status: status))
    }

    func emit(_ event: AudioEvent) { continuation.yield(event) }
    func finishEvents() { continuation.finish() }

    var status: AudioStatus { state.withLock { $0.status } }
    func publish(_ status: AudioStatus) { state.withLock { $0.status = status } }

    func markStarted() -> Bool {
        state.withLock { s in
            guard !s.running && !s.stopped else { return false }
            s.running = true
            return true
        }
    }

    func markStopped() {
        let waiters = state.withLock { s in
            s.running = false
            s.stopped = true
            s.deviceTried = true
            defer { s.waiters.removeAll(); s.deviceWaiters.removeAll() }
            return s.waiters + s.deviceWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Called by the playback thread once its first attempt at the device is over and its status published.
    func markDeviceTried() {
        let waiters = state.withLock { s in
            s.deviceTried = true
            defer { s.deviceWaiters.removeAll() }
            return s.deviceWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Resumes `waiter` once the device has been tried (at once if it has, or the thread has stopped).
    func addDeviceWaiter(_ waiter: CheckedContinuation<Void, Never>) {
        let now = state.withLock { s in
            let over = s.deviceTried || s.stopped
            if !over { s.deviceWaiters.append(waiter) }
            return over
        }
        if now { waiter.resume() }
    }

    /// Registers a shutdown waiter; false (and resumed at once) when the thread is not running.
    func addShutdownWaiter(_ waiter: CheckedContinuation<Void, Never>) -> Bool {
        let running = state.withLock { s in
            if s.running { s.waiters.append(waiter) }
            else { s.stopped = true }
            return s.running
        }
        if !running { waiter.resume() }
        return running
    }

    func setPreparedList(_ list: [URL]) {
        state.withLock { s in
            s.preparedList = Set(list)
            s.prepared = s.prepared.filter { s.preparedList.contains($0.key) }
        }
    }

    func isPreparedListed(_ url: URL) -> Bool { state.withLock { $0.preparedList.contains(url) } }

    func isPrepared(_ url: URL) -> Bool { state.withLock { $0.prepared[url] != nil } }

    func prepare(_ url: URL, rate: Int, channels: Int, prerollMilliseconds: Double) {
        guard let stream = try? ClipStream(url: url, outputRate: rate, outputChannels: channels) else { return }
        let frames = Int(prerollMilliseconds * Double(rate) / 1000)
        guard (try? stream.fill(atLeast: frames)) != nil else { return }
        stream.park()
        state.withLock { s in
            if s.preparedList.contains(url) { s.prepared[url] = stream }
        }
    }

    /// A prepared stream for `url` in this format, handed over to the playback thread (and prepared again
    /// in the background for the next press of the same stop).
    func takePrepared(_ url: URL, rate: Int, channels: Int) -> ClipStream? {
        let stream = state.withLock { s in s.prepared.removeValue(forKey: url) }
        guard let stream, stream.outputRate == rate, stream.outputChannels == channels else { return nil }
        let preroll = Double(stream.availableFrames) * 1000 / Double(rate)
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            // The decoder back while the preroll plays, then the stop prepared again for its next press.
            stream.openAhead()
            if isPreparedListed(url) { prepare(url, rate: rate, channels: channels, prerollMilliseconds: preroll) }
            // Preparing opened and closed a decoder: its freed pages back to the kernel, or every stop played once
            // leaves its share in malloc's arenas.
            releaseFreedMemory()
        }
        return stream
    }
}

/// A plain detached POSIX thread (not Foundation's `Thread`, so the engine needs only FoundationEssentials and a
/// kiosk process stays small). The playback loop blocks in `poll`, which must not tie up a Swift concurrency thread.
private func startThread(_ body: @escaping @Sendable () -> Void) {
    final class Body: Sendable { let run: @Sendable () -> Void; init(_ run: @escaping @Sendable () -> Void) { self.run = run } }
    let context = Unmanaged.passRetained(Body(body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { raw in
        let body = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
        body.run()
        return nil
    }, context)
    guard result == 0 else {
        // Without a thread of its own the engine cannot play; run the loop on a Dispatch thread instead.
        let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
        DispatchQueue.global(qos: .userInteractive).async { body.run() }
        return
    }
    pthread_detach(thread)
}
