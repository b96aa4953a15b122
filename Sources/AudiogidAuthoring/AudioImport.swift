import AudiogidAudio
import AudiogidCore
import Foundation

/// Phone recordings into tour clips: FFmpeg decodes whatever the phone wrote (M4A/AAC, MP3, AMR, 3GP, Opus, WAV),
/// trims the silence at both ends keeping a short lead-in, and encodes Ogg Vorbis, mono, at a speech rate.
/// The original is only read, never changed.
public enum AudioImport {
    /// Silence kept before the first word and after the last, so a clip does not start mid-breath.
    public static let leadInSeconds = 0.3
    /// Below this a recording is far too quiet (R128 integrated loudness); above the next, far too loud.
    public static let quietLUFS = -35.0
    public static let loudLUFS = -9.0
    /// The sample rate and quality of the clips: mono Vorbis at 22.05 kHz carries speech well (about 40 kbit/s).
    static let sampleRate = 22050
    static let vorbisQuality = "2"

    public struct Converted: Sendable {
        public var source: URL
        public var clip: URL
        /// The clip's path under `audio/`, as the tour names it.
        public var clipPath: String
        public var stop: Stop
        public var loudness: LoudnessInfo
        public var seconds: Double
        /// Runs of samples at full scale in the recording.
        public var clippedRuns: Int
        public var warnings: [String]
    }

    /// The stop a file belongs to: the number its name starts with (`03 Храм.m4a`, `Запись 3.amr` → 3), else a stop id
    /// its name holds (the longest one).
    public static func stop(for file: URL, in tour: Tour) -> Stop? {
        let name = file.deletingPathExtension().lastPathComponent.lowercased()
        if let id = tour.stops.map(\.id).filter({ name.contains($0) }).max(by: { $0.count < $1.count }) { return tour.stop(id: id) }
        let numbers = name.split(whereSeparator: { !($0.isASCII && $0.isNumber) }).compactMap { Int($0) }
        let matching = numbers.compactMap { tour.stop(number: $0) }
        return matching.count == 1 ? matching[0] : nil
    }

    public static func clipPath(tour: Tour, stop: Stop, language: String) -> String {
        "\(tour.id)/\(String(stop.number).leftPadded(to: 2))-\(stop.id).\(language).ogg"
    }

    /// Converts one recording into `audioDirectory/clipPath`, measuring it on the way.
    public static func convert(_ source: URL, stop: Stop, tour: Tour, language: String, audioDirectory: URL,
                               clipPath chosenPath: String? = nil) throws(AuthoringError) -> Converted {
        let ffmpeg = try FFmpeg.locate()
        let path = chosenPath ?? clipPath(tour: tour, stop: stop, language: language)
        let clip = audioDirectory.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: source.path) else { throw AuthoringError("\(source.path): no such file") }
        if source.standardizedFileURL.resolvingSymlinksInPath() == clip.standardizedFileURL.resolvingSymlinksInPath() {
            throw AuthoringError("\(source.path) is the clip itself; import recordings from another folder (originals are never overwritten)")
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("audiogid-import-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        do {
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: clip.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw AuthoringError("cannot create \(clip.deletingLastPathComponent().path): \(error.localizedDescription)")
        }
        // 1. Decode, mix to mono and trim, into floating point, where clipping and loudness are measured.
        let trimmed = work.appendingPathComponent("trimmed.wav")
        let lead = String(leadInSeconds)
        let trim = "silenceremove=start_periods=1:start_threshold=-50dB:start_silence=\(lead):detection=peak,"
            + "areverse,silenceremove=start_periods=1:start_threshold=-50dB:start_silence=\(lead):detection=peak,areverse"
        try FFmpeg.run(ffmpeg, ["-i", source.path, "-vn", "-ac", "1", "-af", trim, "-c:a", "pcm_f32le", trimmed.path], about: source)
        let samples = try WAVFloats.read(trimmed)
        guard !samples.samples.isEmpty else {
            throw AuthoringError("\(source.lastPathComponent): nothing but silence (check the recording plays on the phone)")
        }
        let loudness: LoudnessInfo
        do { loudness = try Loudness.measure(trimmed) } catch {
            throw AuthoringError("\(source.lastPathComponent): cannot measure loudness: \(error)")
        }
        let clipped = clippedRuns(samples.samples)
        // 2. Encode the clip. Into a temporary name first, so a failed run never leaves half a clip.
        let encoded = work.appendingPathComponent("clip.ogg")
        try FFmpeg.run(ffmpeg, ["-i", trimmed.path, "-ar", String(sampleRate), "-c:a", "libvorbis", "-q:a", vorbisQuality,
                                encoded.path], about: source)
        do {
            if FileManager.default.fileExists(atPath: clip.path) { try FileManager.default.removeItem(at: clip) }
            try FileManager.default.moveItem(at: encoded, to: clip)
        } catch {
            throw AuthoringError("cannot write \(clip.path): \(error.localizedDescription)")
        }
        var warnings: [String] = []
        let figures = String(format: "%.1f LUFS, true peak %.1f dBTP", loudness.integratedLUFS, loudness.truePeakDBTP)
        if clipped > 0 {
            warnings.append("clipped in \(clipped) places (\(figures)): record again further from the microphone or with a lower input level")
        }
        if loudness.integratedLUFS < quietLUFS {
            warnings.append("far too quiet (\(figures)): record again closer to the microphone")
        } else if loudness.integratedLUFS > loudLUFS {
            warnings.append("far too loud (\(figures)): record again further from the microphone")
        }
        var updated = stop
        updated.audio[language] = path
        // The last machine-spoken draft replaced by a recording: the stop is no longer a draft.
        if updated.draft, !updated.audio.values.contains(where: { $0.contains(".draft.") }) { updated.draft = false }
        return Converted(source: source, clip: clip, clipPath: path, stop: updated, loudness: loudness,
                         seconds: Double(samples.samples.count) / Double(samples.sampleRate), clippedRuns: clipped,
                         warnings: warnings)
    }

