@testable import AudiogidAuthoring
import AudiogidCore
import AudiogidManifest
import AudiogidTestSupport
import Foundation
import Testing

extension ExternalProgramTests {
    @Suite("draft narration with espeak-ng", .timeLimit(.minutes(3)))
    struct NarrationTests {
        @Test("narrate makes draft clips the validator warns about; a recording then clears the draft")
        func draftsThenRecording() throws {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let library = scratch.url
            _ = try NewTour.create(id: "proba", title: "Проба", languages: ["ru", "en"], mode: .walk, library: library)
            let narrated = try BuiltTool.run(["narrate", "proba", "--lang", "ru", "--library", library.path])
            #expect(narrated.status == 0, "\(narrated.stdout)\(narrated.stderr)")
            let clip = library.appendingPathComponent("audio/proba/01-first-stop.ru.draft.ogg")
            let seconds = try Double(Tool.run("/usr/bin/ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", clip.path])
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            #expect(seconds > 1, "espeak-ng spoke the transcript")
            let manifest = TourSheets.manifest(tour: "proba", library: library)
            var report = TourLoader.validate(manifestPath: manifest.path)
            #expect(!report.hasErrors, "\(report.findings.map(\.line))")
            #expect(report.tour?.stops[0].draft == true)
            #expect(report.tour?.stops[0].audio["ru"] == "proba/01-first-stop.ru.draft.ogg")
            #expect(report.findings.contains { $0.severity == .warning && $0.message.contains("machine-spoken draft") })

            let recording = scratch.path("01 first.m4a")
            try AudioImportTests.recording(recording, amplitude: 0.3, codec: ["-c:a", "aac"])
            let imported = try BuiltTool.run(["import-audio", recording.path, "--tour", "proba", "--lang", "ru", "--library", library.path])
            #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
            report = TourLoader.validate(manifestPath: manifest.path)
            #expect(report.tour?.stops[0].draft == false)
            #expect(report.tour?.stops[0].audio["ru"] == "proba/01-first-stop.ru.ogg")
            #expect(!report.findings.contains { $0.message.contains("draft") })
        }

        @Test("stops with a recording in the language are never narrated over")
        func recordingsKept() throws {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let library = try scratch.demoLibrary()
            let manifest = TourSheets.manifest(tour: "moyo-selo", library: library)
            let before = try String(contentsOf: manifest, encoding: .utf8)
            let tour = try #require(TourLoader.validate(manifestPath: manifest.path, checkClips: false).tour)
            let result = try Narration.narrate(tour, language: "en", voice: nil, audioDirectory: scratch.path("audio"))
            #expect(result.edits.isEmpty)
            #expect(result.skipped.count == tour.stops.count)
            #expect(result.skipped.first { $0.id == "club" }?.reason == "no 'en' transcript")
            #expect(try String(contentsOf: manifest, encoding: .utf8) == before)
        }
    }
}
