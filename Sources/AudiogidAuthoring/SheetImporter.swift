import AudiogidCore
import AudiogidMessages
import AudiogidManifest
import Foundation

/// `audiogid import` and `export`: a tour's stops to a spreadsheet and back into its `tour.yaml`.
public enum TourSheets {
    public enum Format: String, Sendable, CaseIterable {
        case csv, xlsx
    }

    /// The manifest of tour `id` in `library` (`LIBRARY/tours/ID/tour.yaml`), or the path itself when it is one.
    public static func manifest(tour id: String, library: URL) -> URL {
        library.appendingPathComponent("tours/\(id)/tour.yaml")
    }

    /// Reads the tour as it is now; refuses a manifest that cannot be read into a tour at all.
    public static func currentTour(_ manifest: URL) throws(AuthoringError) -> Tour {
        guard FileManager.default.fileExists(atPath: manifest.path) else {
            throw AuthoringError(Wording(.noSuchTour, .text(manifest.path)))
        }
        let report = TourLoader.validate(manifestPath: manifest.path, checkClips: false)
        guard let tour = report.tour, !report.findings.contains(where: { $0.severity == .error && $0.field == nil }) else {
            throw AuthoringError(Wording(.fixTheseFirst), after: report.findings.filter { $0.severity == .error })
        }
        return tour
    }

    public static func export(_ tour: Tour, format: Format) throws(AuthoringError) -> Data {
        let (columns, rows) = SheetExport.rows(for: tour)
        switch format {
        case .csv: return CSVSheet.write(rows)
        case .xlsx:
            let numeric = Set(columns.indices.filter { columns[$0].isNumeric })
            return try XLSXSheet.write(rows, numeric: numeric)
        }
    }

    public static func read(_ file: URL) throws(AuthoringError) -> Sheet {
        switch file.pathExtension.lowercased() {
        case "xlsx": return try XLSXSheet.read(file)
        case "csv", "txt", "tsv": return try CSVSheet.read(file)
        default: throw AuthoringError(Wording(.sheetFileKind, .text(file.path)))
        }
    }

    public struct ImportResult: Sendable {
        public var plan: SheetPlan
        public var written: Bool
        /// What the validator says about the tour after the import, placed in the sheet where it can be.
        public var findings: [Finding]
        public var updated: Int
        public var added: Int
    }

    /// Plans the sheet against the tour, and when the sheet has no errors writes the tour and validates it.
    public static func importSheet(_ sheet: Sheet, manifest: URL, checkClips: Bool = true) throws(AuthoringError) -> ImportResult {
        let tour = try currentTour(manifest)
        let plan = SheetImport.plan(sheet, into: tour)
        let updated = plan.edits.filter { $0.index != nil && !$0.changed.isEmpty }.count
        let added = plan.edits.filter { $0.index == nil }.count
        guard !plan.hasErrors else {
            return ImportResult(plan: plan, written: false, findings: plan.findings, updated: 0, added: 0)
        }
        let text: String
        do { text = try String(contentsOf: manifest, encoding: .utf8) } catch {
            throw AuthoringError(Wording(.cannotBeRead, .text(manifest.path), .text(error.localizedDescription)))
        }
        let edited = try ManifestEditor.apply(plan.edits, to: text, file: manifest.path, languages: tour.languages)
        if edited != text {
            do { try edited.write(to: manifest, atomically: true, encoding: .utf8) } catch {
                throw AuthoringError(Wording(.cannotBeWritten, .text(manifest.path), .text(error.localizedDescription)))
            }
        }
        let report = TourLoader.validate(manifestPath: manifest.path, checkClips: checkClips)
        let placed = report.findings.map { finding -> Finding in
            guard let tour = report.tour, let location = plan.sheetLocation(of: finding, tour: tour, file: sheet.file) else { return finding }
            var moved = finding
            moved.location = location
            return moved
        }
        return ImportResult(plan: plan, written: edited != text, findings: plan.findings + placed, updated: updated, added: added)
    }
}
