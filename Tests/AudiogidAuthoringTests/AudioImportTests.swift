@testable import AudiogidAuthoring
import AudiogidCore
import AudiogidManifest
import AudiogidTestSupport
import Foundation
import Testing

extension ExternalProgramTests {
    /// Recordings made in the test as phones make them: AAC in M4A by ffmpeg, AMR-NB by SoX (Debian's ffmpeg decodes AMR
    /// but cannot encode it).
    @Suite("phone recordings into clips", .timeLimit(.minutes(3)))
    struct AudioImportTests {
        /// A tone of `seconds` at `amplitude` between `silence` seconds of silence, as a phone records a short talk.
        static func recording(_ url: URL, amplitude: Double, seconds: Double = 2, silence: Double = 1.5, codec: [String]) throws {
            let graph = "anullsrc=r=44100:cl=mono,atrim=0:\(silence)[a];"
                + "aevalsrc=\(amplitude)*sin(2*PI*330*t)*(0.6+0.4*sin(2*PI*3*t)):s=44100:d=\(seconds)[b];"
                + "anullsrc=r=44100:cl=mono,atrim=0:\(silence)[c];[a][b][c]concat=n=3:v=0:a=1"
            try Tool.run("/usr/bin/ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-filter_complex", graph] + codec + [url.path])
        }

        static func duration(_ url: URL) throws -> Double {
            let out = try Tool.run("/usr/bin/ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", url.path]).stdout
            return try #require(Double(out.trimmingCharacters(in: .whitespacesAndNewlines)))
        }

        @Test("an M4A and an AMR become trimmed mono Vorbis clips in the tour; the originals are untouched")
        func m4aAndAMR() throws {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let library = try scratch.demoLibrary()
            // Clips are written, so this library gets its own copy of the tour's clips.
            try FileManager.default.removeItem(at: library.appendingPathComponent("audio"))
            try FileManager.default.createDirectory(at: library.appendingPathComponent("audio"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: BuiltTool.packageRoot.appendingPathComponent("audio/moyo-selo"),
                                             to: library.appendingPathComponent("audio/moyo-selo"))
            let m4a = scratch.path("03 Памятник.m4a")
            try Self.recording(m4a, amplitude: 0.3, codec: ["-c:a", "aac", "-b:a", "96k"])
            let wav = scratch.path("voice.wav")
            try Self.recording(wav, amplitude: 0.3, codec: ["-ar", "8000", "-c:a", "pcm_s16le"])
            let amr = scratch.path("Запись school.amr")
            try Tool.run("/usr/bin/sox", [wav.path, "-t", "amr-nb", "-C", "7", amr.path])
            let originals = try [m4a, amr].map { try Data(contentsOf: $0) }

            let result = try BuiltTool.run(["import-audio", m4a.path, amr.path, "--tour", "moyo-selo", "--lang", "en",
                                            "--library", library.path])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("moyo-selo/03-memorial.en.ogg"))
            #expect(result.stderr.contains("moyo-selo/02-school.en.ogg"))
            #expect(try [m4a, amr].map { try Data(contentsOf: $0) } == originals)

            for clip in ["moyo-selo/03-memorial.en.ogg", "moyo-selo/02-school.en.ogg"] {
                let url = library.appendingPathComponent("audio/\(clip)")
                let stream = try Tool.run("/usr/bin/ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,channels",
                                                               "-of", "csv=p=0", url.path]).stdout
                #expect(stream.trimmingCharacters(in: .whitespacesAndNewlines) == "vorbis,1")
                // 2 s of speech plus at most the lead-in at each end: the 1.5 s silences are gone.
                let seconds = try Self.duration(url)
                #expect(seconds > 1.9 && seconds < 2 + 2 * AudioImport.leadInSeconds + 0.15, "\(clip): \(seconds) s")
            }
            let tour = try #require(TourLoader.validate(manifestPath: TourSheets.manifest(tour: "moyo-selo", library: library).path,
                                                        checkClips: false).tour)
            #expect(tour.stop(id: "memorial")?.audio["en"] == "moyo-selo/03-memorial.en.ogg")
            #expect(tour.stop(id: "school")?.audio["en"] == "moyo-selo/02-school.en.ogg")
            #expect(tour.stop(id: "memorial")?.audio["ru"] == "moyo-selo/03-memorial.ru.ogg")
        }

        @Test("clipping, a far-too-quiet and a normal recording: warnings carry R128 figures")
        func loudnessWarnings() throws {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let tour = Tour(id: "t", title: LocalizedText(["en": "T"]), languages: ["en"], stops: [Stop(id: "a", number: 1)])
            let audio = scratch.path("audio")
            func convert(_ amplitude: Double) throws -> AudioImport.Converted {
                let source = scratch.path("rec-\(amplitude).m4a")
                try Self.recording(source, amplitude: amplitude, codec: ["-c:a", "aac"])
                return try AudioImport.convert(source, stop: tour.stops[0], tour: tour, language: "en", audioDirectory: audio)
            }
            let clipped = try convert(1.6)
            #expect(clipped.clippedRuns > 10)
            #expect(clipped.warnings.contains { $0.hasPrefix("clipped in") && $0.contains("LUFS") && $0.contains("dBTP") }, "\(clipped.warnings)")
            let quiet = try convert(0.01)
            #expect(quiet.loudness.integratedLUFS < AudioImport.quietLUFS)
            #expect(quiet.warnings.contains { $0.hasPrefix("far too quiet") }, "\(quiet.warnings)")
            let normal = try convert(0.25)
            #expect(normal.warnings.isEmpty, "\(normal.warnings)")
            #expect(normal.loudness.integratedLUFS > -30 && normal.loudness.integratedLUFS < -10)
        }

        @Test("file names find stops by number or id; without either the file is refused")
        func matching() throws {
            let tour = Tour(id: "t", languages: ["ru"], stops: [Stop(id: "church", number: 4), Stop(id: "pond", number: 7)])
            #expect(AudioImport.stop(for: URL(fileURLWithPath: "/x/04 Храм.m4a"), in: tour)?.id == "church")
            #expect(AudioImport.stop(for: URL(fileURLWithPath: "/x/Запись 7.amr"), in: tour)?.id == "pond")
            #expect(AudioImport.stop(for: URL(fileURLWithPath: "/x/pond-take2.m4a"), in: tour)?.id == "pond")
            #expect(AudioImport.stop(for: URL(fileURLWithPath: "/x/Новая запись.m4a"), in: tour) == nil)
        }

        @Test("without ffmpeg on PATH the message says how to install it")
        func missingFFmpeg() throws {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let library = try scratch.demoLibrary()
            let file = try scratch.write("01.wav", "not audio")
            let result = try BuiltTool.run(["import-audio", file.path, "--tour", "moyo-selo", "--lang", "ru", "--library", library.path],
                                           environment: ["PATH": scratch.url.path])
            #expect(result.status == 1)
            #expect(result.stdout.contains("ffmpeg is not installed") && result.stdout.contains("apt-get install ffmpeg"), "\(result.stdout)")
        }
    }
}
