import ArgumentParser
import AudiogidAuthoring
import AudiogidCore
import AudiogidMessages
import Foundation

extension TourSheets.Format: ExpressibleByArgument {}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a tour's stops to a spreadsheet (CSV or XLSX), one row per stop.",
        discussion: """
        Columns: number, id, title:LANG, lat, lon, ele, radius_m, dwell_s, audio:LANG, transcript:LANG.
        Edit it in Excel or LibreOffice, then bring it back with: audiogid import FILE --tour ID
        """
    )

    @Argument(help: "The tour id (its folder under LIBRARY/tours/).")
    var id: String

    @Option(help: "csv or xlsx.")
    var format: TourSheets.Format = .xlsx

    @Option(name: .shortAndLong, help: "The file to write (default: ID.csv or ID.xlsx here).")
    var output: String?

    @Option(help: "The library folder holding tours/ and audio/.")
    var library = "."

    func run() async throws {
        do {
            let tour = try TourSheets.currentTour(TourSheets.manifest(tour: id, library: URL(fileURLWithPath: library)))
            let data = try TourSheets.export(tour, format: format)
            let path = output ?? "\(id).\(format.rawValue)"
            try data.write(to: URL(fileURLWithPath: path))
            printError("wrote \(tour.stops.count) stops to \(path)")
        } catch let error as AuthoringError {
            throw ValidationError(error.description)
        }
    }
}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Update a tour's stops from a spreadsheet (CSV or XLSX) and check the result.",
        discussion: """
        Rows are matched to stops by id, else by number; rows for unknown stops add stops. Empty cells and columns
        the sheet lacks leave the tour as it was; comments in tour.yaml stay. Findings point at the sheet:
        FILE:ROW:COLUMN: error|warning: message. Exit status: 0 imported with no errors, 1 errors, 2 usage.
        """
    )

    @Argument(help: "The spreadsheet: .csv (UTF-8 or Windows-1251; ',', ';' or tab) or .xlsx.")
    var file: String

    @Option(help: "The tour id (its folder under LIBRARY/tours/).")
    var tour: String

    @Option(help: "The library folder holding tours/ and audio/.")
    var library = "."

    func run() async throws {
        let language = Language.staff
        let result: TourSheets.ImportResult
        do {
            let sheet = try TourSheets.read(URL(fileURLWithPath: file))
            result = try TourSheets.importSheet(sheet, manifest: TourSheets.manifest(tour: tour, library: URL(fileURLWithPath: library)))
        } catch {
            throw ValidationError(error.text(in: language))
        }
        for finding in result.findings { print(finding.line(in: language)) }
        if !result.written, result.plan.hasErrors {
            printError(language.render(Wording(.importNothing, .text(file))))
            throw ExitCode(1)
        }
        printError(language.render(Wording(.importDone, .text(tour), .number(result.updated), .number(result.added))))
        if result.findings.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }
}
