import AudiogidControl
// The control socket's share of press-to-sound latency: from a client's write() of `playstop N` on the unix
// socket to the kiosk handing the clip to its speaker, in one process on one monotonic clock; and the full
// round trip to the `OK` (which also covers the play-log row synced to disk before the reply).
//   swift run -c release daemon-benchmark [--presses 2000] [--data REPO_ROOT]
import AudiogidCore
import AudiogidKiosk
import AudiogidStore
import Foundation
import Logging
import Synchronization

func nowNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// A speaker that only notes when each clip was handed to it.
final class StopwatchSpeaker: Speaker, Sendable {
    let handedAt = Mutex<[UInt64: UInt64]>([:])
    func play(_ clip: SpeakerClip, token: UInt64) { let t = nowNanoseconds(); handedAt.withLock { $0[token] = t } }
    func stop() {}
    func pause() {}
    func resume() {}
    func setVolume(_ level: Int) {}
    var status: SpeakerStatus { SpeakerStatus(device: "stopwatch", deviceOpen: true, underruns: 0) }
    func setEventHandler(_ handler: @escaping @Sendable (SpeakerEvent) -> Void) {}
    func shutdown() async {}
}

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: String) -> String {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return fallback }
    return arguments[i + 1]
}
let presses = Int(option("--presses", "2000"))!
let repository = option("--data", FileManager.default.currentDirectoryPath)

let folder = URL(fileURLWithPath: "/tmp/audiogid-daemon-bench-\(getpid())")
try? FileManager.default.removeItem(at: folder)
try FileManager.default.createDirectory(at: folder.appendingPathComponent("tours"), withIntermediateDirectories: true)
try FileManager.default.createDirectory(at: folder.appendingPathComponent("audio"), withIntermediateDirectories: true)
try FileManager.default.copyItem(atPath: repository + "/tours/moyo-selo", toPath: folder.path + "/tours/moyo-selo")
try FileManager.default.copyItem(atPath: repository + "/audio/moyo-selo", toPath: folder.path + "/audio/moyo-selo")
defer { try? FileManager.default.removeItem(at: folder) }

var logger = Logger(label: "bench")
logger.logLevel = .critical
var configuration = KioskConfiguration(dataDirectory: folder.path, audio: AudioSettings(device: "none"),
                                       player: PlayerSettings(samePress: .restart))
configuration.control = ControlSettings(socketPath: folder.appendingPathComponent("c.sock").path)
let settings = configuration
let store = try KioskStore(path: configuration.databasePath)
let shelf = TourShelf(toursDirectory: configuration.toursDirectory, audioDirectory: configuration.audioDirectory,
                      store: store, logger: logger)
let speaker = StopwatchSpeaker()
let writer = StoreWriter(store: store)
writer.start()
let kiosk = Kiosk(configuration: configuration, tour: try shelf.install("moyo-selo"), speaker: speaker, writer: writer,
                  logger: logger, loadTour: { try shelf.install($0) }, reload: { id in (settings, try shelf.install(id)) })
let server = ControlServer(kiosk: kiosk, settings: configuration.control, logger: logger)
try server.start()

let client = try ControlClient(address: configuration.control.socketPath)
var toHand: [Double] = [], roundTrip: [Double] = []
for i in 0 ..< presses + 100 {
    let before = speaker.handedAt.withLock { $0.count }
    let t = nowNanoseconds()
    let reply = try client.send("playstop \(i % 7 + 1)")
    let done = nowNanoseconds()
    precondition(reply.ok, "\(reply)")
    let handed = speaker.handedAt.withLock { $0.values.max() ?? 0 }
    precondition(speaker.handedAt.withLock { $0.count } == before + 1)
    if i >= 100 {  // the first hundred warm caches and the page cache of the database
        toHand.append(Double(handed - t) / 1e6)
        roundTrip.append(Double(done - t) / 1e6)
    }
}
server.stop()
func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((p / 100 * Double(sorted.count - 1)).rounded()))]
}
print(String(format: "socket → speaker (command written → clip handed to the audio engine): p50 %.3f ms, p99 %.3f ms (n=%d)",
             percentile(toHand, 50), percentile(toHand, 99), toHand.count))
print(String(format: "round trip to OK (includes the play-log row synced to disk): p50 %.3f ms, p99 %.3f ms",
             percentile(roundTrip, 50), percentile(roundTrip, 99)))
