import AudiogidCore
import AudiogidManifest
import Foundation
import Testing

/// A stop's optional picture (`image:`), which MPD clients show as the cover of its queue entry.
@Suite(.timeLimit(.minutes(3))) struct StopImageTests {
    /// A copy of the demo tour moyo-selo with its clips, `image:` added to the pond (stop 7).
    func library(image: String, writing file: String?) throws -> (folder: URL, manifest: URL) {
        let folder = try FixturePaths.temporaryFolder()
        let tours = folder.appendingPathComponent("tours"), audio = folder.appendingPathComponent("audio")
        try FileManager.default.createDirectory(at: tours, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: FixturePaths.demoTours.appendingPathComponent("moyo-selo"),
                                         to: tours.appendingPathComponent("moyo-selo"))
        try FileManager.default.copyItem(at: FixturePaths.packageRoot.appendingPathComponent("audio/moyo-selo"),
                                         to: audio.appendingPathComponent("moyo-selo"))
        if let file { try Data([0x89, 0x50, 0x4E, 0x47]).write(to: audio.appendingPathComponent(file)) }
        let manifest = tours.appendingPathComponent("moyo-selo/tour.yaml")
        let yaml = try String(contentsOf: manifest, encoding: .utf8)
        try yaml.replacingOccurrences(of: "    number: 7\n", with: "    number: 7\n    image: \(image)\n")
            .write(to: manifest, atomically: true, encoding: .utf8)
        return (folder, manifest)
    }

    @Test func aNamedPictureIsReadIntoTheStop() throws {
        let (folder, manifest) = try library(image: "moyo-selo/pond.png", writing: "moyo-selo/pond.png")
        defer { try? FileManager.default.removeItem(at: folder) }
        let loaded = try TourLoader.load(path: manifest.path)
        #expect(loaded.tour.stops.first { $0.id == "pond" }?.image == "moyo-selo/pond.png")
        #expect(loaded.tour.stops.filter { $0.image != nil }.count == 1)
    }

    @Test func aMissingOrEscapingPictureIsAnErrorAtItsLine() throws {
        for (image, expected) in [("moyo-selo/none.png", "is not a file inside the audio folder"), ("../../etc/passwd", "escapes")] {
            let (folder, manifest) = try library(image: image, writing: nil)
            defer { try? FileManager.default.removeItem(at: folder) }
            let report = TourLoader.validate(manifestPath: manifest.path)
            let finding = try #require(report.findings.first { $0.field == "stops[6].image" })
            #expect(finding.severity == .error && finding.message.contains(expected), "\(finding.message)")
            let line = try String(contentsOf: manifest, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                .firstIndex { $0.contains("image: ") }.map { $0 + 1 }
            #expect(finding.location.line == line)
        }
    }
}
