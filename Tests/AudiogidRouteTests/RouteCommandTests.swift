import AudiogidTestSupport
import Foundation
import Testing

/// `audiogid route` run as a tour author runs it, on the demo tours in the repository.
@Suite(.timeLimit(.minutes(3))) struct RouteCommandTests {
    func route(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let result = try BuiltTool.run(["route"] + arguments)
        return (result.status, result.stdout, result.stderr)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func theRiverboatSailsDownstreamAlongItsChannel() throws {
        let result = try route(["tours/teplokhodik", "--format", "json", "--order", "optimize"])
        #expect(result.status == 0, "\(result.err)")
        let object = try json(result.out)
        #expect(object["order"] as? [String] == ["rechnoy-vokzal", "vid-na-heihe", "triumfalnaya-arka", "naberezhnaya",
                                                  "pogranichniki", "strelka"])
        #expect(object["method"] as? String == "chainage")
        #expect(object["follows_network"] as? Bool == true)
        // About 4.2 km of channel from abeam the river station to abeam the Strelka, at 15 km/h.
        let distance = try #require(object["total_distance_m"] as? Double)
        #expect(distance > 4_000 && distance < 4_600)
        let chainages = try #require(object["stops"] as? [[String: Any]]).compactMap { $0["chainage_m"] as? Double }
        #expect(chainages.count == 6 && chainages == chainages.sorted())
        #expect(abs((chainages.last! - chainages.first!) - distance) < 1)
        let walk = try #require(object["total_walk_s"] as? Double)
        #expect(abs(walk - distance / (15 / 3.6)) < 1)
        // Real clip lengths from the Ogg files.
        #expect((object["total_audio_s"] as? Double ?? 0) > 20)
    }

    @Test func theRingWalkIsAnOptimisedLoopFromTheArch() throws {
        let result = try route(["koltso-vremeni", "--format", "json", "--start-time", "10:00", "--lang", "en"])
        #expect(result.status == 0, "\(result.err)")
        let object = try json(result.out)
        let order = try #require(object["order"] as? [String])
        #expect(order.first == "triumfalnaya-arka")
        #expect(object["loop"] as? Bool == true && object["method"] as? String == "held-karp")
        let legs = try #require(object["legs"] as? [[String: Any]])
        #expect(legs.count == order.count && legs.last?["to"] as? String == "triumfalnaya-arka")
        #expect(object["start_time"] as? String == "10:00")
        // Shorter than the author's listed order walked as a loop.
        let fixed = try json(route(["koltso-vremeni", "--format", "json", "--order", "fixed", "--lang", "en"]).out)
        #expect((object["total_walk_s"] as! Double) <= (fixed["total_walk_s"] as! Double))
    }

    @Test func theVillageWalkKeepsItsOrderAndPrintsATable() throws {
        let result = try route(["tours/moyo-selo/tour.yaml"])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("author's order"))
        #expect(result.out.contains("Total:"))
        let lines = result.out.split(separator: "\n")
        #expect(lines.filter { $0.range(of: #"^\s+\d+\s+\d+\s"#, options: .regularExpression) != nil }.count >= 5)
    }

    @Test func everyFormatWritesAFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("route-formats-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for format in ["text", "json", "geojson", "gpx", "svg", "html"] {
            let file = folder.appendingPathComponent("route.\(format)")
            let result = try route(["teplokhodik", "--format", format, "-o", file.path])
            #expect(result.status == 0, "\(format): \(result.err)")
            #expect(result.out.isEmpty)
            #expect((try Data(contentsOf: file)).count > 200, "\(format)")
        }
    }

    @Test func aDraftTourWithoutClipsRoutes() throws {
        let library = FileManager.default.temporaryDirectory.appendingPathComponent("route-draft-\(getpid())")
        let folder = library.appendingPathComponent("tours/draft")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: library) }
        let manifest = """
        format: 1
        id: draft
        title: {en: "Draft walk"}
        languages: [en]
        mode: walk
        route: {order: optimize, loop: true}
        stops:
          - {id: a, number: 1, title: {en: "A"}, location: {lat: 50.0, lon: 127.0}}
          - {id: b, number: 2, title: {en: "B"}, location: {lat: 50.003, lon: 127.002}, audio: {en: draft/b.en.ogg}}
          - {id: c, number: 3, title: {en: "C"}, location: {lat: 50.001, lon: 127.006}}
        """
        try Data(manifest.utf8).write(to: folder.appendingPathComponent("tour.yaml"))
        let result = try route([folder.path, "--format", "json"])
        #expect(result.status == 0, "\(result.err)")
        let object = try json(result.out)
        #expect((object["order"] as? [String])?.count == 3)
        #expect(object["total_audio_s"] as? Double == 0)
        #expect((object["warnings"] as? [String])?.contains { $0.contains("counted as 0 s") } == true)
        #expect(result.err.contains("draft/b.en.ogg"))
    }

    @Test func mistakesAreClearErrorsWithNonZeroStatus() throws {
        let unknown = try route(["koltso-vremeni", "--order", "optimize", "--start", "nowhere"])
        #expect(unknown.status == 1)
        #expect(unknown.err.contains("\"nowhere\""))
        let badTime = try route(["koltso-vremeni", "--start-time", "25:00"])
        #expect(badTime.status == 2 && badTime.err.contains("HH:MM"))
        let badOrder = try route(["koltso-vremeni", "--order", "shortest"])
        #expect(badOrder.status == 2)
        let noTour = try route(["tours/does-not-exist"])
        #expect(noTour.status == 1)
        // A stop far from the river channel.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("route-far-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let far = folder.appendingPathComponent("far.geojson")
        try Data(#"{"type": "LineString", "coordinates": [[127.50, 50.30], [127.60, 50.30]]}"#.utf8).write(to: far)
        let unplaceable = try route(["teplokhodik", "--paths", far.path])
        #expect(unplaceable.status == 1)
        #expect(unplaceable.err.contains("rechnoy-vokzal") && unplaceable.err.contains("snap radius"))
    }
}
