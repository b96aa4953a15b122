import CEbur128
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// A clip's loudness as EBU R128 measures it: what normalisation needs to play every clip equally loud
/// without clipping.
public struct LoudnessInfo: Sendable, Equatable, Codable {
    /// Integrated loudness in LUFS; `-infinity` for a silent clip.
    public var integratedLUFS: Double
    /// The highest inter-sample peak over all channels, in dBTP.
    public var truePeakDBTP: Double

    public init(integratedLUFS: Double, truePeakDBTP: Double) {
        self.integratedLUFS = integratedLUFS
        self.truePeakDBTP = truePeakDBTP
    }
}

/// Loudness measurement (libebur128) and the gain that brings a clip to the target.
///
/// See https://github.com/jiixyj/libebur128 and EBU Tech 3341/3342.
public enum Loudness {
    /// Measures a clip's integrated loudness and true peak, streaming it through libsndfile.
    /// Costs one decode of the clip: do it once (when a tour is installed) and keep the result.
    public static func measure(_ url: URL) throws(AudioError) -> LoudnessInfo {
        let file = try SoundFile(url: url)
        let mode = Int32(EBUR128_MODE_I.rawValue | EBUR128_MODE_TRUE_PEAK.rawValue)
        guard let state = ebur128_init(UInt32(file.channels), UInt(file.sampleRate), mode) else {
            throw AudioError(.loudness, "cannot measure \(url.path): libebur128 refused "
                             + "\(file.channels) channels at \(file.sampleRate) Hz")
        }
        var handle: UnsafeMutablePointer<ebur128_state>? = state
        defer { ebur128_destroy(&handle) }
        let chunk = 4096
        var buffer = [Float](repeating: 0, count: chunk * file.channels)
        while true {
            let got = try buffer.withUnsafeMutableBufferPointer { (b) throws(AudioError) -> Int in
                try file.read(into: b.baseAddress!, frames: chunk)
            }
            if got == 0 { break }
            let err = buffer.withUnsafeBufferPointer { ebur128_add_frames_float(state, $0.baseAddress, got) }
            guard err == Int32(EBUR128_SUCCESS.rawValue) else {
                throw AudioError(.loudness, "cannot measure \(url.path): libebur128 error \(err)", code: err)
            }
        }
        var lufs = 0.0
        ebur128_loudness_global(state, &lufs)
        var peak = 0.0
        for channel in 0 ..< file.channels {
            var p = 0.0
            if ebur128_true_peak(state, UInt32(channel), &p) == Int32(EBUR128_SUCCESS.rawValue) { peak = max(peak, p) }
        }
        return LoudnessInfo(integratedLUFS: lufs, truePeakDBTP: peak > 0 ? 20 * log10(peak) : -.infinity)
    }

    /// The gain in dB that plays a clip at `targetLUFS`, lowered so its true peak stays at or under
    /// `truePeakLimitDBTP`, and never more than `maxBoostDB` up. A silent clip (or no measurement) gets 0 dB.
    public static func gainDB(for info: LoudnessInfo?, targetLUFS: Double, truePeakLimitDBTP: Double,
                              maxBoostDB: Double) -> Double {
        guard let info, info.integratedLUFS.isFinite else { return 0 }
        var gain = min(targetLUFS - info.integratedLUFS, maxBoostDB)
        if info.truePeakDBTP.isFinite { gain = min(gain, truePeakLimitDBTP - info.truePeakDBTP) }
        return gain
    }

    /// A clip's loudness as heard from an output with `outputChannels`: a mono clip copied to both speakers
    /// is 3 dB louder (EBU R128 sums the channels' power) than the same clip measured alone. Without this, mono
    /// narration would play 3 dB above stereo music normalised to the same target.
    public static func asPlayed(_ info: LoudnessInfo, sourceChannels: Int, outputChannels: Int) -> LoudnessInfo {
        guard sourceChannels == 1, outputChannels > 1 else { return info }
        var played = info
        played.integratedLUFS += 10 * log10(Double(outputChannels))
        return played
    }

    /// Linear amplitude factor for a gain in dB.
    public static func amplitude(dB: Double) -> Double { pow(10, dB / 20) }
}

/// Measurements already made, keyed by clip path, file size and modification time so an edited clip
/// is measured again. Kept in memory; `save`/`load` keep it in a JSON file between runs (the daemon keeps
/// its own in SQLite).
public final class LoudnessCache: Sendable {
    private struct Key: Hashable, Codable { var path: String; var size: Int64; var modified: Double }
    private struct Entry: Codable { var key: Key; var info: LoudnessInfo }
    private let entries = Mutex<[Key: LoudnessInfo]>([:])

    public init() {}

    public func cached(_ url: URL) -> LoudnessInfo? {
        guard let key = Self.key(url) else { return nil }
        return entries.withLock { $0[key] }
    }

    public func store(_ info: LoudnessInfo, for url: URL) {
        guard let key = Self.key(url) else { return }
        entries.withLock { $0[key] = info }
    }

    /// The cached measurement, or a new one (then cached).
    public func loudness(of url: URL) throws(AudioError) -> LoudnessInfo {
        if let info = cached(url) { return info }
        let info = try Loudness.measure(url)
        store(info, for: url)
        return info
    }

    public func load(from file: URL) {
        guard let data = try? Data(contentsOf: file),
              let list = try? JSONDecoder().decode([Entry].self, from: data) else { return }
        entries.withLock { dict in for entry in list { dict[entry.key] = entry.info } }
    }

    public func save(to file: URL) throws {
        let list = entries.withLock { $0.map { Entry(key: $0.key, info: $0.value) } }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONEncoder().encode(list).write(to: file, options: .atomic)
    }

    private static func key(_ url: URL) -> Key? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return Key(path: url.standardizedFileURL.path, size: Int64(info.st_size), modified: modified)
    }
}
