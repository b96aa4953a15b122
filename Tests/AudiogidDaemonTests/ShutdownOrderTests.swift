import AudiogidControl
import AudiogidCore
import AudiogidKiosk
import AudiogidStore
import Foundation
import Logging
import Synchronization
import Testing
@testable import AudiogidDaemon

/// Collects what the daemon logs, for asserting on events and their metadata (not on wording).
final class LogRecorder: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }
    private let entries = Mutex<[Entry]>([])
    var all: [Entry] { entries.withLock { $0 } }

    var logger: Logger {
        Logger(label: "test") { _ in Handler(recorder: self) }
    }

    fileprivate func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            recorder.append(Entry(level: event.level, message: "\(event.message)",
                                  metadata: (event.metadata ?? [:]).mapValues { "\($0)" }))
        }
    }
}

/// A throw-away data folder with the village tour.
func makeDataFolder() throws -> URL {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let folder = URL(fileURLWithPath: "/tmp/agd-\(UUID().uuidString.prefix(8))")
    for part in ["tours", "audio"] {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(part), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: root.appendingPathComponent("\(part)/moyo-selo"),
                                         to: folder.appendingPathComponent("\(part)/moyo-selo"))
    }
    return folder
}

/// A speaker whose clips never end by themselves: the play in progress at shutdown is still playing, however
/// slowly the test machine runs.
final class EndlessSpeaker: Speaker, Sendable {
    func play(_ clip: SpeakerClip, token: UInt64) {}
    func stop() {}
    func pause() {}
    func resume() {}
    func setVolume(_ level: Int) {}
    var status: SpeakerStatus { SpeakerStatus(device: "test", deviceOpen: true, underruns: 0) }
    func setEventHandler(_ handler: @escaping @Sendable (SpeakerEvent) -> Void) {}
    func shutdown() async {}
}

@Suite(.timeLimit(.minutes(3))) struct ShutdownOrderTests {
    /// SIGTERM's path: inputs close first (nothing can press into a closed database), then the kiosk ends
    /// the current play, the speaker fades out, and the store writes the play's end before it closes.
    @Test func partsStopInReverseOrderAndThePlayInProgressIsLoggedInterrupted() async throws {
        let folder = try makeDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = KioskConfiguration(dataDirectory: folder.path, audio: AudioSettings(device: "test"))
        configuration.control.socketPath = folder.appendingPathComponent("control.sock").path
        let recorder = LogRecorder()
        let daemon = try await KioskDaemon.open(KioskFile(configuration: configuration), configFile: nil,
                                          overrides: ConfigurationOverrides(), logger: recorder.logger,
                                          makeSpeaker: { _, _, _ in EndlessSpeaker() },
                                          notifier: SystemdNotifier(environment: [:]),
                                          shutdownBudget: .seconds(50))  // order is what is checked, on any machine
        let running = Task { try await daemon.run() }

        let client = try ControlClient(address: configuration.control.socketPath, timeout: 10)
        #expect(try client.send("playstop 3").ok)
        await daemon.stop()
        try await running.value

        let stopped = recorder.all.filter { $0.message == "stopped" }.compactMap { $0.metadata["part"] }
        #expect(stopped == ["systemd", "control", "kiosk", "speaker", "store"])
        #expect(!FileManager.default.fileExists(atPath: configuration.control.socketPath))
        let plays = try KioskStore(readingOnly: configuration.databasePath).plays()
        #expect(plays.map(\.stopNumber) == [3])
        #expect(plays.map(\.outcome) == ["interrupted"])
    }
}
