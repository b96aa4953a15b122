import AudiogidCore
import Foundation
import Testing
@testable import AudiogidRoute

@Suite(.timeLimit(.minutes(3))) struct RoutePlannerTests {
    @Test func uphillLegsTakeLongerThanDownhillOnes() throws {
        let low = Plane.stop("low", 1, Plane.point(0, 0, ele: 100))
        let high = Plane.stop("high", 2, Plane.point(500, 0, ele: 150))
        let options = RouteOptions(circuity: 1)
        let up = try RoutePlanner.plan(Plane.tour([low, high]), options: options)
        let down = try RoutePlanner.plan(Plane.tour([high, low]), options: options)
        #expect(abs(up.legs[0].distanceM - down.legs[0].distanceM) < 1e-6)
        #expect(up.legs[0].durationS > down.legs[0].durationS * 1.3)
        // Tobler scaled to 4.5 km/h on the flat: 500 m at slope +0.1 and −0.1.
        #expect(abs(up.legs[0].durationS - 400 / WalkingPace.factor(slope: 0.1)) < 0.01)
        #expect(abs(down.legs[0].durationS - 400 / WalkingPace.factor(slope: -0.1)) < 0.01)
        #expect(up.legs[0].riseM == 50 && down.legs[0].riseM == -50)
        // Without elevations both ways take the flat time.
        let flat = try RoutePlanner.plan(Plane.tour([Plane.stop("a", 1, Plane.point(0, 0)), Plane.stop("b", 2, Plane.point(500, 0))]),
                                         options: options)
        #expect(abs(flat.legs[0].durationS - 400) < 0.01)
    }

    @Test func optimisedLoopOnAHillPicksTheCheaperDirection() throws {
        // A triangle with one high corner: clockwise and anticlockwise are equally long but not equally steep
        // (a gentle climb and a steep descent beat a steep climb and a gentle descent).
        let stops = [Plane.stop("base", 1, Plane.point(0, 0, ele: 100)),
                     Plane.stop("far", 2, Plane.point(1000, 0, ele: 140)),
                     Plane.stop("top", 3, Plane.point(0, 300, ele: 160))]
        let options = RouteOptions(order: .optimize, start: "base", loop: true, circuity: 1)
        let itinerary = try RoutePlanner.plan(Plane.tour(stops), options: options)
        let reversed = try RoutePlanner.plan(Plane.tour([stops[0], stops[2], stops[1]]),
                                             options: RouteOptions(order: .fixed, loop: true, circuity: 1))
        let forward = try RoutePlanner.plan(Plane.tour(stops), options: RouteOptions(order: .fixed, loop: true, circuity: 1))
        #expect(itinerary.method == .exact)
        #expect(abs(itinerary.totalTravelS - min(reversed.totalTravelS, forward.totalTravelS)) < 1e-6)
        #expect(reversed.totalTravelS != forward.totalTravelS)
    }

    @Test func scheduleAddsLegsClipsAndDwell() throws {
        let stops = [Plane.stop("a", 1, Plane.point(0, 0), dwell: 60), Plane.stop("b", 2, Plane.point(360, 0), dwell: 30),
                     Plane.stop("c", 3, Plane.point(360, 360))]
        let itinerary = try RoutePlanner.plan(Plane.tour(stops, speed: 3.6), clipSeconds: ["a": 100, "b": 50],
                                              options: RouteOptions(circuity: 1))
        #expect(itinerary.order == ["a", "b", "c"])
        let arrivals = itinerary.visits.map(\.arrivalS)
        let expected: [Double] = [0, 520, 960]   // a: 100 s clip + 60 s dwell, 360 s walk; b: 50 + 30, 360 s walk
        for (got, want) in zip(arrivals, expected) { #expect(abs(got - want) < 0.1, "\(arrivals)") }
        #expect(abs(itinerary.totalS - (720 + 150 + 90)) < 0.1)
        #expect(itinerary.visits[2].hasClip == false)
        #expect(itinerary.warnings.contains { $0.contains("3 (c)") && $0.contains("0 s") })
    }

    @Test func startEndAndLoopAreHonouredForEveryStop() throws {
        var rng = SplitMix64(seed: 42)
        let stops = (1...9).map { k in
            Plane.stop("s\(k)", k, Plane.point(Double(rng.next() % 2000), Double(rng.next() % 2000), ele: Double(rng.next() % 60)))
        }
        let tour = Plane.tour(stops)
        for s in stops {
            let loop = try RoutePlanner.plan(tour, options: RouteOptions(order: .optimize, start: s.id, loop: true))
            #expect(loop.order.first == s.id && loop.isLoop && loop.legs.count == 9 && loop.legs.last?.to == s.id)
            let open = try RoutePlanner.plan(tour, options: RouteOptions(order: .optimize, start: s.id, loop: false))
            #expect(open.order.first == s.id && open.legs.count == 8)
            let ending = try RoutePlanner.plan(tour, options: RouteOptions(order: .optimize, end: s.id, loop: false))
            #expect(ending.order.last == s.id)
            let other = stops[(s.number % 9)]
            let both = try RoutePlanner.plan(tour, options: RouteOptions(order: .optimize, start: s.id, end: other.id, loop: false))
            #expect(both.order.first == s.id && both.order.last == other.id && Set(both.order).count == 9)
        }
    }

    @Test func fixedOrderKeepsTheAuthorsOrderAndALoopCanStartElsewhere() throws {
        let stops = (1...5).map { Plane.stop("s\($0)", $0, Plane.point(Double($0 * 700 % 1300), Double($0 * 300))) }
        let fixed = try RoutePlanner.plan(Plane.tour(stops), options: RouteOptions(order: .fixed))
        #expect(fixed.order == ["s1", "s2", "s3", "s4", "s5"] && fixed.method == .fixed)
        let loop = try RoutePlanner.plan(Plane.tour(stops), options: RouteOptions(order: .fixed, start: "s3", loop: true))
        #expect(loop.order == ["s3", "s4", "s5", "s1", "s2"])
    }

    @Test func boatsSailInChainageOrderAlongTheRiver() throws {
        let river = (0...20).map { Plane.point(Double($0) * 150, 0) }
        let network = try PathNetwork(lines: [river])
        let positions = [2400.0, 300, 1700, 900]
        let stops = positions.enumerated().map { k, x in Plane.stop("p\(Int(x))", k + 1, Plane.point(x, -100)) }
        let tour = Plane.tour(stops, mode: .boat, route: RoutePlan(order: .optimize))
        let downstream = try RoutePlanner.plan(tour, network: network)
        #expect(downstream.order == ["p300", "p900", "p1700", "p2400"])
        #expect(downstream.method == .chainage)
        let chainages = downstream.visits.compactMap(\.chainageM)
        #expect(chainages == chainages.sorted() && chainages.count == 4)
        #expect(abs(chainages[0] - 300) < 5)
        let upstream = try RoutePlanner.plan(tour, network: network, options: RouteOptions(start: "p2400"))
        #expect(upstream.order == ["p2400", "p1700", "p900", "p300"])
        // Boats keep their speed: no Tobler, no circuity.
        #expect(abs(downstream.speedKmh - TravelMode.boat.defaultSpeedKmh) < 1e-9)
        let leg = downstream.legs[0]
        #expect(abs(leg.durationS - leg.distanceM / (15 / 3.6)) < 1e-6)
        // The boat passes 100 m off each stop without going to the bank: legs are channel only.
        #expect(abs(leg.distanceM - 600) < 0.5)
        #expect(leg.path.allSatisfy { abs($0.lat - Plane.origin.lat) < 1e-6 })
    }

    @Test func unknownStartAndBadOptionsAreClearErrors() {
        let stops = [Plane.stop("a", 1, Plane.point(0, 0)), Plane.stop("b", 2, Plane.point(100, 0))]
        let unknown = #expect(throws: RouteError.self) {
            try RoutePlanner.plan(Plane.tour(stops), options: RouteOptions(order: .optimize, start: "zz"))
        }
        #expect(unknown?.kind == .unknownStop && unknown?.stops == ["zz"])
        #expect(throws: RouteError.self) { try RoutePlanner.plan(Plane.tour(stops), options: RouteOptions(speedKmh: 0)) }
        #expect(throws: RouteError.self) { try RoutePlanner.plan(Plane.tour(stops), options: RouteOptions(circuity: 0.5)) }
        #expect(throws: RouteError.self) { try RoutePlanner.plan(Plane.tour([])) }
        let loopElsewhere = #expect(throws: RouteError.self) {
            try RoutePlanner.plan(Plane.tour(stops), options: RouteOptions(order: .optimize, start: "a", end: "b", loop: true))
        }
        #expect(loopElsewhere?.kind == .badOptions)
    }

    @Test func aSingleStopTourRoutesToItself() throws {
        let itinerary = try RoutePlanner.plan(Plane.tour([Plane.stop("only", 1, Plane.point(0, 0))]), clipSeconds: ["only": 30],
                                              options: RouteOptions(order: .optimize, loop: true))
        #expect(itinerary.order == ["only"] && itinerary.legs.isEmpty && itinerary.totalS == 30)
        #expect(itinerary.polyline.count == 1)
    }
}

@Suite(.timeLimit(.minutes(3))) struct ItineraryPositionTests {
    @Test func positionMovesAlongTheRouteAtEachLegsPace() throws {
        // 3.6 km/h = 1 m/s; legs of 300 m east then 400 m north.
        let stops = [Plane.stop("a", 1, Plane.point(0, 0), dwell: 100), Plane.stop("b", 2, Plane.point(300, 0)),
                     Plane.stop("c", 3, Plane.point(300, 400))]
        let itinerary = try RoutePlanner.plan(Plane.tour(stops, speed: 3.6), options: RouteOptions(circuity: 1))
        #expect(Geodesic.distance(itinerary.position(afterMoving: 0), Plane.point(0, 0)) < 0.01)
        #expect(Geodesic.distance(itinerary.position(afterMoving: 150), Plane.point(150, 0)) < 0.5)
        #expect(Geodesic.distance(itinerary.position(afterMoving: 500), Plane.point(300, 200)) < 0.5)
        #expect(Geodesic.distance(itinerary.position(afterMoving: 10_000), Plane.point(300, 400)) < 0.01)
    }
}
