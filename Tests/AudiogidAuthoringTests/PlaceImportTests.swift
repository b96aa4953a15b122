@testable import AudiogidAuthoring
import AudiogidCore
import AudiogidManifest
import AudiogidTestSupport
import Foundation
import Testing

@Suite("places from a phone's map", .timeLimit(.minutes(3)))
struct PlaceImportTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func tour(_ library: URL, _ id: String) throws -> Tour {
        try #require(TourLoader.validate(manifestPath: TourSheets.manifest(tour: id, library: library).path, checkClips: false).tour)
    }

    @Test("GPX waypoints from OsmAnd match stops by title, ignoring case and spaces, or by a leading number")
    func gpx() throws {
        let places = try PlaceFile.read(Self.fixtures.appendingPathComponent("osmand-favourites.gpx"))
        #expect(places.map(\.name) == ["Библиотека", "школа", "4. Храм", "Магазин"])
        #expect(places[0].location == Coordinate(lat: 50.391612, lon: 127.827305, ele: 141.5))
        let scratch = try Scratch()
        defer { scratch.remove() }
        let library = try scratch.demoLibrary()
        let manifest = TourSheets.manifest(tour: "moyo-selo", library: library)
        let before = try String(contentsOf: manifest, encoding: .utf8)
        let result = try BuiltTool.run(["import-places", Self.fixtures.appendingPathComponent("osmand-favourites.gpx").path,
                                        "--tour", "moyo-selo", "--library", library.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("point 'Магазин' (50.4, 127.84) matches no stop"))
        #expect(result.stdout.contains("stop 'mill' got no point"))
        let after = try tour(library, "moyo-selo")
        #expect(after.stop(id: "library")?.location == Coordinate(lat: 50.391612, lon: 127.827305, ele: 141.5))
        #expect(after.stop(id: "school")?.location == Coordinate(lat: 50.39324, lon: 127.830411, ele: 146), "elevation kept")
        #expect(after.stop(id: "church")?.location == Coordinate(lat: 50.395801, lon: 127.831912, ele: 158))
        #expect(after.stop(id: "pond")?.location == Coordinate(lat: 50.3909, lon: 127.8222, ele: 133), "unmatched stops stay")
        let changedLines = Set(before.split(separator: "\n")).subtracting(Set(try String(contentsOf: manifest, encoding: .utf8).split(separator: "\n")))
        #expect(changedLines.count == 3)
    }

    @Test("GeoJSON points from Organic Maps: lines are skipped, English titles match too")
    func geoJSON() throws {
        let places = try PlaceFile.read(Self.fixtures.appendingPathComponent("organic-maps.geojson"))
        #expect(places.map(\.name) == ["Дом культуры", "Старая мельница", "The Pond"])
        let scratch = try Scratch()
        defer { scratch.remove() }
        let library = try scratch.demoLibrary()
        let current = try tour(library, "moyo-selo")
        let result = PlaceMatch.match(places, to: current, byOrder: false)
        #expect(result.unmatchedPlaces.isEmpty)
        #expect(result.edits.map(\.stop.id) == ["club", "mill", "pond"])
        #expect(result.edits[1].stop.location == Coordinate(lat: 50.39262, lon: 127.82371, ele: 138))
    }

    @Test("KML placemarks from Google My Maps, by name and by order")
    func kml() throws {
        let file = Self.fixtures.appendingPathComponent("google-my-maps.kml")
        let places = try PlaceFile.read(file)
        #expect(places == [Place(name: "Триумфальная арка", location: Coordinate(lat: 50.25358, lon: 127.53661)),
                           Place(name: "Площадь Победы", location: Coordinate(lat: 50.2619, lon: 127.5351))])
        let scratch = try Scratch()
        defer { scratch.remove() }
        let library = try scratch.demoLibrary()
        let current = try tour(library, "koltso-vremeni")
        #expect(PlaceMatch.match(places, to: current, byOrder: false).edits.map(\.stop.id) == ["triumfalnaya-arka", "ploshchad-pobedy"])
        let byOrder = try BuiltTool.run(["import-places", file.path, "--tour", "koltso-vremeni", "--by-order", "--library", library.path])
        #expect(byOrder.status == 0, "\(byOrder.stdout)\(byOrder.stderr)")
        let after = try tour(library, "koltso-vremeni")
        #expect(after.stops[0].location == Coordinate(lat: 50.25358, lon: 127.53661, ele: current.stops[0].location?.ele))
        #expect(after.stops[1].location == Coordinate(lat: 50.2619, lon: 127.5351, ele: current.stops[1].location?.ele))
        #expect(after.stops[2...] == current.stops[2...])
    }

    @Test("a file that is not a map export is refused with its name")
    func refused() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let broken = try scratch.write("broken.gpx", "<gpx><wpt lat=\"1\" lon=\"2\"><name>x</name></wpt>")
        #expect(throws: AuthoringError.self) { try PlaceFile.read(broken) }
        let other = try scratch.write("places.txt", "hello")
        #expect(throws: AuthoringError.self) { try PlaceFile.read(other) }
    }
}
