/// One column of the stops spreadsheet. Headers are English (`title:ru`) or Russian (`название:ru`), any case,
/// in any order; a text column without `:LANG` is in the tour's default language.
public enum SheetColumn: Hashable, Sendable {
    case number, id, lat, lon, ele, radius, dwell
    case title(String), audio(String), transcript(String)

    /// English names first: they are what `export` writes.
    static let names: [(kind: String, names: [String])] = [
        ("number", ["number", "номер", "№", "no"]),
        ("id", ["id", "идентификатор", "код"]),
        ("title", ["title", "название"]),
        ("lat", ["lat", "latitude", "широта"]),
        ("lon", ["lon", "lng", "longitude", "долгота"]),
        ("ele", ["ele", "elevation", "высота"]),
        ("radius_m", ["radius_m", "radius", "радиус_м", "радиус"]),
        ("dwell_s", ["dwell_s", "dwell", "стоянка_с", "стоянка", "пауза_с"]),
        ("audio", ["audio", "аудио", "запись"]),
        ("transcript", ["transcript", "текст"]),
    ]

    /// Reads a header cell; nil when it names no column.
    static func parse(_ header: String, defaultLanguage: String) -> SheetColumn? {
        let text = header.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = text.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let name = parts[0].replacingOccurrences(of: " ", with: "_")
        let language = parts.count > 1 ? parts[1] : nil
        guard let kind = names.first(where: { $0.names.contains(name) })?.kind else { return nil }
        switch (kind, language) {
        case ("title", _): return .title(language ?? defaultLanguage)
        case ("audio", _): return .audio(language ?? defaultLanguage)
        case ("transcript", _): return .transcript(language ?? defaultLanguage)
        case (_, .some): return nil
        case ("number", nil): return .number
        case ("id", nil): return .id
        case ("lat", nil): return .lat
        case ("lon", nil): return .lon
        case ("ele", nil): return .ele
        case ("radius_m", nil): return .radius
        default: return .dwell
        }
    }

    /// The header `export` writes.
    var header: String {
        switch self {
        case .number: "number"
        case .id: "id"
        case .lat: "lat"
        case .lon: "lon"
        case .ele: "ele"
        case .radius: "radius_m"
        case .dwell: "dwell_s"
        case .title(let code): "title:\(code)"
        case .audio(let code): "audio:\(code)"
        case .transcript(let code): "transcript:\(code)"
        }
    }

    var isNumeric: Bool {
        switch self {
        case .number, .lat, .lon, .ele, .radius, .dwell: true
        default: false
        }
    }

    /// The manifest field (below `stops[i]`) a validator finding about this column names.
    var fieldPath: String {
        switch self {
        case .number: "number"
        case .id: "id"
        case .lat: "location.lat"
        case .lon: "location.lon"
        case .ele: "location.ele"
        case .radius: "radius_m"
        case .dwell: "dwell_s"
        case .title(let code): "title.\(code)"
        case .audio(let code): "audio.\(code)"
        case .transcript(let code): "transcript.\(code)"
        }
    }
}

import Foundation

/// Numbers as spreadsheets hand them over: `50,2571` (a decimal comma), `1 234` (spaces between thousands),
/// `'42` (a number stored as text), `3.0` for a whole number.
enum SheetNumber {
    static func double(_ cell: String) -> Double? {
        var text = cell.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("'") { text.removeFirst() }
        text = String(text.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
        if text.contains(","), !text.contains(".") { text = text.replacingOccurrences(of: ",", with: ".") }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    static func int(_ cell: String) -> Int? {
        guard let value = double(cell), value == value.rounded(), abs(value) < 1e9 else { return nil }
        return Int(value)
    }
}
