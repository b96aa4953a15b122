@testable import AudiogidControl
import AudiogidCore
import AudiogidManifest
import AudiogidStore
import Foundation
import AudiogidTestSupport
import Testing
@testable import AudiogidKiosk

/// The daemon process with its real audio engine writing into ALSA's `file` plugin: what came out
/// is exactly what a speaker would have been sent.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DaemonAudioTests {
    @Test func aPlayedStopComesOutOfTheDeviceInTheChosenLanguageWithFallback() async throws {
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
        let alsa = try CaptureDevice.writeALSAConfig(in: folder)
        let daemon = try DaemonProcess(folder: folder, arguments: ["--config", config.path, "--device", "capture:FILE=\"\(wav.path)\""],
                                       environment: ["ALSA_CONFIG_PATH": alsa])
        #expect(await daemon.ready(), "\(daemon.output)")
        #expect(try await daemon.ctl("lang", "en").status == 0)
        // Stop 5 has no English clip: the Russian one plays, and the log says so.
        #expect(try await daemon.ctl("play", "5").status == 0)
        #expect(await eventually(10) { (try? await daemon.ctl("status").output.contains("state: stop")) == true })
        await daemon.terminate()
        #expect(daemon.process.terminationStatus == 0)

        let clip = try ClipProbe.probe(folder.appendingPathComponent("audio/moyo-selo/05-club.ru.ogg"))
        let samples = try CaptureDevice.samples(wav)
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

    @Test func volumeReachesTheSamples() async throws {
        let folder = try makeDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let alsa = try CaptureDevice.writeALSAConfig(in: folder)
        var peaks: [Int] = []
        for volume in [100, 25] {
            let wav = folder.appendingPathComponent("out-\(volume).wav")
            let config = folder.appendingPathComponent("kiosk.yaml")
            try "audio: {paced: false}\nvolume: \(volume)\n".write(to: config, atomically: true, encoding: .utf8)
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(KioskStore.fileName))
            let daemon = try DaemonProcess(folder: folder, arguments: ["--config", config.path, "--device", "capture:FILE=\"\(wav.path)\""],
                                           environment: ["ALSA_CONFIG_PATH": alsa])
            #expect(await daemon.ready(), "\(daemon.output)")
            #expect(try await daemon.ctl("play", "7").status == 0)
            #expect(await eventually(10) { (try? await daemon.ctl("status").output.contains("state: stop")) == true })
            await daemon.terminate()
            peaks.append(try CaptureDevice.samples(wav).map { Int(abs(Int32($0))) }.max() ?? 0)
        }
        #expect(peaks[0] > 3000)
        #expect(peaks[1] * 4 < peaks[0])  // 25 % on a perceptual (cubic) curve is far quieter than a quarter
    }
}

