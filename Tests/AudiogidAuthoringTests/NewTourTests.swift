import AudiogidAuthoring
import AudiogidCore
import AudiogidManifest
import AudiogidTestSupport
import Foundation
import Testing

@Suite("audiogid new", .timeLimit(.minutes(3)))
struct NewTourTests {
    @Test("a new tour validates at once, with its audio folder and comments in the staff's language")
    func newTourValidates() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let result = try BuiltTool.run(["new", "nashe-selo", "--title", "Наше село", "--languages", "ru,zh,en",
                                        "--library", scratch.url.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let manifest = scratch.path("tours/nashe-selo/tour.yaml")
        #expect(FileManager.default.fileExists(atPath: scratch.path("audio/nashe-selo").path))
        let report = TourLoader.validate(manifestPath: manifest.path)
        #expect(!report.hasErrors, "\(report.findings.map(\.line))")
        #expect(report.tour?.languages == ["ru", "zh", "en"])
        #expect(report.tour?.title.byLanguage["ru"] == "Наше село")
        #expect(report.tour?.stops.map(\.id) == ["first-stop"])
        let text = try String(contentsOf: manifest, encoding: .utf8)
        #expect(text.contains("# Языки экскурсии"))
    }

    @Test("a boat tour gets a located stop with a geofence, and English comments for English staff")
    func boatTour() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let created = try NewTour.create(id: "river", title: "River trip", languages: ["en"], mode: .boat, library: scratch.url)
        let report = TourLoader.validate(manifestPath: created.manifest.path)
        #expect(!report.hasErrors, "\(report.findings.map(\.line))")
        #expect(report.tour?.mode == .boat)
        #expect(report.tour?.stops.first?.radiusM == 250)
        #expect(try String(contentsOf: created.manifest, encoding: .utf8).contains("# The tour's languages"))
    }

    @Test("a bad id, a bad language or an existing tour is refused with a clear message and exit status 2")
    func refusals() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let badID = try BuiltTool.run(["new", "Наше", "--title", "T", "--languages", "ru", "--library", scratch.url.path])
        #expect(badID.status == 2)
        #expect(badID.stderr.contains("small latin letters"))
        let badLanguage = try BuiltTool.run(["new", "ok", "--title", "T", "--languages", "russian", "--library", scratch.url.path])
        #expect(badLanguage.status == 2)
        #expect(badLanguage.stderr.contains("'russian' is not a language code"))
        _ = try BuiltTool.run(["new", "twice", "--title", "T", "--languages", "ru", "--library", scratch.url.path])
        let again = try BuiltTool.run(["new", "twice", "--title", "T", "--languages", "ru", "--library", scratch.url.path])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists"))
    }
}
