import AudiogidCore
import Foundation
import Testing
@testable import AudiogidRoute

/// A U-shaped network: A(0,0)–B(400,0) as one line, B–C(400,300)–D(0,300) as another joined at B,
/// and no path between D and A, so going from A to D means the long way round (1 100 m).
@Suite(.timeLimit(.minutes(3))) struct PathNetworkTests {
    let a = Plane.point(0, 0), b = Plane.point(400, 0), c = Plane.point(400, 300), d = Plane.point(0, 300)

    var network: PathNetwork { get throws { try PathNetwork(lines: [[a, b], [b, c, d]]) } }

    func plan(_ stops: [Stop], network: PathNetwork?, order: RouteOrder = .fixed, loop: Bool = false,
              snapRadius: Double = 300) throws -> Itinerary {
        try RoutePlanner.plan(Plane.tour(stops, speed: 3.6), network: network,
                              options: RouteOptions(order: order, loop: loop, snapRadiusM: snapRadius))
    }

    @Test func legsFollowShortestPathsOverTheNetwork() throws {
        let stops = [
            Plane.stop("s1", 1, Plane.point(0, -20)),     // 20 m south of A
            Plane.stop("s4", 2, Plane.point(200, 10)),    // 10 m north of the middle of A–B
            Plane.stop("s3", 3, Plane.point(400, 150)),   // on B–C, halfway
            Plane.stop("s2", 4, Plane.point(0, 320)),     // 20 m north of D
        ]
        let itinerary = try plan(stops, network: network)
        let distances = itinerary.legs.map(\.distanceM)
        // s1→s4: 20 + 200 + 10; s4→s3: 10 + 200 + 150; s3→s2: 150 + 400 + 20.
        #expect(distances.count == 3)
        for (got, expected) in zip(distances, [230.0, 360, 570]) { #expect(abs(got - expected) < 0.5, "\(distances)") }
        // 3.6 km/h is 1 m/s, so seconds equal metres on the flat.
        for leg in itinerary.legs { #expect(abs(leg.durationS - leg.distanceM) < 1e-6) }
        #expect(itinerary.followsNetwork)
        // The middle stop joined A–B at its middle.
        let joined = try #require(itinerary.visits[1].networkPoint)
        #expect(Geodesic.distance(joined, Plane.point(200, 0)) < 0.5)
        // The last leg's line goes through C and D, the corners of the U.
        let path = itinerary.legs[2].path
        #expect(path.contains { Geodesic.distance($0, c) < 0.01 } && path.contains { Geodesic.distance($0, d) < 0.01 })
        #expect(Geodesic.distance(path.first!, stops[2].location!) < 0.01)
        #expect(Geodesic.distance(path.last!, stops[3].location!) < 0.01)
    }

    @Test func theLongWayRoundIsTakenWhenThereIsNoShortcut() throws {
        let stops = [Plane.stop("a", 1, Plane.point(0, 5)), Plane.stop("d", 2, Plane.point(0, 295))]
        let onNetwork = try plan(stops, network: network)
        #expect(abs(onNetwork.totalDistanceM - (5 + 400 + 300 + 400 + 5)) < 0.5)
        // Without the network: a straight 290 m times the default circuity 1.25.
        let straight = try plan(stops, network: nil)
        #expect(abs(straight.totalDistanceM - 290 * 1.25) < 0.5)
    }

    @Test func twoStopsOnOneSegmentGoStraightAlongIt() throws {
        let stops = [Plane.stop("x", 1, Plane.point(100, 0)), Plane.stop("y", 2, Plane.point(300, 0))]
        let itinerary = try plan(stops, network: network)
        #expect(abs(itinerary.totalDistanceM - 200) < 0.5)
        #expect(itinerary.legs[0].path.count == 2)
    }

    @Test func aStopOnAPartNobodyCanReachIsAnErrorNamingIt() throws {
        let island = [Plane.point(0, 2000), Plane.point(400, 2000)]
        let split = try PathNetwork(lines: [[a, b], [b, c, d], island])
        let stops = [Plane.stop("home", 1, Plane.point(0, 0)), Plane.stop("lost", 2, Plane.point(200, 2010)),
                     Plane.stop("fine", 3, Plane.point(400, 100))]
        let error = #expect(throws: RouteError.self) { try plan(stops, network: split) }
        #expect(error?.kind == .unreachableStops)
        #expect(error?.stops == ["lost"])
        #expect(error?.message.contains("2 (lost)") == true)
        // The stray one is named even when it is listed first.
        let strayFirst = #expect(throws: RouteError.self) { try plan([stops[1], stops[0], stops[2]], network: split) }
        #expect(strayFirst?.stops == ["lost"])
    }

    @Test func aStopTooFarFromTheNetworkIsAnErrorWithItsDistance() throws {
        let stops = [Plane.stop("near", 1, Plane.point(0, 0)), Plane.stop("far", 2, Plane.point(200, -900))]
        let error = #expect(throws: RouteError.self) { try plan(stops, network: network, snapRadius: 300) }
        #expect(error?.kind == .unplaceableStops)
        #expect(error?.stops == ["far"])
        #expect(error?.message.contains("900 m") == true)
        // A larger snap radius lets it walk there.
        let itinerary = try plan(stops, network: network, snapRadius: 1000)
        #expect(abs(itinerary.totalDistanceM - (200 + 900)) < 0.5)
    }

    @Test func aStopWithoutCoordinatesIsAnErrorNamingIt() throws {
        let stops = [Plane.stop("here", 1, Plane.point(0, 0)), Plane.stop("nowhere", 7, nil)]
        let error = #expect(throws: RouteError.self) { try plan(stops, network: nil) }
        #expect(error?.kind == .unplaceableStops)
        #expect(error?.stops == ["nowhere"])
        #expect(error?.message.contains("7 (nowhere)") == true)
    }

    @Test func aStopOffTheGlobeIsAnErrorNamingIt() throws {
        let stops = [Plane.stop("here", 1, Plane.point(0, 0)), Plane.stop("mars", 2, Coordinate(lat: 95, lon: 10)),
                     Plane.stop("nan", 3, Coordinate(lat: .nan, lon: 10))]
        let error = #expect(throws: RouteError.self) { try plan(stops, network: nil) }
        #expect(error?.kind == .unplaceableStops)
        #expect(error?.stops == ["mars", "nan"])
    }

    @Test func geoJSONLineStringsAndMultiLineStringsAreRead() throws {
        let text = """
        {"type": "FeatureCollection", "features": [
          {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[\(a.lon), \(a.lat)], [\(b.lon), \(b.lat)]]}},
          {"type": "Feature", "properties": {}, "geometry": {"type": "MultiLineString", "coordinates": [[[\(b.lon), \(b.lat)], [\(c.lon), \(c.lat)], [\(d.lon), \(d.lat)]]]}},
          {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [0, 0]}}
        ]}
        """
        let parsed = try PathNetwork(geoJSON: Data(text.utf8))
        #expect(parsed.lines.count == 2)
        #expect(parsed.nodes.count == 4)     // B is shared: a junction
        let stops = [Plane.stop("a", 1, a), Plane.stop("d", 2, d)]
        #expect(abs(try plan(stops, network: parsed).totalDistanceM - 1100) < 0.5)
    }

    @Test(arguments: ["not json", "{\"type\": \"Point\", \"coordinates\": [1, 2]}",
                      "{\"type\": \"LineString\", \"coordinates\": [[1, 2]]}",
                      "{\"type\": \"LineString\", \"coordinates\": [[1, 2], [\"x\", 3]]}",
                      "{\"type\": \"LineString\", \"coordinates\": [[1, 2], [3, 95]]}", "[]"])
    func badGeoJSONIsAClearError(text: String) {
        let error = #expect(throws: RouteError.self) { try PathNetwork(geoJSON: Data(text.utf8)) }
        #expect(error?.kind == .badNetwork)
        #expect(error?.message.hasPrefix("path network:") == true)
    }
}

/// Footpaths with elevations on their vertices: walking times follow each slope.
@Suite(.timeLimit(.minutes(3))) struct HillNetworkTests {
    // A to B straight over a 60 m summit (200 m up, 200 m down), or round the flat way (3 × 200 m... 520 m).
    let a = Plane.point(0, 0, ele: 100), summit = Plane.point(200, 0, ele: 160), b = Plane.point(400, 0, ele: 100)
    let flat1 = Plane.point(0, -60, ele: 100), flat2 = Plane.point(400, -60, ele: 100)

    func plan(_ stops: [Stop], _ lines: [[Coordinate]]) throws -> Itinerary {
        try RoutePlanner.plan(Plane.tour(stops), network: try PathNetwork(lines: lines),
                              options: RouteOptions(order: .fixed))
    }

    @Test func aFlatDetourBeatsASteepShortcut() throws {
        let stops = [Plane.stop("a", 1, Plane.point(0, 0)), Plane.stop("b", 2, Plane.point(400, 0))]
        let itinerary = try plan(stops, [[a, summit, b], [a, flat1, flat2, b]])
        // Over the summit: 400 m but slopes of ±0.3; round: 60 + 400 + 60 = 520 m on the flat, 416 s at 4.5 km/h.
        #expect(abs(itinerary.legs[0].distanceM - 520) < 0.5)
        #expect(abs(itinerary.legs[0].durationS - 520 / 1.25) < 0.5)
        #expect(!itinerary.legs[0].path.contains { Geodesic.distance($0, summit) < 1 })
        // Without the flat way, the summit it is, and it costs Tobler's time for each side.
        let over = try plan(stops, [[a, summit, b]])
        let expected = WalkingPace.seconds(metres: 200, rise: 60, flatKmh: 4.5) + WalkingPace.seconds(metres: 200, rise: -60, flatKmh: 4.5)
        #expect(abs(over.legs[0].distanceM - 400) < 0.5)
        #expect(abs(over.legs[0].durationS - expected) < 0.5)
        #expect(over.legs[0].durationS > 520 / 1.25)
    }

    @Test func upTheHillTakesLongerThanDownAlongTheSamePath() throws {
        let bottom = Plane.point(0, 0, ele: 100), top = Plane.point(500, 0, ele: 150)
        let line = [bottom, Plane.point(250, 0, ele: 125), top]
        let up = try plan([Plane.stop("low", 1, Plane.point(0, 0)), Plane.stop("high", 2, Plane.point(500, 0))], [line])
        let down = try plan([Plane.stop("high", 1, Plane.point(500, 0)), Plane.stop("low", 2, Plane.point(0, 0))], [line])
        #expect(abs(up.legs[0].distanceM - down.legs[0].distanceM) < 0.01)
        #expect(up.legs[0].durationS > down.legs[0].durationS * 1.3)
        #expect(abs(up.legs[0].durationS - WalkingPace.seconds(metres: 500, rise: 50, flatKmh: 4.5)) < 0.5)
    }
}