/// Preempt and stop, as the device received them: a long clip cut by a press (or `stop`) part-way,
/// faded rather than clicked. The `file` plugin takes samples as fast as the engine makes them, so the
/// long clip is ten minutes: the press arrives long before the engine could have written all of it
/// (a debug build writes it at about 90 times real time: seconds, not milliseconds).
@Suite(.serialized, .timeLimit(.minutes(3))) struct DaemonCutTests {
    static func makeTour(in folder: URL) async throws {
        let tour = folder.appendingPathComponent("tours/cut"), audio = folder.appendingPathComponent("audio/cut")
        try FileManager.default.createDirectory(at: tour, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
        for (name, seconds, hz) in [("long", 600, 440), ("short", 1, 880)] {
            // 8 kHz mono WAV: cheap to make (no encoder run) and small (9.6 MB for ten minutes); the engine resamples it.
            let wav = audio.appendingPathComponent("\(name).wav").path
            #expect(try await runToEnd("/usr/bin/sox", ["-n", "-r", "8000", "-c", "1", "-b", "16", wav, "synth", "\(seconds)", "sine", "\(hz)", "vol", "0.5"]).status == 0)
        }
        // Index the clips as a previous start would have, so the daemon does not spend seconds of CPU measuring
        // ten minutes of sine (which starves the other suites running in parallel).
        let store = try KioskStore(path: folder.appendingPathComponent(KioskStore.fileName).path)
        for name in ["long", "short"] {
            let url = audio.appendingPathComponent("\(name).wav")
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            try store.saveClips([IndexedClip(path: "cut/\(name).wav", size: (attributes[.size] as! NSNumber).int64Value,
                                             modified: (attributes[.modificationDate] as! Date).timeIntervalSince1970,
                                             checksum: "test", info: try ClipProbe.probe(url), loudnessLUFS: -9, truePeakDBTP: -6,
                                             indexedAt: 0)])
        }
        try store.close()
        try """
            format: 1
            id: cut
            title: Cut
            languages: [en]
            stops:
              - {id: long, number: 1, title: Long, audio: {en: cut/long.wav}}
              - {id: short, number: 2, title: Short, audio: {en: cut/short.wav}}
            """.write(to: tour.appendingPathComponent("tour.yaml"), atomically: true, encoding: .utf8)
    }

    /// Runs the daemon on the `cut` tour, sends `words` one after the other, waits for silence, returns the left channel.
    static func record(_ commands: [[String]], in folder: URL) async throws -> (left: [Int16], daemon: DaemonProcess) {
        let wav = folder.appendingPathComponent("out.wav")
        let alsa = try CaptureDevice.writeALSAConfig(in: folder)
        let config = folder.appendingPathComponent("kiosk.yaml")
        try "tour: cut\naudio: {paced: false}\n".write(to: config, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(folder: folder, arguments: ["--config", config.path, "--device", "capture:FILE=\"\(wav.path)\""],
                                       environment: ["ALSA_CONFIG_PATH": alsa])
        #expect(await daemon.ready(within: 20), "\(daemon.output)")
        // One connection for every command: the unpaced sink writes the long clip out in a second or two, and the
        // second command must arrive before that however slowly the machine starts processes.
        let client = try ControlClient(address: daemon.socket, timeout: 10)
        for (index, words) in commands.enumerated() {
            if index > 0 {
                // Let the clip before run for a second of output first, so what is cut is there to be seen.
                let second = 48000 * 2 * 2
                #expect(await Wait.until(20) { ((try? FileManager.default.attributesOfItem(atPath: wav.path)[.size] as? Int) ?? 0) > second })
            }
            #expect(try client.send(ControlClient.protocolLine(forCtl: words)).ok)
        }
        #expect(await eventually(60) { (try? await daemon.ctl("status").output.contains("state: stop")) == true })
        await daemon.terminate()
        let samples = try CaptureDevice.samples(wav)
        return (stride(from: 0, to: samples.count - 1, by: 2).map { samples[$0] }, daemon)
    }

    /// Sign changes per second over `frames` at the end: about twice the tone's frequency.
    static func crossingsPerSecond(_ left: ArraySlice<Int16>) -> Double {
        var count = 0
        var previous = left.first ?? 0
        for sample in left.dropFirst() where sample != 0 {
            if (sample > 0) != (previous > 0) { count += 1 }
            previous = sample
        }
        return Double(count) / (Double(left.count) / 48000)
    }

    /// The largest jump between neighbouring samples, relative to the peak: a sine at 880 Hz moves at most
    /// 0.12 of its peak per sample at 48 kHz; a cut without a fade jumps by up to twice the peak.
    static func largestStep(_ left: [Int16]) -> Double {
        let peak = Double(left.map { abs(Int32($0)) }.max() ?? 1)
        var step: Int32 = 0
        for i in 1 ..< left.count { step = max(step, abs(Int32(left[i]) - Int32(left[i - 1]))) }
        return Double(step) / peak
    }

    @Test func aPressPreemptsTheLongClipWithAFadeAndTheNewStopPlaysWhole() async throws {
        let folder = try makeDataFolder(tours: [])
        defer { try? FileManager.default.removeItem(at: folder) }
        try await Self.makeTour(in: folder)
        let (left, daemon) = try await Self.record([["play", "1"], ["play", "2"]], in: folder)
        let seconds = Double(left.count) / 48000
        // The long clip lasts 600 s; an unpaced sink takes it as fast as the CPU resamples, so on a quiet machine
        // much of it may be out before the press lands. Cut before its end is what counts.
        #expect(seconds > 1 && seconds < 599, "\(seconds) s written: the long clip was not cut")
        #expect(abs(Self.crossingsPerSecond(left.suffix(24000)) - 1760) < 60)    // the end is the 880 Hz stop
        #expect(abs(Self.crossingsPerSecond(left.prefix(24000)) - 880) < 60)     // the start the 440 Hz one
        #expect(Self.largestStep(left) < 0.3)
        let plays = try KioskStore(readingOnly: folder.appendingPathComponent(KioskStore.fileName).path).plays()
        #expect(plays.map(\.stopNumber) == [1, 2])
        #expect(plays.map(\.outcome) == ["interrupted", "finished"])
        _ = daemon
    }

    @Test func stopFadesOutPartWay() async throws {
        let folder = try makeDataFolder(tours: [])
        defer { try? FileManager.default.removeItem(at: folder) }
        try await Self.makeTour(in: folder)
        let (left, _) = try await Self.record([["play", "1"], ["stop"]], in: folder)
        let seconds = Double(left.count) / 48000
        // How much is written before the stop depends on how fast the unpaced sink takes samples; what matters
        // is that the clip started, was cut long before its end, and faded rather than clicked.
        #expect(seconds > 0.006 && seconds < 599, "\(seconds) s written: the 600 s clip was not cut")
        #expect(Self.largestStep(left) < 0.3)
        #expect(abs(Int32(left.last ?? 0)) < 500)  // faded to (near) silence, not cut mid-wave
    }
}
