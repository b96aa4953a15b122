import AudiogidCore
import AudiogidManifest
import Foundation

/// A tour ready to play: its manifest, its stops in route order, and what the clip index knows.
public struct InstalledTour: Sendable {
    public var loaded: LoadedTour
    /// The stops in route order: the queue.
    public var order: [Stop]
    /// Measured loudness by clip path (relative to `audio/`), from the clip index.
    public var loudness: [String: ClipLoudness]
    /// Each clip's modification time (seconds since 1970) by path, as the clip index read it: MPD's `Last-Modified`.
    public var modified: [String: Double]

    public init(loaded: LoadedTour, order: [Stop]? = nil, loudness: [String: ClipLoudness] = [:], modified: [String: Double] = [:]) {
        self.loaded = loaded
        self.order = order ?? loaded.tour.stops
        self.loudness = loudness
        self.modified = modified
    }

    public var tour: Tour { loaded.tour }

    /// The library's `audio/` folder when the tour's own clips live elsewhere (an installed package's release):
    /// the kiosk's sounds that are not the tour's (`system/`, the idle prompt) are found there.
    public var libraryAudioDirectory: URL?

    func speakerClip(_ clip: ClipChoice) -> SpeakerClip {
        let url = loaded.clips[clip.path] == nil ? libraryAudioDirectory.map { $0.appendingPathComponent(clip.path) } : nil
        return SpeakerClip(url: url ?? loaded.clipURL(clip.path), loudnessLUFS: loudness[clip.path]?.lufs,
                    truePeakDBTP: loudness[clip.path]?.truePeak, durationSeconds: loaded.clips[clip.path]?.durationSeconds)
    }

    /// The clips a visitor in `language` would hear, in route order: what the speaker prepares.
    func clipURLs(language: String) -> [URL] {
        order.compactMap { tour.clip(for: $0, language: language) }.map { loaded.clipURL($0.path) }
    }
}

/// A clip's integrated loudness (LUFS) and true peak (dBTP), as measured once into the clip index.
public struct ClipLoudness: Sendable, Equatable {
    public var lufs: Double
    public var truePeak: Double?
}
