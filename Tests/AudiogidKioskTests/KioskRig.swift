@testable import AudiogidControl
import AudiogidCore
import AudiogidStore
import AudiogidTestSupport
import Foundation
import Logging
import Synchronization
import Testing
@testable import AudiogidKiosk

/// The repository's root, for the demo tours and the built executable.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A throw-away data folder holding a copy of the demo tours and their clips.
func makeDataFolder(tours: [String] = ["moyo-selo", "teplokhodik"]) throws -> URL {
    let folder = URL(fileURLWithPath: "/tmp/agk-\(UUID().uuidString.prefix(8))")
    let fileManager = FileManager.default
    try fileManager.createDirectory(at: folder.appendingPathComponent("tours"), withIntermediateDirectories: true)
    try fileManager.createDirectory(at: folder.appendingPathComponent("audio"), withIntermediateDirectories: true)
    for id in tours {
        try fileManager.copyItem(at: repositoryRoot.appendingPathComponent("tours/\(id)"), to: folder.appendingPathComponent("tours/\(id)"))
        try fileManager.copyItem(at: repositoryRoot.appendingPathComponent("audio/\(id)"), to: folder.appendingPathComponent("audio/\(id)"))
    }
    return folder
}

/// A kiosk in this process, silent, with its real control socket and store in a temp folder. Its speaker never
/// ends a clip by itself (a test that wants the end says so): a clip timed in real time would end early for a
/// test starved of CPU on a loaded machine, and "still playing" checks would fail at random.
final class KioskRig: @unchecked Sendable {
    let folder: URL
    let kiosk: Kiosk
    let server: ControlServer
    let store: KioskStore?
    let writer: StoreWriter?
    let configuration: KioskConfiguration
    var socket: String { configuration.control.socketPath }

    init(player: PlayerSettings = PlayerSettings(), control: ControlSettings? = nil, store useStore: Bool = true,
         readOnlyStore: Bool = false, reload: Kiosk.Reloading? = nil,
         clock: (@Sendable () -> Moment)? = nil, speaker: Speaker = SpeakerEndingOnCommand()) throws {
        folder = try makeDataFolder()
        var configuration = KioskConfiguration(dataDirectory: folder.path, tour: "moyo-selo",
                                               audio: AudioSettings(device: "none"), volume: 70, player: player)
        configuration.control = control ?? ControlSettings(socketPath: folder.appendingPathComponent("control.sock").path)
        if control != nil { configuration.control.socketPath = folder.appendingPathComponent("control.sock").path }
        self.configuration = configuration
        // Silent: the unwritable-database test's loud line is what it checks for, not noise for the test log.
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        if useStore {
            let path = configuration.databasePath
            if readOnlyStore {
                _ = try KioskStore(path: path)
                store = try KioskStore(readingOnly: path)
            } else {
                store = try KioskStore(path: path)
            }
        } else {
            store = nil
        }
        let shelf = TourShelf(toursDirectory: configuration.toursDirectory, audioDirectory: configuration.audioDirectory,
                              store: store, logger: logger)
        let config = configuration
        let writer = store.map { StoreWriter(store: $0) }
        self.writer = writer
        writer?.start()
        kiosk = Kiosk(configuration: configuration, tour: try shelf.install("moyo-selo"), speaker: speaker,
                      writer: writer, logger: logger, loadTour: { try shelf.install($0) },
                      reload: reload ?? { id in (config, try shelf.install(id)) }, clock: clock ?? Moment.now)
        server = ControlServer(kiosk: kiosk, settings: configuration.control, logger: logger)
        try server.start()
    }

    /// Waits until every row queued so far is in the database file.
    func logWritten() async -> Bool {
        guard let writer else { return true }
        return await written(writer, writer.newest)
    }

    func client() throws -> ControlClient { try ControlClient(address: socket) }

