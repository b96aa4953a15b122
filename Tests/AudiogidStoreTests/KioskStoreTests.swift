import AudiogidCore
import Foundation
import GRDB
import Testing
@testable import AudiogidStore

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("audiogid-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite(.timeLimit(.minutes(3))) struct KioskStoreTests {
    @Test func opensInWALWithFullSync() throws {
        let folder = try temporaryFolder()
        let store = try KioskStore(path: folder.appendingPathComponent(KioskStore.fileName).path)
        let (mode, sync) = try store.queue.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode")!, try Int.fetchOne(db, sql: "PRAGMA synchronous")!)
        }
        #expect(mode == "wal")
        #expect(sync == 2)  // FULL
        #expect(FileManager.default.fileExists(atPath: store.path + "-wal"))
    }

    @Test func playLogRowsSurviveReopeningAndOpenPlaysAreClosed() throws {
        let path = try temporaryFolder().appendingPathComponent("a.sqlite").path
        do {
            let store = try KioskStore(path: path)
            let first = try store.beginPlay(PlayRecord(startedAt: 1000, tourID: "selo", stopID: "gate", stopNumber: 1, language: "ru", source: .gpio))
            try store.endPlay(id: first, outcome: .finished, secondsHeard: 31.5, endedAt: 1031.5)
            try store.beginPlay(PlayRecord(startedAt: 1040, tourID: "selo", stopID: "church", stopNumber: 2, language: "zh", source: .socket))
        }
        let reopened = try KioskStore(path: path)
        #expect(try reopened.closeOpenPlays() == 1)
        let plays = try reopened.plays()
        #expect(plays.map(\.outcome) == ["finished", "interrupted"])
        #expect(plays[0].secondsHeard == 31.5)
        #expect(plays[1].source == "socket")
        #expect(try reopened.closeOpenPlays() == 0)
    }

    @Test func stateRoundTripsAndClearsMissingValues() throws {
        let store = try KioskStore(path: try temporaryFolder().appendingPathComponent("s.sqlite").path)
        #expect(try store.loadState() == SavedState())
        try store.saveState(SavedState(tourID: "selo", language: "zh", volume: 40))
        #expect(try store.loadState() == SavedState(tourID: "selo", language: "zh", volume: 40))
        try store.saveState(SavedState(tourID: "koltso", language: nil, volume: 55))
        #expect(try store.loadState() == SavedState(tourID: "koltso", language: nil, volume: 55))
    }

    @Test func clipIndexUpsertsByPath() throws {
        let store = try KioskStore(path: try temporaryFolder().appendingPathComponent("c.sqlite").path)
        let info = ClipInfo(frames: 44100, sampleRate: 22050, channels: 1, format: "OGG/VORBIS")
        try store.saveClips([IndexedClip(path: "selo/1.ru.ogg", size: 10, modified: 5, checksum: "x", info: info, loudnessLUFS: -20, indexedAt: 1)])
        try store.saveClips([IndexedClip(path: "selo/1.ru.ogg", size: 11, modified: 6, checksum: "y", info: info, loudnessLUFS: nil, indexedAt: 2)])
        let clips = try store.indexedClips()
        #expect(clips.count == 1)
        #expect(clips["selo/1.ru.ogg"]?.checksum == "y")
        #expect(clips["selo/1.ru.ogg"]?.duration == 2)
        #expect(clips["selo/1.ru.ogg"]?.info == info)
    }

    @Test func readOnlyStoreRefusesWritesWithAnErrorNotACrash() throws {
        let path = try temporaryFolder().appendingPathComponent("r.sqlite").path
        _ = try KioskStore(path: path)
        let readOnly = try KioskStore(readingOnly: path)
        #expect(throws: DatabaseError.self) {
            try readOnly.beginPlay(PlayRecord(startedAt: 1, tourID: "t", stopID: "s", stopNumber: 1, language: "en", source: .gpio))
        }
        #expect(throws: StoreError.self) { try KioskStore(readingOnly: path + ".missing") }
        let notOurs = try temporaryFolder().appendingPathComponent("other.sqlite").path
        try DatabaseQueue(path: notOurs).write { db in try db.execute(sql: "CREATE TABLE x(a)") }
        #expect(throws: StoreError.self) { try KioskStore(readingOnly: notOurs) }
    }

    @Test func statisticsCountByStopLanguageSourceDayAndMonth() throws {
        let store = try KioskStore(path: try temporaryFolder().appendingPathComponent("st.sqlite").path)
        // Noon local time on three days, so the local-date grouping cannot straddle midnight.
        func noon(_ year: Int, _ month: Int, _ day: Int) -> Double {
            var parts = DateComponents(); parts.year = year; parts.month = month; parts.day = day; parts.hour = 12
            return Calendar.current.date(from: parts)!.timeIntervalSince1970
        }
        let rows: [(Double, Int, String, String, PressSource, PlayOutcome, Double)] = [
            (noon(2026, 10, 31), 1, "gate", "ru", .gpio, .finished, 30),
            (noon(2026, 11, 1), 1, "gate", "zh", .keypad, .interrupted, 5),
            (noon(2026, 11, 1), 2, "church", "zh", .keypad, .finished, 40),
            (noon(2026, 11, 2), 2, "church", "en", .socket, .finished, 40),
        ]
        for row in rows {
            let id = try store.beginPlay(PlayRecord(startedAt: row.0, tourID: "selo", stopID: row.2, stopNumber: row.1, language: row.3, source: row.4))
            try store.endPlay(id: id, outcome: row.5, secondsHeard: row.6, endedAt: row.0 + row.6)
        }
        let all = try store.statistics()
        #expect(all.total.plays == 4 && all.total.finished == 3 && all.total.interrupted == 1)
        #expect(all.total.completionRate == 0.75)
        #expect(all.byStop.map(\.key) == ["1 gate", "2 church"])
        #expect(all.byLanguage.first?.key == "zh" && all.byLanguage.first?.plays == 2)
        #expect(all.bySource.map(\.key) == ["keypad", "gpio", "socket"])
        #expect(all.byDay.map(\.key) == ["2026-10-31", "2026-11-01", "2026-11-02"])
        #expect(all.byMonth.map(\.plays) == [1, 3])
        let november = try store.statistics(from: "2026-11-01", to: "2026-11-01")
        #expect(november.total.plays == 2)
        #expect(november.byStop.map(\.plays) == [1, 1])
        #expect(november.total.secondsHeard == 45)
        #expect(throws: StoreError.self) { try store.statistics(from: "1 Nov") }
    }
}

