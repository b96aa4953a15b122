import AudiogidCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import AudiogidRoute

@Suite(.timeLimit(.minutes(3))) struct ItineraryOutputTests {
    /// A small loop with a clip missing and a title that needs escaping.
    func sample() throws -> Itinerary {
        var stops = [Plane.stop("a", 1, Plane.point(0, 0, ele: 100), dwell: 60), Plane.stop("b", 2, Plane.point(400, 0, ele: 110)),
                     Plane.stop("c", 3, Plane.point(400, 300, ele: 120))]
        stops[1].title = LocalizedText(["en": "Rock & <Roll> \"Hall\""])
        return try RoutePlanner.plan(Plane.tour(stops), clipSeconds: ["a": 83, "b": 61],
                                     options: RouteOptions(order: .optimize, start: "a", loop: true))
    }

    @Test func jsonCarriesTheContractedNames() throws {
        let itinerary = try sample()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(itinerary.json(startTime: 600).utf8)) as? [String: Any])
        #expect(object["order"] as? [String] == itinerary.order)
        let legs = try #require(object["legs"] as? [[String: Any]])
        #expect(legs.count == 3)
        for (leg, expected) in zip(legs, itinerary.legs) {
            #expect(leg["from"] as? String == expected.from && leg["to"] as? String == expected.to)
            #expect(abs((leg["distance_m"] as? Double ?? -1) - expected.distanceM) < 0.06)
            #expect(abs((leg["duration_s"] as? Double ?? -1) - expected.durationS) < 0.06)
        }
        let total = try #require(object["total_distance_m"] as? Double)
        #expect(abs(total - legs.reduce(0) { $0 + ($1["distance_m"] as! Double) }) < 0.2)
        let walk = try #require(object["total_walk_s"] as? Double)
        let audio = try #require(object["total_audio_s"] as? Double)
        let dwell = try #require(object["total_dwell_s"] as? Double)
        #expect(audio == 144)
        #expect(abs((object["total_s"] as? Double ?? 0) - (walk + audio + dwell)) < 0.2)
        #expect(object["start_time"] as? String == "10:00")
        let stops = try #require(object["stops"] as? [[String: Any]])
        #expect(stops.first?["arrival"] as? String == "10:00")
        #expect(stops.map { $0["has_clip"] as? Bool } == itinerary.visits.map { $0.hasClip })
    }

    @Test func geoJSONHasTheRouteLineAndOnePointPerStop() throws {
        let itinerary = try sample()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(itinerary.geoJSON().utf8)) as? [String: Any])
        #expect(object["type"] as? String == "FeatureCollection")
        let features = try #require(object["features"] as? [[String: Any]])
        let geometries = features.compactMap { ($0["geometry"] as? [String: Any])?["type"] as? String }
        #expect(geometries.filter { $0 == "Point" }.count == 3)
        #expect(geometries.filter { $0 == "LineString" }.count == 1)
        let line = try #require((features[0]["geometry"] as? [String: Any])?["coordinates"] as? [[Double]])
        // Longitude first, and the loop closes on its first stop.
        #expect(abs(line[0][0] - Plane.origin.lon) < 1e-9 && abs(line[0][1] - Plane.origin.lat) < 1e-9)
        #expect(line.first == line.last)
    }

    final class ElementCounter: NSObject, XMLParserDelegate {
        var counts: [String: Int] = [:]
        var text = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) { counts[name, default: 0] += 1 }
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    }

    func parseXML(_ text: String) -> ElementCounter? {
        let parser = XMLParser(data: Data(text.utf8))
        let counter = ElementCounter()
        parser.delegate = counter
        return parser.parse() ? counter : nil
    }

    @Test func gpxIsWellFormedWithWaypointsRouteAndTrack() throws {
        let itinerary = try sample()
        let counter = try #require(parseXML(itinerary.gpx()))
        #expect(counter.counts["wpt"] == 3)
        #expect(counter.counts["rtept"] == 4)      // back to the start
        #expect(counter.counts["trkpt"] == itinerary.polyline.count)
        #expect(counter.text.contains("Rock & <Roll> \"Hall\""))
    }

    @Test func svgIsWellFormedAndRendersWithRsvg() throws {
        let itinerary = try sample()
        let svg = itinerary.svg(startTime: 600)
        let counter = try #require(parseXML(svg))
        #expect(counter.counts["circle"] == 3)
        for label in ["1", "2", "3", "N", "Rock & <Roll> \"Hall\"", "10:00"] { #expect(counter.text.contains(label)) }
        // The real renderer must accept it and produce a PNG.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("route-svg-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("map.svg"), output = folder.appendingPathComponent("map.png")
        try Data(svg.utf8).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/rsvg-convert")
        process.arguments = ["-o", output.path, input.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let png = try Data(contentsOf: output)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test func htmlEscapesTextAndCarriesTableAndTranscripts() throws {
        let html = try sample().html(startTime: 600)
        #expect(html.contains("Rock &amp; &lt;Roll&gt; &quot;Hall&quot;"))
        #expect(!html.contains("<Roll>"))
        #expect(html.contains("About b &lt;&amp;&gt;."))
        #expect(html.contains("<table>") && html.contains("<svg"))
        #expect(html.contains("back to 1"))
    }

    @Test func textTableShowsEveryStopLegAndTotals() throws {
        let itinerary = try sample()
        let text = itinerary.text(startTime: 600)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("Stop a") && $0.contains("10:00") && $0.contains("1:23") })
        #expect(lines.contains { $0.contains("none") })            // stop c has no clip yet
        #expect(lines.contains { $0.contains("back to 1") })
        #expect(lines.contains { $0.hasPrefix("Total:") && $0.contains("tour") })
        #expect(lines.contains { $0.hasPrefix("warning:") && $0.contains("3 (c)") })
        #expect(itinerary.text().contains("+0:00"))
    }

    @Test func formattingReadsNaturally() {
        #expect(Formatting.distance(349.6) == "350 m")
        #expect(Formatting.distance(1240) == "1.24 km")
        #expect(Formatting.duration(30) == "30 s")
        #expect(Formatting.duration(3900) == "1 h 05 min")
        #expect(Formatting.clip(83) == "1:23")
        #expect(Formatting.clock(3600 * 15, start: 600) == "01:00")
        #expect(Formatting.width("凯旋门") == 6)
    }
}
