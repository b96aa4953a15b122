import AudiogidCore
import AudiogidManifest
import Foundation
import Testing

/// Whatever a user writes, the validator answers with findings; it never crashes or hangs.
@Suite(.timeLimit(.minutes(3))) struct HostileInputTests {
    func validate(_ bytes: Data) throws -> ValidationReport {
        let folder = try FixturePaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = folder.appendingPathComponent("tour.yaml")
        try bytes.write(to: manifest)
        return TourLoader.validate(manifestPath: manifest.path)
    }

    func onlyError(_ report: ValidationReport) -> String? {
        #expect(report.findings.count == 1)
        #expect(report.findings.first?.location.line == 1)
        return report.findings.first.map { $0.severity == .error ? $0.message : "not an error" }
    }

    @Test func binaryJunkIsNotAManifest() throws {
        var generator = SystemRandomNumberGenerator()
        let junk = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) } + [0])
        #expect(onlyError(try validate(junk))?.contains("is not a text file") == true)
    }

    @Test func textInAnotherEncodingIsNamed() throws {
        let windows1251 = Data([0xCC, 0xEE, 0xB8, 0x20, 0xF1, 0xE5, 0xEB, 0xEE])   // "Моё село" in cp1251
        #expect(onlyError(try validate(windows1251))?.contains("not UTF-8") == true)
    }

    @Test func emptyAndNonMappingManifests() throws {
        #expect(onlyError(try validate(Data()))?.contains("empty") == true)
        #expect(onlyError(try validate(Data("- one\n- two\n".utf8)))?.contains("must be a set of 'key: value' fields") == true)
    }

    @Test func aHugeManifestIsRefusedBeforeParsing() throws {
        let line = Data("# padding padding padding padding padding padding padding padding padding padding\n".utf8)
        var huge = Data(capacity: 50 << 20)
        while huge.count < 50 << 20 { huge.append(line) }
        #expect(onlyError(try validate(huge))?.contains("larger than 8 MB") == true)
    }

    /// Deep nesting would overflow a recursive reader's stack; libyaml's nesting limit stops it first.
    @Test func deeplyNestedYAMLIsASyntaxError() throws {
        let deep = "title: " + String(repeating: "[", count: 200_000)
        #expect(onlyError(try validate(Data(deep.utf8)))?.contains("YAML syntax error") == true)
    }

    @Test func aTruncatedDemoManifestGivesASyntaxOrFieldError() throws {
        let demo = try Data(contentsOf: FixturePaths.demoTours.appendingPathComponent("moyo-selo/tour.yaml"))
        for fraction in [0.1, 0.33, 0.5, 0.77, 0.95] {
            let cut = demo.prefix(Int(Double(demo.count) * fraction))
            // A cut can split a UTF-8 sequence; either way the result must be an error, never a crash.
            let report = try validate(cut)
            #expect(report.hasErrors, "cut at \(fraction) passed validation")
        }
    }

    /// Random edits of a real manifest: deleted spans, inserted punctuation, duplicated lines.
    @Test func randomMutationsNeverCrash() throws {
        let demo = try String(contentsOf: FixturePaths.demoTours.appendingPathComponent("koltso-vremeni/tour.yaml"), encoding: .utf8)
        var generator = SplitMix64(seed: 20261127)
        let junk = [":", "{", "}", "[", "]", "- ", "\n", "  ", "\"", "'", "&a", "*a", "!!binary", "~", "#", "\t", "10e999", "-0"]
        var withErrors = 0
        for _ in 0..<150 {
            var characters = Array(demo)
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let at = Int.random(in: 0..<characters.count, using: &generator)
                switch Int.random(in: 0...2, using: &generator) {
                case 0: characters.removeSubrange(at..<min(characters.count, at + Int.random(in: 1...30, using: &generator)))
                case 1: characters.insert(contentsOf: junk.randomElement(using: &generator)!, at: at)
                default: characters.insert(contentsOf: characters[at..<min(characters.count, at + 40)], at: at)
                }
            }
            let mutated = String(characters)
            let report = try validate(Data(mutated.utf8))
            if report.hasErrors { withErrors += 1 }
            for finding in report.findings { #expect(finding.location.line >= 1 && finding.location.column >= 1) }
        }
        #expect(withErrors > 50, "most random edits must be caught")
    }
}
