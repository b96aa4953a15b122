import AudiogidCore
import CSndFile
import Foundation

/// A clip that libsndfile could not read, with libsndfile's own reason.
public struct ClipProbeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Reads a clip's real length, sample rate and channel count from its header with libsndfile
/// (WAV, FLAC, Ogg Vorbis, Opus, MP3). It never decodes the audio itself.
public enum ClipProbe {
    public static func probe(_ url: URL) throws(ClipProbeError) -> ClipInfo {
        var info = SF_INFO()
        guard let file = sf_open(url.path, Int32(SFM_READ), &info) else {
            // libsndfile's global message for an unrecognised file is "File does not exist or is not a regular
            // file", which misleads staff looking at a file that is plainly there; say what it means instead.
            let message = String(cString: sf_strerror(nil))
            let code = Int(sf_error(nil))
            let reason = code == SF_ERR_UNRECOGNISED_FORMAT || message.contains("does not exist")
                ? "its contents are not a sound format Audiogid reads (WAV, FLAC, Ogg Vorbis, Opus, MP3)"
                : message
            throw ClipProbeError(path: url.path, reason: "not a playable sound file: \(reason)")
        }
        defer { sf_close(file) }
        return ClipInfo(frames: Int64(info.frames), sampleRate: Int(info.samplerate), channels: Int(info.channels),
                        format: formatName(info.format))
    }

    /// "OGG/VORBIS", "WAV/PCM_16", ... as a technician would search for it.
    static func formatName(_ format: Int32) -> String {
        let major = format & Int32(SF_FORMAT_TYPEMASK)
        let minor = format & Int32(SF_FORMAT_SUBMASK)
        let majors: [Int32: String] = [
            Int32(SF_FORMAT_WAV): "WAV", Int32(SF_FORMAT_FLAC): "FLAC", Int32(SF_FORMAT_OGG): "OGG",
            Int32(SF_FORMAT_AIFF): "AIFF", Int32(SF_FORMAT_MPEG): "MPEG", Int32(SF_FORMAT_W64): "W64",
            Int32(SF_FORMAT_RF64): "RF64", Int32(SF_FORMAT_AU): "AU", Int32(SF_FORMAT_CAF): "CAF",
        ]
        let minors: [Int32: String] = [
            Int32(SF_FORMAT_PCM_16): "PCM_16", Int32(SF_FORMAT_PCM_24): "PCM_24", Int32(SF_FORMAT_PCM_32): "PCM_32",
            Int32(SF_FORMAT_PCM_U8): "PCM_U8", Int32(SF_FORMAT_PCM_S8): "PCM_S8", Int32(SF_FORMAT_FLOAT): "FLOAT",
            Int32(SF_FORMAT_DOUBLE): "DOUBLE", Int32(SF_FORMAT_VORBIS): "VORBIS", Int32(SF_FORMAT_OPUS): "OPUS",
            Int32(SF_FORMAT_MPEG_LAYER_III): "MP3", Int32(SF_FORMAT_MPEG_LAYER_II): "MP2",
            Int32(SF_FORMAT_ULAW): "ULAW", Int32(SF_FORMAT_ALAW): "ALAW",
        ]
        return "\(majors[major] ?? "0x\(String(major, radix: 16))")/\(minors[minor] ?? "0x\(String(minor, radix: 16))")"
    }
}
