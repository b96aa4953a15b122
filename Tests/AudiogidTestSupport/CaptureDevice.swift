import Foundation

/// ALSA's `file` plugin as the speaker of a daemon under test: what the daemon plays is written, sample for
/// sample, into a WAV file the test reads back. Shared by the kiosk and trigger end-to-end tests.
public enum CaptureDevice {
    public struct NoAudio: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes `asound.conf` into `folder` with only a `capture` PCM that records into a WAV file (not paced);
    /// returns its path, for ALSA_CONFIG_PATH (which replaces the system's configuration).
    @discardableResult
    public static func writeALSAConfig(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("asound.conf").path
        try """
            pcm.capture {
                @args [ FILE ]
                @args.FILE { type string }
                type file
                slave.pcm { type null }
                file $FILE
                format "wav"
            }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// 16-bit samples of a WAV the file plugin wrote. Its sizes are filled in only when the device closes,
    /// so the data chunk is found by its name and read to the end of the file.
    public static func samples(_ url: URL) throws -> [Int16] {
        let data = try Data(contentsOf: url)
        guard let range = data.range(of: Data("data".utf8)) else {
            throw NoAudio(description: "\(url.path) has no data chunk")
        }
        return data[(range.upperBound + 4)...].withUnsafeBytes { raw in Array(raw.bindMemory(to: Int16.self)) }
    }
}
