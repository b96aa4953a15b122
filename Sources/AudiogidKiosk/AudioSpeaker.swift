import AudiogidAudio
import Foundation
import Logging
import Synchronization

/// The kiosk's speaker through the audio engine (ALSA): the engine plays, the kiosk decides.
public final class AudioSpeaker: Speaker, Sendable {
    public let engine: AudioEngine
    private let relay = EventRelay()
    private let listener: Task<Void, Never>

    public init(settings: AudioSettings, volumeCap: Int, logger: Logger) {
        let config = AudioOutputConfig(
            device: settings.device, sampleRate: settings.sampleRate, channels: settings.channels,
            periodFrames: max(32, settings.sampleRate * settings.periodMilliseconds / 1000),
            bufferFrames: max(64, settings.sampleRate * settings.periodMilliseconds / 1000 * settings.periods),
            closeWhenIdle: settings.closeWhenIdle, targetLUFS: settings.targetLUFS, maxVolume: volumeCap,
            initialVolume: 0, fadeMilliseconds: Double(settings.fadeMilliseconds), paced: settings.paced)
        engine = AudioEngine(config: config, logger: logger)
        let events = engine.events
        let relay = self.relay
        listener = Task.detached {
            for await event in events {
                switch event {
                case .finished(let token, let heard): relay.forward(.finished(token: token, secondsHeard: heard))
                case .failed(let token, let message): relay.forward(.failed(token: token, message: message))
                case .deviceLost(let message): relay.forward(.deviceLost(message))
                case .deviceRestored: relay.forward(.deviceRestored)
                // The player already knows it cut the clip (it asked), and when it asked.
                case .started, .interrupted: break
                }
            }
        }
        engine.start()
    }

    /// The factory the daemon passes to `Daemon`.
    public static let make: SpeakerFactory = { settings, cap, logger in
        AudioSpeaker(settings: settings, volumeCap: cap, logger: logger)
    }

    public func play(_ clip: SpeakerClip, token: UInt64) {
        if let lufs = clip.loudnessLUFS {
            engine.play(clip.url, loudness: LoudnessInfo(integratedLUFS: lufs, truePeakDBTP: clip.truePeakDBTP ?? .nan), token: token)
        } else {
            engine.play(clip.url, loudnessLUFS: nil, token: token)
        }
    }

    public func stop() { engine.stop() }
    public func pause() { engine.pause() }
    public func resume() { engine.resume() }
    public func seek(to seconds: Double, token: UInt64) { engine.seek(to: seconds, token: token) }
    public func setVolume(_ level: Int) { engine.setVolume(level) }
    public func prepare(_ clips: [URL]) { engine.prepare(clips) }
    public func deviceTried() async { await engine.deviceTried() }

    public var status: SpeakerStatus {
        let status = engine.status
        return SpeakerStatus(device: status.device, deviceOpen: status.deviceOpen, underruns: status.underruns)
    }

    public func setEventHandler(_ handler: @escaping @Sendable (SpeakerEvent) -> Void) {
        relay.set(handler)
    }

    public func shutdown() async {
        await engine.shutdown()
        listener.cancel()
    }

    /// Integrated loudness and true peak, for the clip index (decodes the whole clip once).
    public static func measure(_ url: URL) -> (lufs: Double, truePeak: Double)? {
        guard let info = try? Loudness.measure(url), info.integratedLUFS.isFinite else { return nil }
        return (info.integratedLUFS, info.truePeakDBTP)
    }
}

/// Hands engine events to the kiosk's handler, set after the speaker exists.
private final class EventRelay: Sendable {
    private let handler = Mutex<(@Sendable (SpeakerEvent) -> Void)?>(nil)
    func set(_ handler: @escaping @Sendable (SpeakerEvent) -> Void) { self.handler.withLock { $0 = handler } }
    func forward(_ event: SpeakerEvent) { handler.withLock { $0 }?(event) }
}
