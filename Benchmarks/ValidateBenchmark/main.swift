// Validating a very large tour: 2,000 stops, 6,000 clips (three languages), every clip opened with libsndfile.
// Target (issue: foundation): under 2 s in a release build.
//
//     swift run -c release validate-benchmark [stops] [runs]
//     NO_CLIPS=1 swift run -c release validate-benchmark   # manifest parsing and rules only, no clip probing
import AudiogidManifest
import Foundation

let arguments = CommandLine.arguments
let stopCount = arguments.count > 1 ? Int(arguments[1]) ?? 2000 : 2000
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
let checkClips = ProcessInfo.processInfo.environment["NO_CLIPS"] == nil
let languages = ["ru", "zh", "en"]

let library = FileManager.default.temporaryDirectory.appendingPathComponent("audiogid-validate-benchmark")
try? FileManager.default.removeItem(at: library)
let tourFolder = library.appendingPathComponent("tours/big")
let clipFolder = library.appendingPathComponent("audio/big")
try FileManager.default.createDirectory(at: tourFolder, withIntermediateDirectories: true)
try FileManager.default.createDirectory(at: clipFolder, withIntermediateDirectories: true)

// One real Ogg Vorbis clip from the demo tours, copied under every name the manifest uses.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let sample = try Data(contentsOf: packageRoot.appendingPathComponent("audio/teplokhodik/1-rechnoy-vokzal.ru.ogg"))

var yaml = "format: 1\nid: big\ntitle: {ru: \"Большой тур\", en: \"Big tour\"}\nlanguages: [ru, zh, en]\n"
yaml += "route: {order: optimize, loop: true}\nstops:\n"
for index in 1...stopCount {
    let lat = 50.0 + Double(index % 50) * 0.001, lon = 127.0 + Double(index / 50) * 0.001
    yaml += "  - id: stop-\(index)\n    number: \(index)\n    title: {ru: \"Остановка \(index)\", en: \"Stop \(index)\"}\n"
    yaml += "    location: {lat: \(lat), lon: \(lon), ele: 140}\n    dwell_s: 30\n    audio: {"
    yaml += languages.map { "\($0): big/\(index).\($0).ogg" }.joined(separator: ", ") + "}\n"
    yaml += "    transcript: {ru: \"Текст остановки \(index).\", en: \"The text of stop \(index).\"}\n"
    for language in languages { try sample.write(to: clipFolder.appendingPathComponent("\(index).\(language).ogg")) }
}
let manifest = tourFolder.appendingPathComponent("tour.yaml")
try yaml.write(to: manifest, atomically: true, encoding: .utf8)

var seconds: [Double] = []
for _ in 0..<runs {
    let start = ContinuousClock.now
    let report = TourLoader.validate(manifestPath: manifest.path, checkClips: checkClips)
    let elapsed = ContinuousClock.now - start
    precondition(!report.hasErrors && (report.clips.count == stopCount * languages.count || !checkClips), "the generated tour must be valid")
    seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}
seconds.sort()
let median = seconds[seconds.count / 2]
print("validate: \(stopCount) stops, \(stopCount * languages.count) clips\(checkClips ? "" : " (not opened)"), \(yaml.utf8.count / 1024) KiB manifest, \(ProcessInfo.processInfo.activeProcessorCount) cores")
print(String(format: "runs %d: median %.3f s, min %.3f s, max %.3f s (target < 2 s)", runs, median, seconds.first!, seconds.last!))
try? FileManager.default.removeItem(at: library)
