// trigger-latency-player: the trigger sources wired straight to the audio engine, without the kiosk, so
// Benchmarks/TriggerLatency/run.py --direct can time decoder + engine alone from a write() to the first
// sound, and compare with the whole daemon.
//
//   trigger-latency-player CLIPS_FOLDER SERIAL_LINK KEYPAD_FIFO [ALSA_DEVICE]
//
// "play N" plays CLIPS_FOLDER/N.ogg, "stop" stops; runs until SIGTERM or SIGINT.
import AudiogidAudio
import AudiogidTriggers
import Foundation
import Logging

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    FileHandle.standardError.write(Data("usage: trigger-latency-player CLIPS_FOLDER SERIAL_LINK KEYPAD_FIFO [ALSA_DEVICE]\n".utf8))
    exit(2)
}
let folder = URL(fileURLWithPath: arguments[1])
var logger = Logger(label: "trigger-latency-player")
logger.logLevel = .warning
let engine = AudioEngine(config: AudioOutputConfig(device: arguments.count > 4 ? arguments[4] : "pulse"), logger: logger)
engine.start()
let clips = (1...9).map { folder.appendingPathComponent("\($0).ogg") }.filter { FileManager.default.fileExists(atPath: $0.path) }
engine.prepare(clips)

let config = TriggersConfig(
    serial: [SerialConfig(port: arguments[2], match: TokenRules([.init(pattern: "^BTN(\\d+)$", command: "play \\1"),
                                                                 .init(pattern: "STOP", command: "stop")]),
                          repeat_ignore_s: 0)],
    keypad: {
        var keypad = KeypadConfig(device: arguments[3])
        keypad.grab = false
        keypad.keys = TokenRules([.init(pattern: "KEY_KPSLASH", command: "stop")])
        return keypad
    }())
let tokens = TokenCounter()
let sources = try TriggerSet(config: config, logger: logger) { event in
    guard let command = event.command else { return }
    let words = command.split(separator: " ")
    if words.first == "play", words.count == 2, let n = Int(words[1]) {
        // Loudness given, as the daemon gives it from its clip index, so nothing is measured on the hot path.
        engine.play(folder.appendingPathComponent("\(n).ogg"), loudnessLUFS: -20, token: tokens.next())
    } else if command == "stop" {
        engine.stop()
    }
}
sources.start()

let done = DispatchSemaphore(value: 0)
var signals: [DispatchSourceSignal] = []
for number in [SIGTERM, SIGINT] {
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
    source.setEventHandler { done.signal() }
    source.resume()
    signals.append(source)
}
done.wait()
sources.stop()
let finished = DispatchSemaphore(value: 0)
// Detached: top-level code runs on the main actor, whose thread is about to block on `finished`.
Task.detached {
    await engine.shutdown()
    finished.signal()
}
finished.wait()

final class TokenCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UInt64 = 0
    func next() -> UInt64 { lock.withLock { value += 1; return value } }
}
