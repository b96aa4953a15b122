import ArgumentParser
import AudiogidAuthoring
import Foundation

struct LeafletCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaflet",
        abstract: "Make the printed leaflet: route map, itinerary with times and keypad numbers, a paragraph per stop.",
        discussion: "A4 pages in Noto fonts; PDF through rsvg-convert (librsvg2-bin), or HTML to print from a browser."
    )

    @Argument(help: "The tour id (its folder under LIBRARY/tours/).")
    var id: String

    @Option(help: "The visitors' language.")
    var lang: String

    @Option(name: .shortAndLong, help: "FILE.pdf or FILE.html.")
    var output: String

    @Option(help: "The library folder holding tours/ and audio/.")
    var library = "."

    func run() async throws {
        do {
            let pages = try Leaflet.pages(manifest: TourSheets.manifest(tour: id, library: URL(fileURLWithPath: library)), language: lang)
            try Leaflet.write(pages, to: URL(fileURLWithPath: output))
            printError("wrote \(output): \(pages.count) pages")
        } catch {
            throw ValidationError(error.description)
        }
    }
}
