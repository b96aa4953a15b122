import AudiogidMessages
import AudiogidCore
import AudiogidStore
import Foundation

/// The date range a statistics request asks for, checked before it reaches the store.
struct DateRange: Sendable, Equatable {
    var from: String?
    var to: String?

    /// From the query's `from` and `to` (`YYYY-MM-DD`, either may be empty); nil for anything else.
    init?(from: String?, to: String?) {
        func day(_ text: String?) -> String?? {
            guard let text, !text.isEmpty else { return .some(nil) }
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                  let month = Int(parts[1]), let dayOfMonth = Int(parts[2]), Int(parts[0]) != nil,
                  (1...12).contains(month), (1...31).contains(dayOfMonth) else { return nil }
            return .some(text)
        }
        guard let from = day(from), let to = day(to) else { return nil }
        self.from = from
        self.to = to
    }

    var query: String {
        [from.map { "from=\($0)" }, to.map { "to=\($0)" }].compactMap { $0 }.joined(separator: "&")
    }
}

/// The Statistics page: the same figures `audiogid stats` prints, as tables and its chart, with a CSV of them.
struct StatsPage {
    var range: DateRange
    var statistics: PlayStatistics?
    var problem: String?

    func render(_ l: Language) -> String {
        let e = Markup.escape
        let query = range.query.isEmpty ? "" : "?" + range.query
        var body = """
            <form method="get" action="/stats" class="range">
            <label>\(e(l[.from])) <input type="date" name="from" value="\(e(range.from ?? ""))"></label>
            <label>\(e(l[.to])) <input type="date" name="to" value="\(e(range.to ?? ""))"></label>
            <button>\(e(l[.show]))</button>
            <a class="button" href="/stats.csv\(e(query))" download>\(e(l[.downloadCSV]))</a>
            </form>
            """
        if let problem { body += "<p class=\"warning\">\(e(problem))</p>" }
        guard let s = statistics, s.total.plays > 0 else {
            return body + "<p>\(e(l[.noPlays]))</p>"
        }
        body += "<p class=\"total\">\(e(l[.totalPlays])): <b>\(s.total.plays)</b> · \(e(l[.completed])) \(Self.percent(s.total.completionRate)) · "
        body += "\(e(l[.hoursHeard])) \(String(format: "%.1f", s.total.secondsHeard / 3600))</p>"
        body += "<img class=\"chart\" src=\"/stats.svg\(e(query))\" alt=\"\(e(l[.chart]))\">"
        let sections: [(Phrase, [PlayCount])] = [(.byStop, s.byStop), (.byLanguage, s.byLanguage), (.bySource, s.bySource),
                                                 (.byMonth, s.byMonth), (.byDay, s.byDay)]
        for (title, rows) in sections where !rows.isEmpty {
            body += "<h2>\(e(l[title]))</h2><table class=\"figures\"><tr><th></th><th>\(e(l[.plays]))</th><th>\(e(l[.finished]))</th>"
            body += "<th>\(e(l[.interrupted]))</th><th>\(e(l[.completed]))</th></tr>"
            for row in rows {
                body += "<tr><th>\(e(row.key))</th><td>\(row.plays)</td><td>\(row.finished)</td><td>\(row.interrupted)</td>"
                body += "<td>\(Self.percent(row.completionRate))</td></tr>"
            }
            body += "</table>"
        }
        if let phones = s.phoneListeners, !phones.isEmpty {
            let v = VisitorLanguage(code: l.rawValue)
            body += "<h2>\(e(v[.phoneListeners]))</h2><table class=\"figures\" id=\"phone-listeners\"><tr><th></th>"
            body += "<th>\(e(v[.listeners]))</th><th>\(e(l[.plays]))</th><th>\(e(l[.hoursHeard]))</th></tr>"
            for row in phones {
                body += "<tr><th>\(e(row.key))</th><td>\(row.listeners)</td><td>\(row.plays)</td><td>\(String(format: "%.1f", row.secondsHeard / 3600))</td></tr>"
            }
            body += "</table>"
        }
        return body
    }

    static func percent(_ rate: Double?) -> String { rate.map { String(format: "%.0f%%", $0 * 100) } ?? "–" }
}
