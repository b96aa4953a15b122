import AudiogidDaemon
import ArgumentParser
import AudiogidCore
import AudiogidManifest
import AudiogidWeb
import Foundation

/// Checks a kiosk.yaml the way the daemon reads it, without starting anything: a technician runs it after an edit,
/// before `systemctl restart audiogid`.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a kiosk.yaml (every section, triggers included) without starting the kiosk.",
        discussion: """
        Prints one line per finding: FILE:LINE:COL: error: message, with a "did you mean" for a misspelt key.
        On a clean file, prints what it sets up: tour, audio device, control socket, triggers.
        Exit status: 0 no errors, 1 errors found, 2 usage error.
        """
    )

    @Argument(help: "The kiosk config.")
    var file: String = "kiosk.yaml"

    @Option(help: "text or json.")
    var format: OutputFormat = .text

    func run() async throws {
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("\(file): no such file") }
        let check = ConfigCheck(path: file)
        switch format {
        case .json: print(try JSONOutput.encode(check))
        case .text: check.printText()
        }
        if !check.ok { throw ExitCode(1) }
    }
}

/// A kiosk.yaml's findings and, when it is clean, what it sets up; shared by `check-config` and `validate`.
struct ConfigCheck: Encodable {
    var file: String
    var ok: Bool
    var errors: Int
    var warnings: Int
    var findings: [ValidationSummary.Item]
    /// What the file sets up, when it has no errors.
    var summary: [String]?

    init(path: String) {
        var (kiosk, found) = KioskFile.check(path: path)
        // The `web:` section is the staff page's (`audiogid web`), checked here too so one run finds every mistake.
        if let document = try? YAMLDocument.read(file: path) {
            found = (found + WebSettings.read(document).1).sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        }
        file = path
        findings = found.map(ValidationSummary.Item.init)
        errors = found.filter { $0.severity == .error }.count
        warnings = found.count - errors
        ok = errors == 0
        summary = ok ? kiosk?.summary : nil
    }

    /// Findings on stdout (for editors and scripts), the verdict on stderr, as `validate` does.
    func printText(quiet: Bool = false) {
        for finding in findings where !(quiet && finding.severity == "warning") {
            print("\(finding.file):\(finding.line):\(finding.column): \(finding.severity): \(finding.message)")
        }
        if let summary, !quiet {
            printError("\(file): ok; " + summary.joined(separator: "; "))
        } else if errors > 0 {
            printError("\(file): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        }
    }
}