@Suite(.timeLimit(.minutes(3))) struct StatisticsReportTests {
    let statistics = PlayStatistics(
        from: "2026-11-01", to: nil,
        total: PlayCount(key: "all", plays: 3, finished: 2, interrupted: 1, secondsHeard: 90),
        byStop: [PlayCount(key: "1 gate", plays: 2, finished: 1, interrupted: 1, secondsHeard: 50),
                 PlayCount(key: "2 <church>", plays: 1, finished: 1, interrupted: 0, secondsHeard: 40)],
        byLanguage: [PlayCount(key: "zh", plays: 3, finished: 2, interrupted: 1, secondsHeard: 90)],
        bySource: [PlayCount(key: "gpio", plays: 3, finished: 2, interrupted: 1, secondsHeard: 90)],
        byDay: [PlayCount(key: "2026-11-01", plays: 3, finished: 2, interrupted: 1, secondsHeard: 90)],
        byMonth: [PlayCount(key: "2026-11", plays: 3, finished: 2, interrupted: 1, secondsHeard: 90)])

    @Test func csvHasOneRowPerGroupAndKey() {
        let lines = StatisticsReport.render(statistics, as: .csv).split(separator: "\n")
        #expect(lines[0] == "group,key,plays,finished,interrupted,completion_rate,seconds_heard")
        #expect(lines[1] == "total,all,3,2,1,0.6667,90.0")
        #expect(lines[2] == "stop,1 gate,2,1,1,0.5000,50.0")
        #expect(lines.count == 8)
    }

    @Test func tableJSONAndSVG() throws {
        let table = StatisticsReport.render(statistics, as: .table)
        #expect(table.hasPrefix("Plays from 2026-11-01: 3, completed 67%"))
        #expect(table.contains("1 gate          2         1            1        50%"))
        let json = StatisticsReport.render(statistics, as: .json)
        #expect(try JSONDecoder().decode(PlayStatistics.self, from: Data(json.utf8)) == statistics)
        let svg = StatisticsReport.render(statistics, as: .svg)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("2 &lt;church&gt;"))  // escaped, so the file stays valid XML
        #expect(svg.components(separatedBy: "<rect ").count - 1 == 1 + 2 * 4)
    }
}

@Suite(.timeLimit(.minutes(3))) struct MigrationTests {
    /// A database written by the first release (schema v1 only) opens and gains the v2 column, keeping its rows.
    @Test func aVersionOneDatabaseIsMigratedInPlace() throws {
        let path = try temporaryFolder().appendingPathComponent("v1.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            var migrator = KioskStore.migrator
            migrator.eraseDatabaseOnSchemaChange = false
            try migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO clip(path, size, modified, checksum, frames, sampleRate, channels, format, duration, loudnessLUFS, indexedAt)
                    VALUES ('a.ogg', 1, 2, 'x', 22050, 22050, 1, 'OGG/VORBIS', 1, -19.5, 3)
                    """)
            }
        }
        let store = try KioskStore(path: path)
        let clip = try #require(try store.indexedClips()["a.ogg"])
        #expect(clip.loudnessLUFS == -19.5 && clip.truePeakDBTP == nil)
        try store.saveClips([IndexedClip(path: "b.ogg", size: 1, modified: 1, checksum: "y", info: clip.info,
                                         loudnessLUFS: -18, truePeakDBTP: -3.5, indexedAt: 4)])
        #expect(try store.indexedClips()["b.ogg"]?.truePeakDBTP == -3.5)
    }
}
