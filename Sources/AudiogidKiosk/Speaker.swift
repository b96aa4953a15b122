import AudiogidAudio
import Foundation
import Logging

/// A clip ready for the speaker: where it is, how loud it was measured, how long it runs.
public struct SpeakerClip: Sendable, Equatable {
    public var url: URL
    public var loudnessLUFS: Double?
    public var truePeakDBTP: Double?
    public var durationSeconds: Double?

    public init(url: URL, loudnessLUFS: Double? = nil, truePeakDBTP: Double? = nil, durationSeconds: Double? = nil) {
        self.url = url
        self.loudnessLUFS = loudnessLUFS
        self.truePeakDBTP = truePeakDBTP
        self.durationSeconds = durationSeconds
    }
}

public enum SpeakerEvent: Sendable, Equatable {
    case finished(token: UInt64, secondsHeard: Double?)
    case failed(token: UInt64, message: String)
    case deviceLost(String)
    case deviceRestored
}

public struct SpeakerStatus: Sendable, Equatable {
    public var device: String
    public var deviceOpen: Bool
    public var underruns: Int

    public init(device: String, deviceOpen: Bool, underruns: Int) {
        self.device = device
        self.deviceOpen = deviceOpen
        self.underruns = underruns
    }
}

/// What the kiosk plays clips through. Two exist: the ALSA audio engine, and `SilentSpeaker` for a
/// kiosk with `device: none` (a remote-only test rig, CI, the soak benchmark), which keeps time
/// without making sound.
public protocol Speaker: AnyObject, Sendable {
    /// Start `clip` now, fading out whatever plays. Events for it carry `token`.
    func play(_ clip: SpeakerClip, token: UInt64)
    func stop()
    func pause()
    func resume()
    /// Carry on the clip of `token` (playing or paused) from `seconds` into it; past its end, it ends.
    func seek(to seconds: Double, token: UInt64)
    /// 0...100.
    func setVolume(_ level: Int)
    var status: SpeakerStatus { get }
    /// Called from the speaker's own thread; never while the speaker holds a lock the kiosk could wait on.
    func setEventHandler(_ handler: @escaping @Sendable (SpeakerEvent) -> Void)
    /// Get these clips ready (pre-decode their first moments) so a press on any of them sounds at once.
    func prepare(_ clips: [URL])
    /// Returns once the speaker has tried its device (open, or missing and logged): before READY.
    func deviceTried() async
    func shutdown() async
}

extension Speaker {
    public func prepare(_ clips: [URL]) {}
    public func deviceTried() async {}
    /// A speaker that cannot jump within a clip plays on from where it is.
    public func seek(to seconds: Double, token: UInt64) {}
}

/// A speaker that makes no sound but keeps the clip's time: it reports `finished` when the clip's
/// duration has passed (pauses excluded), so the player behaves as with real audio.
public final class SilentSpeaker: Speaker, @unchecked Sendable {  // every field is guarded by `lock`
    private let lock = NSLock()
    private var handler: (@Sendable (SpeakerEvent) -> Void)?
    private var current: (token: UInt64, remaining: Double, startedAt: Date?, duration: Double)?
    /// Sleeps until the clip's end; cancelled by a press, stop or pause.
    private var timer: Task<Void, Never>?

    public init() {}

    public var status: SpeakerStatus { SpeakerStatus(device: "none", deviceOpen: true, underruns: 0) }

    public func setEventHandler(_ handler: @escaping @Sendable (SpeakerEvent) -> Void) {
        lock.withLock { self.handler = handler }
    }

    public func play(_ clip: SpeakerClip, token: UInt64) {
        lock.withLock {
            timer?.cancel()
            current = (token, clip.durationSeconds ?? 1, Date(), clip.durationSeconds ?? 1)
            schedule()
        }
        // Off the caller's thread (the kiosk holds its lock), and off Swift's cooperative pool (it reads a file): a
        // clip that would not play fails as with a device.
        let url = clip.url
        DispatchQueue.global(qos: .userInitiated).async { [weak self] in
            guard let problem = PlayableCheck.problem(with: url) else { return }
            self?.fail(token: token, message: problem)
        }
    }

    private func fail(token: UInt64, message: String) {
        let handler: (@Sendable (SpeakerEvent) -> Void)? = lock.withLock {
            guard let playing = current, playing.token == token else { return nil }
            timer?.cancel()
            current = nil
            return self.handler
        }
        handler?(.failed(token: token, message: message))
    }

    public func stop() {
        lock.withLock {
            timer?.cancel()
            current = nil
        }
    }

    public func pause() {
        lock.withLock {
            guard var playing = current, let started = playing.startedAt else { return }
            timer?.cancel()
            playing.remaining -= Date().timeIntervalSince(started)
            playing.startedAt = nil
            current = playing
        }
    }

    public func resume() {
        lock.withLock {
            guard var playing = current, playing.startedAt == nil else { return }
            playing.startedAt = Date()
            current = playing
            schedule()
        }
    }

    public func seek(to seconds: Double, token: UInt64) {
        lock.withLock {
            guard var playing = current, playing.token == token else { return }
            timer?.cancel()
            playing.remaining = playing.duration - seconds
            if playing.startedAt != nil { playing.startedAt = Date() }
            current = playing
            if playing.startedAt != nil { schedule() }
        }
    }

    public func setVolume(_ level: Int) {}

    public func shutdown() async { stop() }

    /// Caller holds the lock.
    private func schedule() {
        guard let playing = current else { return }
        let token = playing.token, remaining = max(0, playing.remaining)
        timer = Task { [weak self] in
            do { try await Task.sleep(for: .seconds(remaining)) } catch { return }
            self?.fire(token: token)
        }
    }

    private func fire(token: UInt64) {
        let handler: (@Sendable (SpeakerEvent) -> Void)? = lock.withLock {
            guard let playing = current, playing.token == token, playing.startedAt != nil else { return nil }
            current = nil
            return self.handler
        }
        handler?(.finished(token: token, secondsHeard: nil))
    }
}

/// Makes the speaker a configuration asks for. The daemon passes the audio engine's; `device: none`
/// always gets a `SilentSpeaker`.
public typealias SpeakerFactory = @Sendable (AudioSettings, _ volumeCap: Int, Logger) throws -> Speaker
