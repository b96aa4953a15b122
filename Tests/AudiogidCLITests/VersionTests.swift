import Foundation
import Testing

/// `audiogid --version` prints the VERSION file, the one place the version is written (the Debian package is
/// named after it too).
@Suite(.timeLimit(.minutes(3))) struct VersionTests {
    @Test func versionFlagPrintsTheVersionFile() throws {
        let file = try String(contentsOf: CLI.packageRoot.appendingPathComponent("VERSION"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(file.range(of: #"^[0-9]+\.[0-9]+\.[0-9]+([~+.][0-9A-Za-z.~+]+)?$"#, options: .regularExpression) != nil,
                "VERSION must be a Debian-compatible version, got \(file)")
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == file + "\n")
    }
}
