import AudiogidCore
import Foundation
import GRDB

/// The kiosk's SQLite database: clip index, play log and saved state, in the data folder.
///
/// WAL mode with `synchronous = FULL`: every commit is synced to the WAL before it returns, so a
/// write the daemon acknowledged survives `kill -9` and a power cut (SQLite's WAL documentation;
/// NORMAL would only survive a crash of the process). The daemon writes a few rows a minute, so the
/// sync costs nothing that matters.
public final class KioskStore: Sendable {
    public static let fileName = "audiogid.sqlite"

    let queue: DatabaseQueue
    public let path: String

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // A kiosk's database is small and read rarely: a 256 KB page cache (SQLite's default is 2 MB).
            try db.execute(sql: "PRAGMA cache_size = -256")
        }
        self.path = path
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try Self.migrator.migrate(queue)
    }

    /// Opens a database for reading only: a copy taken off a kiosk, for `audiogid stats --db`.
    public init(readingOnly path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError("\(path): no such database file")
        }
        var configuration = Configuration()
        configuration.readonly = true
        self.path = path
        queue = try DatabaseQueue(path: path, configuration: configuration)
        let applied = try queue.read { db in try Self.migrator.appliedIdentifiers(db) }
        guard applied.contains("v1") else { throw StoreError("\(path): not an Audiogid database (no play log)") }
    }

    /// The schema, one migration per release that changed it; never edit a shipped migration.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "clip") { t in
                t.primaryKey("path", .text)             // relative to audio/
                t.column("size", .integer).notNull()
                t.column("modified", .double).notNull()  // file mtime, Unix seconds
                t.column("checksum", .text).notNull()
                t.column("frames", .integer).notNull()
                t.column("sampleRate", .integer).notNull()
                t.column("channels", .integer).notNull()
                t.column("format", .text).notNull()
                t.column("duration", .double).notNull()
                t.column("loudnessLUFS", .double)
                t.column("indexedAt", .double).notNull()
            }
            try db.create(table: "play") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("startedAt", .double).notNull().indexed()
                t.column("endedAt", .double)
                t.column("tourID", .text).notNull()
                t.column("stopID", .text).notNull()
                t.column("stopNumber", .integer).notNull()
                t.column("language", .text).notNull()
                t.column("source", .text).notNull()
                t.column("secondsHeard", .double)
                // "playing" until the play ends; a row left "playing" by a crash is closed at the next start-up.
                t.column("outcome", .text).notNull().defaults(to: "playing")
            }
            try db.create(table: "state") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
        }
        migrator.registerMigration("v2") { db in
            // The audio engine limits normalisation gain by the clip's true peak; index it beside the loudness.
            try db.alter(table: "clip") { t in t.add(column: "truePeakDBTP", .double) }
        }
        migrator.registerMigration("v3") { db in
            // Plays on visitors' phones carry the browser's anonymous id, so listeners can be counted.
            try db.alter(table: "play") { t in t.add(column: "listener", .text) }
        }
        return migrator
    }
}

/// A store operation that failed, with what SQLite said.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension KioskStore {
    /// SQLite's own check of the file: "ok" when every page and index is sound.
    public func integrityCheck() throws -> String {
        try queue.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}

extension KioskStore {
    /// Closes the connection (checkpointing the WAL into the database file), as at a clean shutdown.
    /// Later calls fail with an error rather than reopening.
    public func close() throws {
        try queue.close()
    }
}
