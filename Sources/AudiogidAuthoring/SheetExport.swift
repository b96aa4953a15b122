import AudiogidCore

/// A tour's stops as spreadsheet rows: a header of English column names, then one row per stop in list order.
public enum SheetExport {
    /// Every column, languages in the tour's order, so staff see where each language's text and clip go.
    public static func columns(for tour: Tour) -> [SheetColumn] {
        let languages = tour.languages
        return [.number, .id] + languages.map(SheetColumn.title) + [.lat, .lon, .ele, .radius, .dwell]
            + languages.map(SheetColumn.audio) + languages.map(SheetColumn.transcript)
    }

    public static func rows(for tour: Tour) -> (columns: [SheetColumn], rows: [[String]]) {
        let columns = columns(for: tour)
        let rows = tour.stops.map { stop in columns.map { cell($0, of: stop) } }
        return (columns, [columns.map(\.header)] + rows)
    }

    static func cell(_ column: SheetColumn, of stop: Stop) -> String {
        switch column {
        case .number: String(stop.number)
        case .id: stop.id
        case .lat: stop.location.map { YAMLText.number($0.lat) } ?? ""
        case .lon: stop.location.map { YAMLText.number($0.lon) } ?? ""
        case .ele: stop.location?.ele.map(YAMLText.number) ?? ""
        case .radius: stop.radiusM.map(YAMLText.number) ?? ""
        case .dwell: YAMLText.number(stop.dwellS)
        case .title(let code): stop.title.byLanguage[code] ?? ""
        case .audio(let code): stop.audio[code] ?? ""
        case .transcript(let code): stop.transcript.byLanguage[code] ?? ""
        }
    }
}
