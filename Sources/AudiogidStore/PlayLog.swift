import AudiogidCore
import Foundation
import GRDB

/// One row of the play log: a stop heard (or cut short) by a visitor.
public struct PlayRecord: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "play"

    public var id: Int64?
    public var startedAt: Double
    public var endedAt: Double?
    public var tourID: String
    public var stopID: String
    public var stopNumber: Int
    public var language: String
    public var source: String
    public var secondsHeard: Double?
    /// "playing", then "finished", "interrupted" or "failed".
    public var outcome: String
    /// A visitor's phone only: the browser's anonymous id, to count listeners (nil for the kiosk's own plays).
    public var listener: String?

    /// The `source` of a play heard on a visitor's phone rather than from the kiosk's speaker.
    public static let phoneSource = "phone"

    public init(id: Int64? = nil, startedAt: Double, endedAt: Double? = nil, tourID: String, stopID: String,
                stopNumber: Int, language: String, source: PressSource, secondsHeard: Double? = nil,
                outcome: String = "playing") {
        self.id = id
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.tourID = tourID
        self.stopID = stopID
        self.stopNumber = stopNumber
        self.language = language
        self.source = source.rawValue
        self.secondsHeard = secondsHeard
        self.outcome = outcome
    }
}

extension KioskStore {
    /// Logs the start of a play and returns its row id; returns after the row is synced to disk.
    @discardableResult
    public func beginPlay(_ record: PlayRecord) throws -> Int64 {
        try queue.write { db in
            try record.insert(db)
            return db.lastInsertedRowID
        }
    }

    public func endPlay(id: Int64, outcome: PlayOutcome, secondsHeard: Double, endedAt: Double) throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE play SET outcome = ?, secondsHeard = ?, endedAt = ? WHERE id = ?",
                           arguments: [outcome.rawValue, secondsHeard, endedAt, id])
        }
    }

    /// Plays a crash or power cut left open are marked interrupted (how much was heard is unknown).
    /// Returns how many were closed.
    @discardableResult
    public func closeOpenPlays() throws -> Int {
        try queue.write { db in
            try db.execute(sql: "UPDATE play SET outcome = 'interrupted' WHERE outcome = 'playing'")
            return db.changesCount
        }
    }

    public func plays(limit: Int = 1000) throws -> [PlayRecord] {
        try queue.read { db in
            try PlayRecord.order(Column("id").desc).limit(limit).fetchAll(db).reversed()
        }
    }

    public func playCount() throws -> Int {
        try queue.read { db in try PlayRecord.fetchCount(db) }
    }
}
