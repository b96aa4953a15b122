import AudiogidCore
import AudiogidMessages
import Foundation

/// What one spreadsheet row does to the tour: a stop changed (some of its fields) or a new stop.
public struct StopEdit: Sendable, Equatable {
    /// The stop's place in the tour's list; nil for a stop the sheet adds.
    public var index: Int?
    /// The stop with the sheet's values written over the manifest's.
    public var stop: Stop
    public var changed: Set<StopField>
    /// The sheet row it came from (0 when it came from elsewhere: a map, a recording).
    public var row: Int

    public init(index: Int?, stop: Stop, changed: Set<StopField>, row: Int) {
        self.index = index
        self.stop = stop
        self.changed = changed
        self.row = row
    }

    /// The fields whose values differ between two versions of a stop.
    public static func changes(from old: Stop, to new: Stop) -> Set<StopField> {
        Set(StopField.allCases.filter { !SheetImport.sameValue($0, old, new) })
    }
}

/// Everything a sheet would change, and what is wrong with it (findings at the sheet's row and column).
public struct SheetPlan: Sendable {
    public var edits: [StopEdit]
    public var findings: [Finding]
    /// Sheet columns by 0-based index, to place validator findings back in the sheet.
    public var columns: [Int: SheetColumn]
    /// The sheet row of each stop id the sheet names.
    public var rowOfStop: [String: Int]

    public var hasErrors: Bool { findings.contains { $0.severity == .error } }

    /// Where a validator finding about the manifest lies in the sheet: its stop's row, its field's column;
    /// nil for findings about anything the sheet does not hold.
    public func sheetLocation(of finding: Finding, tour: Tour, file: String) -> SourceLocation? {
        guard let field = finding.field, field.hasPrefix("stops["),
              let close = field.firstIndex(of: "]"),
              let index = Int(field[field.index(field.startIndex, offsetBy: 6)..<close]),
              index < tour.stops.count, let row = rowOfStop[tour.stops[index].id] else { return nil }
        var rest = String(field[field.index(after: close)...])
        if rest.hasPrefix(".") { rest.removeFirst() }
        // The column of the field itself, else of its parent (`location` → lat), else the row's first.
        let column = columns.first { $0.value.fieldPath == rest }?.key
            ?? columns.filter { !rest.isEmpty && $0.value.fieldPath.hasPrefix(rest + ".") }.keys.min()
        return SourceLocation(file: file, line: row, column: (column ?? 0) + 1)
    }
}

