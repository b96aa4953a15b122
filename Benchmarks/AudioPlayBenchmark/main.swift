// audio-play-benchmark FILE [--device PCM] [--period-ms N] [--buffer-ms N]: plays one clip through the engine, as the daemon would, and exits
// when it ends. The subject of the CPU and peak-memory benchmark (Benchmarks/audio-benchmark.sh); it links
// nothing the engine does not, so the figures are the engine's own.
import AudiogidAudio
import FoundationEssentials
import Glibc
import Logging

let arguments = Array(CommandLine.arguments.dropFirst())
guard let path = arguments.first else {
    print("usage: audio-play-benchmark FILE [--device PCM] [--period-ms N] [--buffer-ms N]")
    exit(2)
}
var device = "default"
if let i = arguments.firstIndex(of: "--device"), i + 1 < arguments.count { device = arguments[i + 1] }

var logger = Logger(label: "audio-play-benchmark")
logger.logLevel = .warning
func milliseconds(_ name: String) -> Int? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let ms = Int(arguments[i + 1]) else { return nil }
    return ms * 48
}
// --period-ms / --buffer-ms: the ALSA period and buffer (default 10 ms and 4 periods).
// Given explicitly, they hold on a sound server too; otherwise the engine's defaults apply, as in the daemon
// (on a sound server: 100 ms periods, 4 of them).
var config = AudioOutputConfig(device: device, periodFrames: milliseconds("--period-ms"),
                               bufferFrames: milliseconds("--buffer-ms"))
if milliseconds("--period-ms") != nil { config.serverPeriodFrames = nil }
let engine = AudioEngine(config: config, logger: logger)
engine.start()
// The loudness a clip index would hold; measuring is a one-off cost at install time, not part of playing.
engine.play(URL(fileURLWithPath: path), loudnessLUFS: -18, token: 1)
var status: Int32 = 0
for await event in engine.events {
    if case .finished = event { break }
    if case let .failed(_, message) = event { print(message); status = 1; break }
    if case let .deviceLost(message) = event { print(message); status = 1; break }
}
await engine.shutdown()
print("underruns: \(engine.status.underruns)")
exit(status)
