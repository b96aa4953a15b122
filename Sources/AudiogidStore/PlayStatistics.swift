import Foundation
import GRDB

/// Plays counted one way (per stop, language, source, day or month), with how many were heard to the end.
public struct PlayCount: Sendable, Equatable, Codable {
    /// The group's name: "3 gate" for a stop, "zh", "gpio", "2026-11-27", "2026-11".
    public var key: String
    public var plays: Int
    public var finished: Int
    public var interrupted: Int
    public var secondsHeard: Double

    /// Finished ÷ (finished + interrupted); plays still open or failed do not count either way.
    public var completionRate: Double? {
        finished + interrupted > 0 ? Double(finished) / Double(finished + interrupted) : nil
    }
}

/// The numbers a library puts in its yearly report, over a date range of the play log.
public struct PlayStatistics: Sendable, Equatable, Codable {
    public var from: String?
    public var to: String?
    public var total: PlayCount
    public var byStop: [PlayCount]
    public var byLanguage: [PlayCount]
    public var bySource: [PlayCount]
    public var byDay: [PlayCount]
    public var byMonth: [PlayCount]
    /// Visitors on their own phones, per language (nil in figures made before phones were counted).
    public var phoneListeners: [ListenerCount]? = nil
}

extension KioskStore {
    /// Statistics of plays started between `from` and `to` (local dates `YYYY-MM-DD`, inclusive; nil = open).
    public func statistics(from: String? = nil, to: String? = nil, tourID: String? = nil) throws -> PlayStatistics {
        for date in [from, to].compactMap({ $0 }) where !Self.isDate(date) {
            throw StoreError("'\(date)' is not a date; write it as YYYY-MM-DD")
        }
        return try queue.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            let day = "date(startedAt, 'unixepoch', 'localtime')"
            if let from { conditions.append("\(day) >= ?"); _ = arguments.append(contentsOf: [from]) }
            if let to { conditions.append("\(day) <= ?"); _ = arguments.append(contentsOf: [to]) }
            if let tourID { conditions.append("tourID = ?"); _ = arguments.append(contentsOf: [tourID]) }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            func counts(_ key: String, order: String) throws -> [PlayCount] {
                let sql = """
                    SELECT \(key) AS key, COUNT(*) AS plays,
                           SUM(outcome = 'finished') AS finished, SUM(outcome = 'interrupted') AS interrupted,
                           COALESCE(SUM(secondsHeard), 0) AS heard
                    FROM play \(filter) GROUP BY 1 ORDER BY \(order)
                    """
                return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                    PlayCount(key: row["key"] ?? "", plays: row["plays"], finished: row["finished"] ?? 0,
                              interrupted: row["interrupted"] ?? 0, secondsHeard: row["heard"] ?? 0)
                }
            }
            let total = try counts("'all'", order: "1").first
                ?? PlayCount(key: "all", plays: 0, finished: 0, interrupted: 0, secondsHeard: 0)
            return PlayStatistics(
                from: from, to: to, total: total,
                byStop: try counts("stopNumber || ' ' || stopID", order: "MIN(stopNumber), 1"),
                byLanguage: try counts("language", order: "plays DESC, 1"),
                bySource: try counts("source", order: "plays DESC, 1"),
                byDay: try counts(day, order: "1"),
                byMonth: try counts("strftime('%Y-%m', startedAt, 'unixepoch', 'localtime')", order: "1"),
                phoneListeners: try Self.phoneListeners(db, filter: filter, arguments: arguments))
        }
    }

    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }
}