/// Reads a stops spreadsheet against the tour it updates.
public enum SheetImport {
    public static func plan(_ sheet: Sheet, into tour: Tour) -> SheetPlan {
        var plan = SheetPlan(edits: [], findings: [], columns: [:], rowOfStop: [:])
        func error(_ row: Int, _ column: Int, _ message: Wording) {
            plan.findings.append(Finding(.error, at: SourceLocation(file: sheet.file, line: row, column: column + 1), message))
        }
        guard let header = sheet.rows.first(where: { !$0.isBlank }) else {
            error(1, 0, Wording(.sheetEmpty))
            return plan
        }
        var seenColumns: [SheetColumn: Int] = [:]
        for (index, cell) in header.cells.enumerated() {
            let name = cell.trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty {
                // An empty header over filled cells is a column staff forgot to name; empty ones are spreadsheet padding.
                if let row = sheet.rows.first(where: { $0.number > header.number && !$0.cell(index).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
                    error(header.number, index, Wording(.columnUnnamed, .number(index + 1), .number(row.number)))
                }
                continue
            }
            guard let column = SheetColumn.parse(name, defaultLanguage: tour.defaultLanguage) else {
                error(header.number, index, Wording(.columnUnknown, .text(name)))
                continue
            }
            if let language = column.language, !tour.languages.contains(language) {
                error(header.number, index, Wording(.columnLanguage, .text(name), .text(language), .text(tour.languages.joined(separator: ", "))))
                continue
            }
            if let first = seenColumns[column] {
                error(header.number, index, Wording(.columnTwice, .text(name), .number(first + 1)))
                continue
            }
            seenColumns[column] = index
            plan.columns[index] = column
        }
        let idColumn = seenColumns[.id]
        let numberColumn = seenColumns[.number]
        if idColumn == nil, numberColumn == nil {
            error(header.number, 0, Wording(.sheetNeedsKey))
            return plan
        }
        var takenIDs = Set(tour.stops.map(\.id))
        for row in sheet.rows where row.number > header.number && !row.isBlank {
            let idText = idColumn.map { row.cell($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
            let numberText = numberColumn.map { row.cell($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
            var number: Int?
            if let numberColumn, !numberText.isEmpty {
                guard let value = SheetNumber.int(numberText) else {
                    error(row.number, numberColumn, Wording(.sheetNumberNotWhole, .text(numberText)))
                    continue
                }
                number = value
            }
            if let idColumn, !idText.isEmpty, !NewTour.isSlug(idText) {
                error(row.number, idColumn, Wording(.sheetBadID, .text(idText)))
                continue
            }
            let index: Int? = !idText.isEmpty ? tour.stops.firstIndex { $0.id == idText }
                : number.flatMap { number in tour.stops.firstIndex { $0.number == number } }
            var stop: Stop
            if let index {
                stop = tour.stops[index]
            } else {
                guard let number else {
                    error(row.number, numberColumn ?? idColumn ?? 0, Wording(.sheetNewStopNeedsNumber))
                    continue
                }
                stop = Stop(id: "", number: number)
            }
            if let earlier = plan.edits.first(where: { $0.index != nil && $0.index == index }) {
                error(row.number, idColumn ?? numberColumn ?? 0, Wording(.sheetSameStop, .number(earlier.row)))
                continue
            }
            let original = stop
            var rowOK = true
            var lat: Double?, lon: Double?, ele: Double?
            for (columnIndex, column) in plan.columns.sorted(by: { $0.key < $1.key }) {
                let value = row.cell(columnIndex).trimmingCharacters(in: .whitespacesAndNewlines)
                if value.isEmpty { continue }
                var parsed: Double?
                if column.isNumeric, column != .number {
                    guard let number = SheetNumber.double(value) else {
                        error(row.number, columnIndex, Wording(.sheetNotNumber, .text(header.cell(columnIndex).trimmingCharacters(in: .whitespacesAndNewlines)), .text(value)))
                        rowOK = false
                        continue
                    }
                    parsed = number
                }
                switch column {
                case .number: stop.number = number ?? stop.number
                case .id: break
                case .lat: lat = parsed
                case .lon: lon = parsed
                case .ele: ele = parsed
                case .radius: stop.radiusM = parsed
                case .dwell: stop.dwellS = parsed ?? stop.dwellS
                case .title(let code): stop.title.byLanguage[code] = value
                case .audio(let code): stop.audio[code] = value
                case .transcript(let code): stop.transcript.byLanguage[code] = value
                }
            }
            guard rowOK else { continue }
            if lat != nil || lon != nil || ele != nil {
                guard let newLat = lat ?? stop.location?.lat, let newLon = lon ?? stop.location?.lon else {
                    error(row.number, seenColumns[lat == nil ? .lat : .lon] ?? seenColumns[.ele] ?? 0,
                          Wording(.sheetNeedsLatLon))
                    continue
                }
                stop.location = Coordinate(lat: newLat, lon: newLon, ele: ele ?? stop.location?.ele)
            }
            if index == nil {
                stop.id = idText.isEmpty ? freeID(for: stop, taken: takenIDs) : idText
                if takenIDs.contains(stop.id) {
                    error(row.number, idColumn ?? 0, Wording(.sheetIDUsed, .text(stop.id)))
                    continue
                }
                takenIDs.insert(stop.id)
            }
            let changed = Set(StopField.allCases.filter { index == nil || !sameValue($0, stop, original) })
            plan.rowOfStop[stop.id] = row.number
            plan.edits.append(StopEdit(index: index, stop: stop, changed: changed, row: row.number))
        }
        return plan
    }

    /// Whether a field holds the same value in both stops; a field that does not change is not rewritten.
    static func sameValue(_ field: StopField, _ a: Stop, _ b: Stop) -> Bool {
        switch field {
        case .id: a.id == b.id
        case .number: a.number == b.number
        case .title: a.title == b.title
        case .location: a.location == b.location
        case .radius: a.radiusM == b.radiusM
        case .dwell: a.dwellS == b.dwellS
        case .audio: a.audio == b.audio
        case .transcript: a.transcript == b.transcript
        case .draft: a.draft == b.draft
        }
    }

    /// An id for a stop the sheet adds without one: its title in latin letters, else `stop-N`.
    static func freeID(for stop: Stop, taken: Set<String>) -> String {
        let titles = stop.title.byLanguage
        let base = (titles["ru"] ?? titles["en"] ?? titles.values.sorted().first).map(Transliteration.slug) ?? ""
        var id = base.isEmpty ? "stop-\(stop.number)" : base
        if taken.contains(id) { id += "-\(stop.number)" }
        return id
    }
}

extension SheetColumn {
    var language: String? {
        switch self {
        case .title(let code), .audio(let code), .transcript(let code): code
        default: nil
        }
    }
}

/// Russian titles to latin ids (`Старая мельница` → `staraya-melnitsa`), as the demo tours name their stops.
enum Transliteration {
    static let table: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i", "й": "y",
        "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
        "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    ]

    static func slug(_ text: String) -> String {
        var out = ""
        for character in text.lowercased() {
            if let latin = table[character] { out += latin } else if character.isASCII, character.isLetter || character.isNumber {
                out.append(character)
            } else if !out.hasSuffix("-"), !out.isEmpty { out += "-" }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return String(out.prefix(48))
    }
}
