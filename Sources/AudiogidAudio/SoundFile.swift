import CSndFile
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An open clip read frame by frame through libsndfile (WAV, FLAC, Ogg Vorbis, Opus, MP3).
///
/// Only a chunk at a time is ever in memory, so a 90-minute MP3 plays on a 512 MB Pi.
/// See http://libsndfile.github.io/libsndfile/api.html
final class SoundFile {
    let url: URL
    let sampleRate: Int
    let channels: Int
    /// Frames the header promises; 0 or less when the container does not say.
    let frames: Int64
    private let handle: OpaquePointer

    init(url: URL) throws(AudioError) {
        var info = SF_INFO()
        guard let handle = sf_open(url.path, Int32(SFM_READ), &info) else {
            let reason = String(cString: sf_strerror(nil))
            throw AudioError(.decode, "cannot read clip \(url.path): \(reason)")
        }
        guard info.channels > 0, info.samplerate > 0 else {
            sf_close(handle)
            throw AudioError(.decode, "cannot read clip \(url.path): no audio in it")
        }
        self.url = url
        self.handle = handle
        self.sampleRate = Int(info.samplerate)
        self.channels = Int(info.channels)
        self.frames = info.frames
    }

    deinit { sf_close(handle) }

    /// Reads up to `frames` interleaved frames, scaled to ±1.0. Returns 0 at the end of the clip.
    func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws(AudioError) -> Int {
        let got = sf_readf_float(handle, buffer, sf_count_t(frames))
        if got < frames {
            let code = sf_error(handle)
            if code != 0 {
                throw AudioError(.decode, "clip \(url.path) is damaged: \(String(cString: sf_error_number(code)))",
                                 code: code)
            }
        }
        return Int(max(got, 0))
    }

    /// Moves to `frame` (source frames); false when the format cannot seek there.
    func seek(toFrame frame: Int64) -> Bool {
        sf_seek(handle, sf_count_t(frame), SEEK_SET) >= 0
    }
}
