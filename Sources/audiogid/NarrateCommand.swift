import ArgumentParser
import AudiogidAuthoring
import AudiogidCore
import AudiogidManifest
import Foundation

struct NarrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "narrate",
        abstract: "Speak each stop's transcript with espeak-ng into draft clips, to try a tour before it is recorded.",
        discussion: """
        Writes AUDIO/ID/NN-STOP.LANG.draft.ogg and marks the stops 'draft: true' (validate warns about them).
        Stops that already have a recording in LANG are left alone; import-audio replaces drafts.
        """
    )

    @Argument(help: "The tour id (its folder under LIBRARY/tours/).")
    var id: String

    @Option(help: "The language whose transcripts are spoken.")
    var lang: String

    @Option(help: "An espeak-ng voice (default: the language, cmn for zh; see espeak-ng --voices).")
    var voice: String?

    @Option(help: "The library folder holding tours/ and audio/.")
    var library = "."

    func run() async throws {
        let manifest = TourSheets.manifest(tour: id, library: URL(fileURLWithPath: library))
        do {
            let tour = try TourSheets.currentTour(manifest)
            guard tour.languages.contains(lang) else {
                throw AuthoringError("'\(lang)' is not one of the tour's languages (\(tour.languages.joined(separator: ", ")))")
            }
            let audio = TourLibrary.audioDirectory(forTourAt: manifest.deletingLastPathComponent())
            let result = try Narration.narrate(tour, language: lang, voice: voice, audioDirectory: audio)
            for skipped in result.skipped { print("\(manifest.path): note: stop '\(skipped.id)' skipped: \(skipped.reason)") }
            let text = try String(contentsOf: manifest, encoding: .utf8)
            let edited = try ManifestEditor.apply(result.edits, to: text, file: manifest.path, languages: tour.languages)
            if edited != text { try edited.write(to: manifest, atomically: true, encoding: .utf8) }
            printError("\(id): \(result.edits.count) draft clips in '\(lang)'")
        } catch let error as AuthoringError {
            throw ValidationError(error.description)
        }
        let report = TourLoader.validate(manifestPath: manifest.path)
        for finding in report.findings where finding.severity == .error { print(finding.line) }
        if report.hasErrors { throw ExitCode(1) }
    }
}
