import AudiogidDaemon
import ArgumentParser
import AudiogidCore
import AudiogidManifest
import AudiogidMessages
import Foundation

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check tours for everything a kiosk would trip on.",
        discussion: """
        Each PATH is a tour folder, its tour.yaml, or a library folder holding tours/ and audio/;
        a kiosk.yaml is checked as `audiogid check-config` does.
        Prints one line per finding: FILE:LINE:COL: error|warning: message.
        Exit status: 0 no errors, 1 errors found, 2 usage error.
        """
    )

    @Argument(help: "Tour folders, tour.yaml files, library folders or kiosk.yaml files.")
    var paths: [String]

    @Option(help: "Folder holding the clips, instead of the library's audio/ folder.")
    var audio: String?

    @Option(help: "text or json.")
    var format: OutputFormat = .text

    @Flag(help: "Print errors only.")
    var quiet = false

    func run() async throws {
        let language = Language.staff
        var manifests: [String] = []
        var configs: [ConfigCheck] = []
        for path in paths {
            if KioskFile.isKioskConfig(path) {
                configs.append(ConfigCheck(path: path))
                continue
            }
            do { manifests += try TourLibrary.manifestPaths(for: path) } catch {
                throw ValidationError(language.render(error.wording))
            }
        }
        var reports = manifests.map { TourLoader.validate(manifestPath: $0, audioDirectory: audio) }
        flagDuplicateTourIDs(&reports)

        switch format {
        case .json:
            print(try JSONOutput.encode(ValidationSummary(reports: reports, configs: configs)))
        case .text:
            for config in configs { config.printText(quiet: quiet) }
            for report in reports {
                for finding in report.findings where !(quiet && finding.severity == .warning) {
                    print(finding.line(in: language))
                }
                let errors = report.findings.filter { $0.severity == .error }.count
                let warnings = report.findings.count - errors
                if errors == 0, let tour = report.tour, !quiet {
                    let clips = report.clips.count
                    printError(language.render(Wording(.validateOK, .text(report.manifestPath), .number(tour.stops.count), .number(clips),
                                                       .text(tour.languages.joined(separator: ", ")), .number(warnings))))
                } else if errors > 0 {
                    printError(language.render(Wording(.validateErrors, .text(report.manifestPath), .number(errors), .number(warnings))))
                }
            }
        }
        if reports.contains(where: \.hasErrors) || configs.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }

    /// Two tours with one id in a library would fight over the same name on a kiosk.
    private func flagDuplicateTourIDs(_ reports: inout [ValidationReport]) {
        var firstByID: [String: String] = [:]
        for index in reports.indices {
            guard let id = reports[index].tour?.id, !id.isEmpty else { continue }
            if let first = firstByID[id] {
                reports[index].findings.append(Finding(.error, at: SourceLocation(file: reports[index].manifestPath, line: 1, column: 1),
                                                       Wording(.duplicateTourID, .text(id), .text(first)), field: "id"))
            } else {
                firstByID[id] = reports[index].manifestPath
            }
        }
    }
}

/// `validate --format json`: the same findings, for tools and editors.
struct ValidationSummary: Encodable {
    struct Item: Encodable {
        var file: String
        var line: Int
        var column: Int
        var severity: String
        var message: String
        var stop: String?
        var field: String?
        var security: Bool

        init(_ finding: Finding) {
            file = finding.location.file
            line = finding.location.line
            column = finding.location.column
            severity = finding.severity.rawValue
            message = finding.message
            stop = finding.stop
            field = finding.field
            security = finding.isSecurity
        }
    }
    struct TourResult: Encodable {
        var manifest: String
        var tour: String?
        var errors: Int
        var warnings: Int
        var findings: [Item]
    }
    var ok: Bool
    var tours: [TourResult]
    /// kiosk.yaml files given among the paths.
    var configs: [ConfigCheck]

    init(reports: [ValidationReport], configs: [ConfigCheck] = []) {
        ok = !reports.contains(where: \.hasErrors) && configs.allSatisfy(\.ok)
        self.configs = configs
        tours = reports.map { report in
            let items = report.findings.map(Item.init)
            let errors = items.filter { $0.severity == "error" }.count
            return TourResult(manifest: report.manifestPath, tour: report.tour?.id, errors: errors,
                              warnings: items.count - errors, findings: items)
        }
    }
}
