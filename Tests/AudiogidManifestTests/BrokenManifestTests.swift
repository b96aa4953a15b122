import AudiogidCore
@testable import AudiogidManifest
import Foundation
import Testing

/// Each fixture under Fixtures/library/tours/ carries `# expect: <severity>: <text>` on the line where the
/// validator must report the fault. Every expected finding must appear on that line, and no error may
/// appear on a line without a marker.
@Suite(.timeLimit(.minutes(3))) struct BrokenManifestTests {
    struct Expectation {
        var line: Int
        var severity: Finding.Severity
        var text: String
    }

    static let fixtureNames: [String] = (try? FileManager.default.contentsOfDirectory(atPath: FixturePaths.brokenTours.path).sorted()) ?? []

    static func expectations(in manifest: String) throws -> [Expectation] {
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            guard let range = line.range(of: "# expect: ") else { return nil }
            let rest = line[range.upperBound...]
            guard let colon = rest.firstIndex(of: ":"), let severity = Finding.Severity(rawValue: String(rest[..<colon])) else {
                return nil
            }
            return Expectation(line: index + 1, severity: severity,
                               text: rest[rest.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
    }

    @Test func thereAreFixturesForEveryListedFault() {
        let required = ["syntax-error", "unknown-tour-key", "unknown-stop-key", "wrong-types", "duplicate-id", "duplicate-number",
                        "missing-number", "coordinates-out-of-range", "route-start-unknown", "undeclared-language", "missing-clip",
                        "text-file-as-mp3", "truncated-ogg", "empty-clip", "path-escapes", "absolute-path", "symlink-outside"]
        for name in required { #expect(Self.fixtureNames.contains(name), "fixture \(name) is missing") }
    }

    @Test(arguments: fixtureNames)
    func findingIsReportedAtTheMarkedLine(_ name: String) throws {
        let manifest = FixturePaths.brokenTours.appendingPathComponent("\(name)/tour.yaml").path
        let expectations = try Self.expectations(in: manifest)
        #expect(!expectations.isEmpty, "fixture \(name) has no '# expect:' marker")
        let report = TourLoader.validate(manifestPath: manifest)

        for expected in expectations {
            let match = report.findings.first {
                $0.location.line == expected.line && $0.severity == expected.severity && $0.message.contains(expected.text)
            }
            #expect(match != nil, "\(name): expected \(expected.severity) '\(expected.text)' at line \(expected.line); got \(report.findings.map(\.line))")
            #expect(match?.location.file == manifest)
        }
        let markedLines = Set(expectations.map(\.line))
        for finding in report.findings where finding.severity == .error {
            #expect(markedLines.contains(finding.location.line), "\(name): unexpected \(finding.line)")
        }
        #expect(report.hasErrors == expectations.contains { $0.severity == .error })
    }

    @Test(arguments: ["path-escapes", "absolute-path", "symlink-outside"])
    func escapingClipPathsAreSecurityErrors(_ name: String) {
        let report = TourLoader.validate(manifestPath: FixturePaths.brokenTours.appendingPathComponent("\(name)/tour.yaml").path)
        let security = report.findings.filter(\.isSecurity)
        #expect(security.count == 1)
        #expect(security.first?.stop == "second")
        #expect(security.first?.field == "stops[1].audio.en")
        #expect(report.clips["clips/good.ogg"] != nil, "the good clip is still checked")
    }

    @Test func loadThrowsEveryErrorOfABrokenTour() {
        let path = FixturePaths.brokenTours.appendingPathComponent("wrong-types").path
        #expect(throws: TourLoadError.self) { try TourLoader.load(path: path) }
        do {
            _ = try TourLoader.load(path: path)
        } catch {
            #expect(error.findings.filter { $0.severity == .error }.count == 2)
        }
    }
}
