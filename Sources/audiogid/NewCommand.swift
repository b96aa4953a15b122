import ArgumentParser
import AudiogidAuthoring
import AudiogidCore
import AudiogidManifest
import AudiogidMessages
import Foundation

struct NewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Start a tour: a commented tour.yaml with one example stop, and its audio folder.",
        discussion: "Writes LIBRARY/tours/ID/tour.yaml and LIBRARY/audio/ID/, then validates the new tour."
    )

    @Argument(help: "The tour's short name: small latin letters, digits and '-' (e.g. moyo-selo).")
    var id: String

    @Option(help: "The tour's title (the same in every language until you translate it).")
    var title: String

    @Option(help: "Languages, the default first, e.g. ru,zh,en.")
    var languages: String

    @Option(help: "walk or boat.")
    var mode: TravelMode = .walk

    @Option(help: "The library folder holding tours/ and audio/.")
    var library = "."

    func run() async throws {
        let language = Language.staff
        let codes = languages.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let created: NewTour.Created
        do {
            created = try NewTour.create(id: id, title: title, languages: codes, mode: mode,
                                         library: URL(fileURLWithPath: library))
        } catch {
            throw ValidationError(error.text(in: language))
        }
        let report = TourLoader.validate(manifestPath: created.manifest.path, checkClips: false)
        for finding in report.findings where finding.severity == .error { print(finding.line(in: language)) }
        print(language.render(Wording(.created, .text(created.manifest.path), .text(created.audioFolder.path))))
        if report.hasErrors { throw ExitCode(1) }
    }
}

extension TravelMode: ExpressibleByArgument {}
