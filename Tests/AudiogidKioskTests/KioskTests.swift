@testable import AudiogidControl
import AudiogidCore
import AudiogidStore
import AudiogidTestSupport
import Foundation
import Synchronization
import Testing
@testable import AudiogidKiosk

/// The kiosk's dispatcher: the trigger entry point, LED observers, the play log and its failure modes.
@Suite(.timeLimit(.minutes(3))) struct KioskTests {
    @Test func triggerLinesRunThroughTheSameDispatcherAndAreAttributed() async throws {
        // The rig's speaker never ends a clip by itself: the first play must end because the GPS fix preempted it,
        // however slowly a loaded machine runs the test.
        let rig = try KioskRig()
        #expect(await rig.kiosk.execute(commandLine: "play 3", source: .keypad) == .done)
        #expect(await rig.kiosk.execute(commandLine: "play 3 4", source: .keypad).ok == false)
        #expect(await rig.kiosk.execute(commandLine: "play 77", source: .keypad) == .refused("no stop 77 in this tour"))
        #expect(await rig.kiosk.execute(commandLine: "lang zh", source: .serial) == .done)
        #expect(await rig.kiosk.execute(commandLine: "volume -10", source: .gpio) == .done)
        #expect(await rig.kiosk.execute(commandLine: "play 1", source: .gps) == .done)
        let plays = try #require(rig.store).plays()
        #expect(plays.map(\.stopNumber) == [3, 1])
        #expect(plays.map(\.source) == ["keypad", "gps"])
        #expect(plays.map(\.language) == ["ru", "zh"])
        #expect(plays[0].outcome == "interrupted")  // preempted by the GPS fix
        #expect(rig.kiosk.status.volume == 60)
        #expect(try rig.store!.loadState() == SavedState(tourID: "moyo-selo", language: "zh", volume: 60))
    }

    @Test func observersSeeEveryStateChangeInOrder() async throws {
        let rig = try KioskRig()
        var seen = rig.kiosk.playerStates().makeAsyncIterator()
        var states: [PlayerState] = []
        states.append(try #require(await seen.next()))
        for line in ["play 2", "pause", "stop"] {
            _ = await rig.kiosk.execute(commandLine: line, source: .gpio)
            states.append(try #require(await seen.next()))
        }
        #expect(states[0] == .idle)
        #expect(states[1].isPlaying && states[1].play?.stopNumber == 2)
        #expect(states[2].isPaused)
        #expect(states[3] == .idle)
    }

    @Test func aClipPlaysToItsEndAndIsLoggedFinished() async throws {
        // Auto-advance on, and stop 7 is the last: when its clip ends there is nothing to advance to. The speaker
        // ends the clip when the test says, as heard to its end, instead of the test waiting out its 9 s.
        let speaker = SpeakerEndingOnCommand()
        let rig = try KioskRig(player: PlayerSettings(autoAdvance: true), speaker: speaker)
        #expect(await rig.kiosk.execute(commandLine: "play 7", source: .gpio) == .done)
        let duration = try #require(rig.kiosk.status.duration)
        #expect(speaker.endClip())
        #expect(await eventually { rig.kiosk.status.state == .idle })
        #expect(await rig.logWritten())
        let plays = try rig.store!.plays()
        #expect(plays.count == 1)  // the last stop: nothing to advance to
        #expect(plays[0].outcome == "finished")
        #expect(abs((plays[0].secondsHeard ?? 0) - duration) < 0.01)
    }

    @Test func anUnwritableDatabaseNeverStopsPlayback() async throws {
        let rig = try KioskRig(readOnlyStore: true)
        #expect(await rig.kiosk.execute(commandLine: "play 2", source: .gpio) == .done)
        #expect(rig.kiosk.status.state.isPlaying)
        #expect(rig.kiosk.status.storeWritable == false)
        #expect(rig.kiosk.status.lastError?.contains("database not writable") == true)
        #expect(await rig.kiosk.execute(commandLine: "volume 30", source: .gpio) == .done)
        #expect(await rig.kiosk.execute(commandLine: "play 4", source: .gpio) == .done)
        #expect(rig.kiosk.status.state.play?.stopNumber == 4)
        let status = try rig.client().send("status")
        #expect(status.value("log_writable") == "0")
    }

    @Test func aBrokenReloadIsRefusedAndTheOldSetupKeepsPlaying() async throws {
        let rig = try KioskRig(reload: { _ in throw KioskSetupError("kiosk.yaml:3:1: error: while_playing: must be one of preempt, ignore, queue") })
        _ = await rig.kiosk.execute(commandLine: "play 2", source: .gpio)
        let token = rig.kiosk.status.state.play?.token
        let reply = await rig.kiosk.execute(commandLine: "reload", source: .socket)
        #expect(!reply.ok && reply.message.contains("while_playing"))
        #expect(rig.kiosk.status.state.play?.token == token)
    }

    @Test func reloadKeepsTheCurrentClipAndTourSwitchChangesTheQueue() async throws {
        let rig = try KioskRig()
        _ = await rig.kiosk.execute(commandLine: "play 2", source: .gpio)
        let token = rig.kiosk.status.state.play?.token
        #expect(await rig.kiosk.execute(commandLine: "reload", source: .socket) == .done)
        #expect(rig.kiosk.status.state.play?.token == token)
        #expect(await rig.kiosk.execute(commandLine: "tour teplokhodik", source: .socket) == .done)
        #expect(rig.kiosk.status.tourID == "teplokhodik")
        #expect(rig.kiosk.status.state == .idle)
        #expect(await rig.kiosk.execute(commandLine: "tour nowhere", source: .socket).ok == false)
        #expect(await rig.kiosk.execute(commandLine: "tour ../../etc", source: .socket).ok == false)
        #expect(rig.kiosk.status.tourID == "teplokhodik")
        #expect(try rig.store!.loadState().tourID == "teplokhodik")
    }

    @Test func unchangedClipsAreNotIndexedAgain() throws {
        let rig = try KioskRig()
        let store = try #require(rig.store)
        let first = try store.indexedClips()
        #expect(first.count >= 20)
        let shelf = TourShelf(toursDirectory: rig.configuration.toursDirectory, audioDirectory: rig.configuration.audioDirectory,
                              store: store, logger: .init(label: "t"))
        _ = try shelf.install("moyo-selo")
        #expect(try store.indexedClips() == first)  // same rows, same indexedAt
        // Touch one clip: only that row is re-indexed.
        let clip = rig.folder.appendingPathComponent("audio/moyo-selo/02-school.ru.ogg").path
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: clip)
        _ = try shelf.install("moyo-selo")
        let after = try store.indexedClips()
        let changed = after.filter { first[$0.key] != $0.value }.map(\.key)
        #expect(changed == ["moyo-selo/02-school.ru.ogg"])
    }
}

final class SeenStates: @unchecked Sendable {
    private let lock = NSLock()
    private var states: [PlayerState] = []
    func append(_ state: PlayerState) { lock.withLock { states.append(state) } }
    var count: Int { lock.withLock { states.count } }
    var all: [PlayerState] { lock.withLock { states } }
}

@Suite(.timeLimit(.minutes(3))) struct TourShelfTests {
    @Test func anOptimisedTourIsQueuedInRouteOrder() throws {
        let folder = try makeDataFolder(tours: ["koltso-vremeni"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let shelf = TourShelf(toursDirectory: folder.appendingPathComponent("tours").path,
                              audioDirectory: folder.appendingPathComponent("audio").path, store: nil, logger: .init(label: "t"))
        let installed = try shelf.install("koltso-vremeni")
        #expect(installed.tour.route.order == .optimize)
        #expect(Set(installed.order.map(\.id)) == Set(installed.tour.stops.map(\.id)))
        #expect(installed.order.map(\.id) != installed.tour.stops.map(\.id))  // the author listed them out of walking order
        if let start = installed.tour.route.start { #expect(installed.order.first?.id == start) }
    }

    @Test func unsafeOrMissingTourIDsAreRefused() throws {
        let folder = try makeDataFolder(tours: ["moyo-selo"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let shelf = TourShelf(toursDirectory: folder.appendingPathComponent("tours").path,
                              audioDirectory: folder.appendingPathComponent("audio").path, store: nil, logger: .init(label: "t"))
        #expect(throws: KioskSetupError.self) { try shelf.install("../moyo-selo") }
        #expect(throws: KioskSetupError.self) { try shelf.install("nowhere") }
    }
}

/// A clock the test moves by hand.
final class HandClock: @unchecked Sendable {
    private let lock = NSLock()
    private var moment = Moment(seconds: 1_000_000, minuteOfDay: 12 * 60)
    func now() -> Moment { lock.withLock { moment } }
    func advance(_ seconds: Double, minuteOfDay: Int? = nil) {
        lock.withLock {
            moment.seconds += seconds
            if let minuteOfDay { moment.minuteOfDay = minuteOfDay }
        }
    }
}

@Suite(.timeLimit(.minutes(3))) struct KioskClockTests {
    @Test func theIdlePromptPlaysThroughTheSpeakerAndIsNotLoggedAsAStop() async throws {
        let clock = HandClock()
        let prompt = IdlePrompt(clips: ["ru": "moyo-selo/00-intro.ru.ogg"], afterSeconds: 300)
        let rig = try KioskRig(player: PlayerSettings(idlePrompt: prompt), clock: { clock.now() })
        clock.advance(299)
        rig.kiosk.tick()
        #expect(rig.kiosk.status.state == .idle)
        clock.advance(1)
        rig.kiosk.tick()
        #expect(rig.kiosk.status.state.play?.isPrompt == true)
        #expect(rig.kiosk.status.state.play?.clip.path == "moyo-selo/00-intro.ru.ogg")
        #expect(await rig.kiosk.execute(commandLine: "play 1", source: .gpio) == .done)  // a press cuts the prompt
        #expect(try rig.store!.plays().map(\.stopNumber) == [1])
    }

    @Test func quietHoursRefusePressesAndFadeOutAtClosingTime() async throws {
        let clock = HandClock()
        let rig = try KioskRig(player: PlayerSettings(openingHours: [DailyWindow(start: 9 * 60, end: 18 * 60)]),
                               clock: { clock.now() })
        clock.advance(1, minuteOfDay: 17 * 60 + 59)
        #expect(await rig.kiosk.execute(commandLine: "play 2", source: .gpio) == .done)
        clock.advance(60, minuteOfDay: 18 * 60)
        rig.kiosk.tick()
        #expect(rig.kiosk.status.state == .idle)
        #expect(await rig.kiosk.execute(commandLine: "play 2", source: .gpio) == .refused("quiet hours: the kiosk is closed"))
        #expect(await rig.logWritten())
        let plays = try rig.store!.plays()
        #expect(plays.map(\.outcome) == ["interrupted"])
        #expect(plays[0].secondsHeard == 60)
        let ack = try rig.client().send("playstop 3").ack
        #expect(ack == "ACK [55@0] {playstop} quiet hours: the kiosk is closed")
    }
}

@Suite(.timeLimit(.minutes(3))) struct KioskReloadTests {
    /// Runs `reload` on a plain thread (as a socket client's would), so the test never blocks the
    /// cooperative pool the kiosk's own tasks need; the test awaits its end.
    final class ReloadInBackground: Sendable {
        private let result = Mutex<Result<Void, KioskRefusal>?>(nil)
        private let done = OneTimeEvent()
        init(_ kiosk: Kiosk) {
            Thread { [self] in
                let outcome = kiosk.submit(.reload, source: .socket).0
                result.withLock { $0 = outcome }
                done.fire()
            }.start()
        }
        func finished() async -> Result<Void, KioskRefusal>? {
            guard await done.wait(seconds: 20) else { return nil }
            return result.withLock { $0 }
        }
    }

    /// A reload that takes long (indexing a big tour on a Pi) does not hold up presses or status.
    @Test func aSlowReloadDoesNotBlockOtherCommands() async throws {
        let gate = DispatchSemaphore(value: 0)
        defer { gate.signal() }  // never leave the reload's thread held, whatever fails
        let entered = OneTimeEvent()
        let box = RigBox()
        let rig = try KioskRig(reload: { id in
            entered.fire()
            // Held until the test has been answered meanwhile. The bound only frees the thread if the test
            // never gets that far; it is far above anything a loaded machine takes.
            _ = gate.wait(timeout: .now() + 120)
            return try box.reload(id)
        })
        box.rig = rig
        let reloading = ReloadInBackground(rig.kiosk)
        #expect(await entered.wait(seconds: 20))
        let client = try ControlClient(address: rig.socket, timeout: 3)  // a blocked kiosk would time out here
        #expect(try client.send("playstop 2").ok)
        #expect(try client.send("status").value("stop") == "2")
        gate.signal()
        #expect(await reloading.finished()?.succeeded == true)
        #expect(rig.kiosk.status.state.play?.stopNumber == 2)  // the reload kept the clip
    }

    /// `tour B` lands while a reload is reading the old tour: the reload must not put the old tour back.
    @Test func aTourSwitchDuringAReloadIsNotUndone() async throws {
        let gate = DispatchSemaphore(value: 0)
        defer { gate.signal() }
        let entered = OneTimeEvent()
        let reads = Mutex<[String]>([])
        let box = RigBox()
        let rig = try KioskRig(reload: { id in
            let first = reads.withLock { $0.append(id); return $0.count == 1 }
            if first {
                entered.fire()
                // Held until `tour B` has landed, which indexes B's clips: on a loaded machine that took over
                // 20 s once, and a reload let go early is no race at all. The bound only frees the thread.
                _ = gate.wait(timeout: .now() + 120)
            }
            return try box.reload(id)
        })
        box.rig = rig
        let reloading = ReloadInBackground(rig.kiosk)
        #expect(await entered.wait(seconds: 20))
        #expect(rig.kiosk.submit(.tour("teplokhodik"), source: .socket).0.succeeded)
        gate.signal()
        #expect(await reloading.finished()?.succeeded == true)
        #expect(rig.kiosk.status.tourID == "teplokhodik")
        #expect(reads.withLock { $0 } == ["moyo-selo", "teplokhodik"])  // read again for the tour that won
    }
}

final class RigBox: @unchecked Sendable {
    weak var rig: KioskRig?
    func reload(_ id: String) throws -> (KioskConfiguration, InstalledTour) {
        guard let rig else { throw KioskSetupError("gone") }
        let shelf = TourShelf(toursDirectory: rig.configuration.toursDirectory, audioDirectory: rig.configuration.audioDirectory,
                              store: nil, logger: .init(label: "t"))
        return (rig.configuration, try shelf.install(id))
    }
}
