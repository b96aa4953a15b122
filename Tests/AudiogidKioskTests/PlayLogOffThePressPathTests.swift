import AudiogidCore
import AudiogidStore
import AudiogidTestSupport
import Foundation
import GRDB
import Logging
import Synchronization
import Testing
@testable import AudiogidKiosk

@Suite(.timeLimit(.minutes(3))) struct PlayLogOffThePressPathTests {
    /// Another connection holds SQLite's write lock (as a slow SD card's sync would hold the writer):
    /// presses, including one that preempts a playing stop, still reach the speaker at once, and the
    /// acknowledged rows are all in the log once the disk is free again.
    @Test func aPressNeverWaitsForTheDatabase() async throws {
        let folder = try makeDataFolder(tours: ["moyo-selo"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = KioskConfiguration(dataDirectory: folder.path, audio: AudioSettings(device: "none"))
        let store = try KioskStore(path: configuration.databasePath)
        let writer = StoreWriter(store: store)
        writer.start()
        defer { writer.finish() }
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let shelf = TourShelf(toursDirectory: configuration.toursDirectory, audioDirectory: configuration.audioDirectory,
                              store: store, logger: logger)
        let speaker = SpeakerEndingOnCommand()
        let kiosk = Kiosk(configuration: configuration, tour: try shelf.install("moyo-selo"), speaker: speaker, writer: writer,
                          logger: logger, loadTour: { try shelf.install($0) }, reload: { id in (configuration, try shelf.install(id)) })

        // Hold the database's write lock from a second connection for as long as the test wants.
        var blockerConfiguration = Configuration()
        blockerConfiguration.busyMode = .timeout(5)
        let blocker = try DatabaseQueue(path: configuration.databasePath, configuration: blockerConfiguration)
        let release = DispatchSemaphore(value: 0)
        // Let go on every way out of the test. (Not after a timeout: a test kept off the CPU for half a minute on
        // a loaded machine then found the lock gone and the rows written, and failed for the wrong reason.)
        var released = false
        defer { if !released { release.signal() } }
        let holding = OneTimeEvent()
        let held = Thread {
            try? blocker.inTransaction(.immediate) { _ in
                holding.fire()
                release.wait()  // on its own thread, until the test lets go
                return .commit
            }
        }
        held.start()
        #expect(await holding.wait(seconds: 20))

        let (first, _) = kiosk.submit(.play(.number(2)), source: .gpio)
        let (second, ticket) = kiosk.submit(.play(.number(3)), source: .gpio)  // preempts stop 2
        #expect(first.succeeded && second.succeeded)
        #expect(speaker.clips.count == 2)
        #expect(kiosk.status.state.play?.stopNumber == 3)
        // A second connection reads: the writer's own connection is busy waiting for the lock.
        let reader = try KioskStore(readingOnly: configuration.databasePath)
        #expect(try reader.plays().isEmpty)  // nothing could be written yet: the presses did not wait for it

        release.signal()
        released = true
        #expect(await written(writer, ticket))
        // Had the first attempt timed out on the lock (a very loaded machine), the rows are kept and written
        // again: a marker row queued behind them is written in the same retry.
        for _ in 0..<5 where !writer.health.writable {
            _ = await written(writer, writer.enqueue(.state(SavedState(volume: 70))))
        }
        let plays = try reader.plays()
        #expect(plays.map(\.stopNumber) == [2, 3])
        #expect(plays.map(\.outcome) == ["interrupted", "playing"])
        #expect(writer.health.writable)
    }

    /// A reply waits for its rows: `perform` returns only once the play is in the log file.
    @Test func anAcknowledgedPlayIsAlreadyInTheLog() async throws {
        let rig = try KioskRig()
        #expect(await rig.kiosk.perform(.play(.number(4)), source: .socket).succeeded)
        let reader = try KioskStore(readingOnly: rig.configuration.databasePath)
        #expect(try reader.plays().map(\.stopNumber) == [4])
    }
}