    deinit {
        server.stop()
        writer?.finish()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A speaker whose clip ends when the test says, reported as heard to its end (the clip's own duration).
final class SpeakerEndingOnCommand: Speaker, Sendable {
    private struct State {
        var handler: (@Sendable (SpeakerEvent) -> Void)?
        var playing: (token: UInt64, seconds: Double?)?
        var handed: [String] = []
        var seeks: [(token: UInt64, seconds: Double)] = []
    }
    private let state = Mutex(State())
    /// The file names of the clips it was handed, in order.
    var clips: [String] { state.withLock { $0.handed } }
    func play(_ clip: SpeakerClip, token: UInt64) {
        state.withLock {
            $0.playing = (token, clip.durationSeconds)
            $0.handed.append(clip.url.lastPathComponent)
        }
    }
    func stop() { state.withLock { $0.playing = nil } }
    func pause() {}
    func resume() {}
    func seek(to seconds: Double, token: UInt64) { state.withLock { $0.seeks.append((token, seconds)) } }
    /// The seconds each seek asked for, in order, with whether it was for the clip playing then.
    var seeks: [(seconds: Double, ofPlaying: Bool)] {
        state.withLock { state in state.seeks.map { ($0.seconds, $0.token == state.playing?.token) } }
    }
    func setVolume(_ level: Int) {}
    /// "none", as the silent speaker it stands for.
    var status: SpeakerStatus { SpeakerStatus(device: "none", deviceOpen: true, underruns: 0) }
    func setEventHandler(_ handler: @escaping @Sendable (SpeakerEvent) -> Void) { state.withLock { $0.handler = handler } }
    func prepare(_ clips: [URL]) {}
    func shutdown() async {}

    /// Ends the playing clip; false when nothing was playing.
    func endClip() -> Bool {
        let (handler, playing) = state.withLock { state in
            defer { state.playing = nil }
            return (state.handler, state.playing)
        }
        guard let handler, let playing else { return false }
        handler(.finished(token: playing.token, secondsHeard: playing.seconds))
        return true
    }
}

struct ProcessResult {
    var status: Int32
    var output: String
    var error: String
}

/// Runs a program to completion, with a time limit so a hung client fails the test instead of hanging it
/// (SIGTERM at the deadline). Suspends while it waits: no pool thread is held.
@discardableResult
func runToEnd(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
              timeout: Double = 20) async throws -> ProcessResult {
    let program = try RunningProgram(URL(fileURLWithPath: executable), arguments, environment: environment)
    let status = await program.finish(within: timeout)
    return ProcessResult(status: status, output: program.stdout, error: program.stderr)
}

/// `runToEnd` for synchronous callers: blocks this thread on the program's exit (an event, with a deadline).
@discardableResult
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: Double = 20) throws -> ProcessResult {
    let program = try RunningProgram(URL(fileURLWithPath: executable), arguments, environment: environment)
    let status = program.exitedBlocking(within: timeout) ?? program.stopBlocking()
    return ProcessResult(status: status, output: program.stdout, error: program.stderr)
}

func mpc(_ socket: String, _ arguments: String...) throws -> ProcessResult {
    try run("/usr/bin/mpc", ["--host", socket] + arguments)
}

/// Checks `condition` every 10 ms until it holds or `seconds` pass. Suspends between checks rather than
/// blocking, so the kiosk's own tasks (which share the test's thread pool) keep running meanwhile.
func eventually(_ seconds: Double = 5, _ condition: () async throws -> Bool) async rethrows -> Bool {
    try await Wait.until(seconds, every: .milliseconds(10), condition)
}

/// Waits (suspended) until every row up to `ticket` is in the database file; false after `seconds`.
func written(_ writer: StoreWriter, _ ticket: StoreWriter.Ticket, within seconds: Double = 20) async -> Bool {
    let done = OneTimeEvent()
    Task {
        await writer.written(ticket)
        done.fire()
    }
    return await done.wait(seconds: seconds)
}

extension Result where Success == Void {
    /// Void is not Equatable, so tests compare the outcome through this.
    var succeeded: Bool { if case .success = self { true } else { false } }
}
