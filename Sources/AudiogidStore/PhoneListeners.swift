import Foundation
import GRDB

/// Visitors who listened on their own phones, per language: distinct anonymous browser ids, their plays and time.
public struct ListenerCount: Sendable, Equatable, Codable {
    /// The language chosen on the phone.
    public var key: String
    public var listeners: Int
    public var plays: Int
    public var secondsHeard: Double

    public init(key: String, listeners: Int, plays: Int, secondsHeard: Double) {
        (self.key, self.listeners, self.plays, self.secondsHeard) = (key, listeners, plays, secondsHeard)
    }
}

extension KioskStore {
    /// The phone rows of the play log under `filter` (the statistics' own WHERE clause), by language. Empty for a
    /// database from before phones were logged (no `listener` column: a copy opened read-only is not migrated).
    static func phoneListeners(_ db: Database, filter: String, arguments: StatementArguments) throws -> [ListenerCount] {
        guard try db.columns(in: "play").contains(where: { $0.name == "listener" }) else { return [] }
        let phone = "source = '\(PlayRecord.phoneSource)'"
        let condition = filter.isEmpty ? "WHERE \(phone)" : "\(filter) AND \(phone)"
        let sql = """
            SELECT language AS key, COUNT(DISTINCT listener) AS listeners, COUNT(*) AS plays,
                   COALESCE(SUM(secondsHeard), 0) AS heard
            FROM play \(condition) GROUP BY 1 ORDER BY listeners DESC, 1
            """
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            ListenerCount(key: row["key"] ?? "", listeners: row["listeners"], plays: row["plays"], secondsHeard: row["heard"] ?? 0)
        }
    }
}