    /// Runs of three or more samples in a row at (or over) full scale: a peak that touches 0 dBFS once is fine,
    /// a flattened top is clipping.
    static func clippedRuns(_ samples: [Float]) -> Int {
        var runs = 0
        var length = 0
        for sample in samples {
            if abs(sample) >= 0.999 {
                length += 1
                if length == 3 { runs += 1 }
            } else {
                length = 0
            }
        }
        return runs
    }
}

/// Finding and running Debian's `ffmpeg`.
enum FFmpeg {
    static func locate() throws(AuthoringError) -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("ffmpeg")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw AuthoringError("ffmpeg is not installed, and recordings need it to be converted; install it with: sudo apt-get install ffmpeg")
    }

    static func run(_ ffmpeg: URL, _ arguments: [String], about source: URL) throws(AuthoringError) {
        let process = Process()
        process.executableURL = ffmpeg
        process.arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + arguments
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("audiogid-ffmpeg-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        do {
            let handle = try FileHandle(forWritingTo: errors)
            defer { try? handle.close() }
            process.standardError = handle
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
        } catch {
            throw AuthoringError("cannot run \(ffmpeg.path): \(error.localizedDescription)")
        }
        guard process.terminationStatus == 0 else {
            let message = (try? String(contentsOf: errors, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            throw AuthoringError("\(source.lastPathComponent): ffmpeg cannot convert it (is it a recording?): \(message.split(separator: "\n").last ?? "")")
        }
    }
}

/// The samples of a 32-bit float WAV that ffmpeg wrote (`pcm_f32le`), found by walking its chunks.
enum WAVFloats {
    static func read(_ url: URL) throws(AuthoringError) -> (samples: [Float], sampleRate: Int) {
        guard let data = try? Data(contentsOf: url), data.count >= 12, data.prefix(4) == Data("RIFF".utf8) else {
            throw AuthoringError("\(url.path): ffmpeg wrote no WAV")
        }
        func u32(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 | Int(data[at + 2]) << 16 | Int(data[at + 3]) << 24 }
        var offset = 12
        var rate = 0
        while offset + 8 <= data.count {
            let id = String(decoding: data[offset..<offset + 4], as: UTF8.self)
            var size = u32(offset + 4)
            let body = offset + 8
            if id == "fmt " { rate = u32(body + 4) }
            if id == "data" {
                // ffmpeg may leave the size unset when it could not seek back; then the data runs to the end.
                if size == 0 || size == 0xFFFF_FFFF || body + size > data.count { size = data.count - body }
                let count = size / 4
                var floats = [Float](repeating: 0, count: count)
                _ = floats.withUnsafeMutableBytes { data.copyBytes(to: $0, from: body..<body + count * 4) }
                return (floats, rate)
            }
            offset = body + size + size % 2
        }
        throw AuthoringError("\(url.path): the WAV ffmpeg wrote has no samples")
    }
}
