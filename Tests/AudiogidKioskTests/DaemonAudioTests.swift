import AudiogidCore
import AudiogidManifest
import AudiogidStore
import Foundation
import Testing
@testable import AudiogidKiosk

/// The daemon process with its real audio engine writing into ALSA's `file` plugin: what came out
/// is exactly what a speaker would have been sent.
@Suite(.serialized) struct DaemonAudioTests {
    /// An ALSA configuration with only a `capture` PCM that records into a WAV file (not paced).
    static func alsaConfig(in folder: URL) throws -> String {
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

    /// 16-bit samples of a WAV the file plugin wrote (its sizes are filled in when the device closes).
    static func samples(_ url: URL) throws -> [Int16] {
        let data = try Data(contentsOf: url)
        guard let range = data.range(of: Data("data".utf8)) else { return [] }
        let start = range.upperBound + 4
        return data[start...].withUnsafeBytes { raw in Array(raw.bindMemory(to: Int16.self)) }
    }

    @Test func aPlayedStopComesOutOfTheDeviceInTheChosenLanguageWithFallback() throws {
        let folder = try makeDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let wav = folder.appendingPathComponent("out.wav")
        let config = folder.appendingPathComponent("kiosk.yaml")
        try """
            audio:
              device: capture:FILE="\(wav.path)"
              paced: false
              sample_rate: 48000
              channels: 2
            """.write(to: config, atomically: true, encoding: .utf8)
        let alsa = try Self.alsaConfig(in: folder)
        let daemon = try DaemonProcess(folder: folder, arguments: ["--config", config.path, "--device", "capture:FILE=\"\(wav.path)\""],
                                       environment: ["ALSA_CONFIG_PATH": alsa])
        #expect(daemon.ready(), "\(daemon.output)")
        #expect(try daemon.ctl("lang", "en").status == 0)
        // Stop 5 has no English clip: the Russian one plays, and the log says so.
        #expect(try daemon.ctl("play", "5").status == 0)
        #expect(eventually(10) { (try? daemon.ctl("status").output.contains("state: stop")) == true })
        daemon.terminate()
        #expect(daemon.process.terminationStatus == 0)

        let clip = try ClipProbe.probe(folder.appendingPathComponent("audio/moyo-selo/05-club.ru.ogg"))
        let samples = try Self.samples(wav)
        let frames = samples.count / 2
        // The whole clip, resampled from 22.05 kHz to 48 kHz, and nothing else.
        #expect(abs(Double(frames) / 48000 - clip.durationSeconds) < 0.1, "\(frames) frames for a \(clip.durationSeconds) s clip")
        let peak = samples.map { Int(abs(Int32($0))) }.max() ?? 0
        #expect(peak > 3000)
        #expect(samples.prefix(16).allSatisfy { abs(Int32($0)) < 200 })  // faded in: no click at the start

        let store = try KioskStore(readingOnly: folder.appendingPathComponent(KioskStore.fileName).path)
        let plays = try store.plays()
        #expect(plays.count == 1)
        #expect(plays[0].language == "ru" && plays[0].stopNumber == 5 && plays[0].outcome == "finished")
        #expect(abs((plays[0].secondsHeard ?? 0) - clip.durationSeconds) < 0.1)
        // Loudness was measured into the clip index, once.
        let indexed = try store.indexedClips()
        #expect(indexed["moyo-selo/05-club.ru.ogg"]?.loudnessLUFS.map { $0 < -10 && $0 > -40 } == true)
    }

    @Test func volumeReachesTheSamples() throws {
        let folder = try makeDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let alsa = try Self.alsaConfig(in: folder)
        var peaks: [Int] = []
        for volume in [100, 25] {
            let wav = folder.appendingPathComponent("out-\(volume).wav")
            let config = folder.appendingPathComponent("kiosk.yaml")
            try "audio: {paced: false}\nvolume: \(volume)\n".write(to: config, atomically: true, encoding: .utf8)
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(KioskStore.fileName))
            let daemon = try DaemonProcess(folder: folder, arguments: ["--config", config.path, "--device", "capture:FILE=\"\(wav.path)\""],
                                           environment: ["ALSA_CONFIG_PATH": alsa])
            #expect(daemon.ready(), "\(daemon.output)")
            #expect(try daemon.ctl("play", "7").status == 0)
            #expect(eventually(10) { (try? daemon.ctl("status").output.contains("state: stop")) == true })
            daemon.terminate()
            peaks.append(try Self.samples(wav).map { Int(abs(Int32($0))) }.max() ?? 0)
        }
        #expect(peaks[0] > 3000)
        #expect(peaks[1] * 4 < peaks[0])  // 25 % on a perceptual (cubic) curve is far quieter than a quarter
    }
}
