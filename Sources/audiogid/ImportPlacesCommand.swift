import ArgumentParser
import AudiogidAuthoring
import AudiogidCore
import AudiogidManifest
import Foundation

struct ImportPlacesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-places",
        abstract: "Set stops' coordinates from a phone map's points (GPX, GeoJSON or KML).",
        discussion: """
        Points are matched to stops by name (any language's title, or the id; '3. Храм' also by number 3),
        or one to one in the file's order with --by-order. Lists what did not match; comments in tour.yaml stay.
        """
    )

    @Argument(help: "A .gpx (OsmAnd, Organic Maps), .geojson or .kml (Google My Maps) file.")
    var file: String

    @Option(help: "The tour id (its folder under LIBRARY/tours/).")
    var tour: String

    @Flag(help: "Match points to stops in order instead of by name.")
    var byOrder = false

    @Option(help: "The library folder holding tours/ and audio/.")
    var library = "."

    func run() async throws {
        let manifest = TourSheets.manifest(tour: tour, library: URL(fileURLWithPath: library))
        let result: PlaceMatch.Result
        do {
            let current = try TourSheets.currentTour(manifest)
            let places = try PlaceFile.read(URL(fileURLWithPath: file))
            guard !places.isEmpty else { throw AuthoringError("\(file): holds no points (waypoints or placemarks)") }
            result = PlaceMatch.match(places, to: current, byOrder: byOrder)
            let text = try String(contentsOf: manifest, encoding: .utf8)
            let edited = try ManifestEditor.apply(result.edits, to: text, file: manifest.path, languages: current.languages)
            if edited != text { try edited.write(to: manifest, atomically: true, encoding: .utf8) }
        } catch let error as AuthoringError {
            throw ValidationError(error.description)
        }
        for place in result.unmatchedPlaces {
            print("\(file): warning: point '\(place.name)' (\(place.location.lat), \(place.location.lon)) matches no stop")
        }
        for id in result.stopsWithoutPlace { print("\(manifest.path): warning: stop '\(id)' got no point") }
        let moved = result.edits.filter { !$0.changed.isEmpty }.count
        let report = TourLoader.validate(manifestPath: manifest.path, checkClips: false)
        for finding in report.findings where finding.severity == .error { print(finding.line) }
        printError("\(tour): \(moved) stops placed, \(result.unmatchedPlaces.count) points unmatched")
        if report.hasErrors { throw ExitCode(1) }
    }
}
