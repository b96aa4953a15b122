#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Whether a clip would play: it opens and its first samples decode. What a speaker without a device
/// (`device: none`) checks, so a missing or corrupt clip is reported as the audio engine would report it.
public enum PlayableCheck {
    /// Nil when the clip plays; else why not, in the engine's words.
    public static func problem(with url: URL) -> String? {
        do throws(AudioError) {
            let file = try SoundFile(url: url)
            var buffer = [Float](repeating: 0, count: 1024 * max(1, file.channels))
            let got = try buffer.withUnsafeMutableBufferPointer { (samples) throws(AudioError) -> Int in
                try file.read(into: samples.baseAddress!, frames: 1024)
            }
            return got == 0 ? "clip \(url.path) holds no audio" : nil
        } catch {
            return error.message
        }
    }
}
