import AudiogidCore
@testable import AudiogidManifest
import Foundation
import Testing

/// `version:` in tour.yaml: optional, a whole number or dotted numbers, read as written.
@Suite(.timeLimit(.minutes(3))) struct TourVersionFieldTests {
    func load(_ versionLine: String) throws -> ValidationReport {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("version-\(UUID().uuidString)/tours/t")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent().deletingLastPathComponent()) }
        let manifest = folder.appendingPathComponent("tour.yaml")
        try Data("format: 1\nid: t\n\(versionLine)title: T\nlanguages: [en]\nstops:\n  - {id: a, number: 1}\n".utf8).write(to: manifest)
        return TourLoader.validate(manifestPath: manifest.path, checkClips: false)
    }

    @Test func readsWholeAndDottedVersions() throws {
        #expect(try load("version: 3\n").tour?.version == TourVersion("3"))
        // YAML would read 1.10 as the float 1.1; the tour's version is what was written.
        #expect(try load("version: 1.10\n").tour?.version?.description == "1.10")
        #expect(try load("version: 2026.11.2\n").tour?.version == TourVersion("2026.11.2"))
        #expect(try load("").tour?.version == nil)
    }

    @Test func refusesOtherValuesAtTheirLine() throws {
        for bad in ["0", "-2", "v3", "[1, 2]"] {
            let report = try load("version: \(bad)\n")
            let finding = report.findings.first { $0.severity == .error }
            #expect(finding?.location.line == 3, "\(bad)")
            #expect(finding?.field == "version")
        }
    }
}
