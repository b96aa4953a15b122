import Foundation
import GRDB

/// What the kiosk restores after a restart or a power cut.
public struct SavedState: Sendable, Equatable {
    public var tourID: String?
    public var language: String?
    public var volume: Int?

    public init(tourID: String? = nil, language: String? = nil, volume: Int? = nil) {
        self.tourID = tourID
        self.language = language
        self.volume = volume
    }
}

extension KioskStore {
    public func saveState(_ state: SavedState) throws {
        try queue.write { db in try Self.save(state, in: db) }
    }

    static func save(_ state: SavedState, in db: Database) throws {
        let values: [(String, String?)] = [("tour", state.tourID), ("language", state.language),
                                           ("volume", state.volume.map(String.init))]
        for (key, value) in values {
            if let value {
                try db.execute(sql: "INSERT INTO state(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               arguments: [key, value])
            } else {
                try db.execute(sql: "DELETE FROM state WHERE key = ?", arguments: [key])
            }
        }
    }

    public func loadState() throws -> SavedState {
        try queue.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT key, value FROM state")
            var values: [String: String] = [:]
            for row in rows { values[row["key"]] = row["value"] }
            return SavedState(tourID: values["tour"], language: values["language"], volume: values["volume"].flatMap { Int($0) })
        }
    }
}
