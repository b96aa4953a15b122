import Foundation

/// Renders `PlayStatistics` for people and spreadsheets: a text table, CSV, JSON, or an SVG bar
/// chart a librarian can paste into a yearly report.
public enum StatisticsReport {
    public enum Format: String, CaseIterable, Sendable {
        case table, csv, json, svg
    }

    public static func render(_ statistics: PlayStatistics, as format: Format, title: String = "Audiogid plays") -> String {
        switch format {
        case .table: table(statistics)
        case .csv: csv(statistics)
        case .json: json(statistics)
        case .svg: svg(statistics, title: title)
        }
    }

    static var sections: [(String, KeyPath<PlayStatistics, [PlayCount]>)] {
        [("stop", \.byStop), ("language", \.byLanguage), ("source", \.bySource), ("month", \.byMonth), ("day", \.byDay)]
    }

    static func percent(_ rate: Double?) -> String {
        rate.map { String(format: "%.0f%%", $0 * 100) } ?? "-"
    }

    static func table(_ s: PlayStatistics) -> String {
        let range = switch (s.from, s.to) {
        case (nil, nil): "Plays (all)"
        case let (from?, nil): "Plays from \(from)"
        case let (nil, to?): "Plays up to \(to)"
        case let (from?, to?): "Plays \(from) to \(to)"
        }
        var out = "\(range): \(s.total.plays), "
        out += "completed \(percent(s.total.completionRate)), heard \(String(format: "%.1f", s.total.secondsHeard / 3600)) h\n"
        for (name, path) in sections {
            let rows = s[keyPath: path]
            guard !rows.isEmpty else { continue }
            let width = max(name.count, rows.map(\.key.count).max() ?? 0)
            out += "\n" + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  plays  finished  interrupted  completed\n"
            for row in rows {
                out += row.key.padding(toLength: width, withPad: " ", startingAt: 0)
                let rate = percent(row.completionRate)
                out += String(format: "  %5d  %8d  %11d  ", row.plays, row.finished, row.interrupted)
                out += String(repeating: " ", count: max(0, 9 - rate.count)) + rate + "\n"
            }
        }
        if let phones = s.phoneListeners, !phones.isEmpty {
            out += "\nphone listeners  listeners  plays  hours heard\n"
            for row in phones {
                out += row.key.padding(toLength: 15, withPad: " ", startingAt: 0)
                out += String(format: "  %9d  %5d  %11.1f\n", row.listeners, row.plays, row.secondsHeard / 3600)
            }
        }
        return out
    }

    static func csv(_ s: PlayStatistics) -> String {
        var out = "group,key,plays,finished,interrupted,completion_rate,seconds_heard\n"
        func line(_ group: String, _ row: PlayCount) {
            let key = row.key.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
                ? "\"" + row.key.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : row.key
            out += "\(group),\(key),\(row.plays),\(row.finished),\(row.interrupted),"
            out += "\(row.completionRate.map { String(format: "%.4f", $0) } ?? ""),\(String(format: "%.1f", row.secondsHeard))\n"
        }
        line("total", s.total)
        for (name, path) in sections { for row in s[keyPath: path] { line(name, row) } }
        // Phone listeners per language: distinct listeners in the plays column, nothing finished or interrupted.
        for row in s.phoneListeners ?? [] {
            out += "phone_listeners,\(row.key),\(row.listeners),,,,\(String(format: "%.1f", row.secondsHeard))\n"
        }
        return out
    }

    static func json(_ s: PlayStatistics) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(s)).map { String(decoding: $0, as: UTF8.self) + "\n" } ?? "{}\n"
    }

    /// Horizontal bars of plays per stop (finished part darker), then per language and per month.
    static func svg(_ s: PlayStatistics, title: String) -> String {
        let groups: [(String, [PlayCount])] = [("Plays per stop", s.byStop), ("Plays per language", s.byLanguage),
                                               ("Plays per month", s.byMonth)]
        let width = 720.0, labelWidth = 220.0, barHeight = 18.0, gap = 6.0
        let maxPlays = Double(max(1, groups.flatMap(\.1).map(\.plays).max() ?? 1))
        var y = 72.0
        var body = ""
        for (heading, rows) in groups where !rows.isEmpty {
            body += "<text x=\"10\" y=\"\(y)\" font-size=\"15\" font-weight=\"bold\">\(escape(heading))</text>\n"
            y += 10
            for row in rows {
                let full = (width - labelWidth - 70) * Double(row.plays) / maxPlays
                let done = (width - labelWidth - 70) * Double(row.finished) / maxPlays
                body += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 13)\" font-size=\"12\" text-anchor=\"end\">\(escape(row.key))</text>\n"
                body += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(String(format: "%.1f", full))\" height=\"\(barHeight)\" fill=\"#9ecae1\"/>\n"
                body += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(String(format: "%.1f", done))\" height=\"\(barHeight)\" fill=\"#3182bd\"/>\n"
                body += "<text x=\"\(String(format: "%.1f", labelWidth + full + 6))\" y=\"\(y + 13)\" font-size=\"12\">\(row.plays)</text>\n"
                y += barHeight + gap
            }
            y += 24
        }
        let range = "\(s.from ?? "first play") – \(s.to ?? "last play"): \(s.total.plays) plays, \(percent(s.total.completionRate)) heard to the end"
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(y + 20))" font-family="sans-serif">
            <rect width="100%" height="100%" fill="white"/>
            <text x="10" y="24" font-size="18" font-weight="bold">\(escape(title))</text>
            <text x="10" y="42" font-size="12" fill="#555">\(escape(range)); dark = finished, light = interrupted</text>
            \(body)</svg>

            """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
