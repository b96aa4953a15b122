import ArgumentParser
import AudiogidAuthoring
import AudiogidCore
import AudiogidManifest
import Foundation

struct ImportAudioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-audio",
        abstract: "Bring in phone recordings: convert, trim, check loudness, and fill in the tour's audio entries.",
        discussion: """
        Each file is matched to a stop by a stop id or the stop's number in its name ('03 Храм.m4a'), or
        --stop N for one file. Writes AUDIO/ID/NN-STOP.LANG.ogg (Ogg Vorbis, mono); the recordings stay as they are.
        Needs ffmpeg (sudo apt-get install ffmpeg).
        """
    )

    @Argument(help: "Recordings: .m4a, .aac, .mp3, .amr, .3gp, .opus, .ogg, .wav.")
    var files: [String]

    @Option(help: "The tour id (its folder under LIBRARY/tours/).")
    var tour: String

    @Option(help: "The language the recordings speak (one of the tour's languages).")
    var lang: String

    @Option(help: "The stop number, when importing one file whose name does not say.")
    var stop: Int?

    @Option(help: "The library folder holding tours/ and audio/.")
    var library = "."

    func run() async throws {
        let manifest = TourSheets.manifest(tour: tour, library: URL(fileURLWithPath: library))
        var edits: [StopEdit] = []
        var failed = false
        do {
            let current = try TourSheets.currentTour(manifest)
            guard current.languages.contains(lang) else {
                throw AuthoringError("'\(lang)' is not one of the tour's languages (\(current.languages.joined(separator: ", ")))")
            }
            if stop != nil, files.count != 1 { throw AuthoringError("--stop names the stop of one file; give one file with it") }
            let audio = TourLibrary.audioDirectory(forTourAt: manifest.deletingLastPathComponent())
            var working = current
            for file in files {
                let url = URL(fileURLWithPath: file)
                let target = stop.flatMap { working.stop(number: $0) } ?? (stop == nil ? AudioImport.stop(for: url, in: working) : nil)
                guard let target, let index = working.stops.firstIndex(where: { $0.id == target.id }) else {
                    print("\(file): error: \(stop.map { "the tour has no stop \($0)" } ?? "no stop number or id in the file name; rename it (e.g. 03-\(working.stops.first?.id ?? "stop").m4a) or use --stop N")")
                    failed = true
                    continue
                }
                do {
                    let converted = try AudioImport.convert(url, stop: target, tour: working, language: lang, audioDirectory: audio)
                    for warning in converted.warnings { print("\(file): warning: \(warning)") }
                    working.stops[index] = converted.stop
                    edits.removeAll { $0.index == index }
                    edits.append(StopEdit(index: index, stop: converted.stop,
                                          changed: StopEdit.changes(from: current.stops[index], to: converted.stop), row: 0))
                    printError(String(format: "%@ → %@ (%.1f s, %.1f LUFS)", file, converted.clipPath, converted.seconds,
                                      converted.loudness.integratedLUFS))
                } catch {
                    print("\(file): error: \(error.description)")
                    failed = true
                }
            }
            let text = try String(contentsOf: manifest, encoding: .utf8)
            let edited = try ManifestEditor.apply(edits, to: text, file: manifest.path, languages: current.languages)
            if edited != text { try edited.write(to: manifest, atomically: true, encoding: .utf8) }
        } catch let error as AuthoringError {
            throw ValidationError(error.description)
        }
        let report = TourLoader.validate(manifestPath: manifest.path)
        for finding in report.findings where finding.severity == .error { print(finding.line) }
        if failed || report.hasErrors { throw ExitCode(1) }
    }
}
