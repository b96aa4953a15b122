import AudiogidCore
import Foundation
import Testing
@testable import AudiogidRoute

@Suite(.timeLimit(.minutes(3))) struct GeodesicTests {
    @Test func oneDegreeOfLongitudeOnTheEquatorIsTheWGS84Figure() {
        // a·π/180 for a = 6378137 m.
        let d = Geodesic.distance(Coordinate(lat: 0, lon: 0), Coordinate(lat: 0, lon: 1))
        #expect(abs(d - 111_319.490_793) < 1e-3)
    }

    @Test func oneDegreeOfLatitudeAtTheEquatorIsShorterThanAtThePole() {
        // Meridian arc lengths on WGS84: 110 574.4 m from 0° to 1°, 111 693.9 m from 89° to 90°.
        let low = Geodesic.distance(Coordinate(lat: 0, lon: 0), Coordinate(lat: 1, lon: 0))
        let high = Geodesic.distance(Coordinate(lat: 89, lon: 0), Coordinate(lat: 90, lon: 0))
        #expect(abs(low - 110_574.4) < 0.5)
        #expect(abs(high - 111_693.9) < 0.5)
    }

    @Test func directAndInverseAgree() {
        // geodesic.h's example: from JFK, azimuth 45°, 10 000 km (GeographicLib's GeodSolve gives 32.62110 49.05249).
        let jfk = Coordinate(lat: 40.64, lon: -73.78)
        let there = Geodesic.destination(from: jfk, azimuth: 45, distance: 10e6)
        #expect(abs(there.lat - 32.62110) < 1e-5 && abs(there.lon - 49.05249) < 1e-5)
        let back = Geodesic.inverse(jfk, there)
        #expect(abs(back.distance - 10e6) < 1e-6)
        #expect(abs(back.azimuth1 - 45) < 1e-9)
    }

    @Test func toblerIsSlowerUphillAndFastestOnAGentleDescent() {
        #expect(abs(WalkingPace.toblerKmh(slope: 0) - 5.0366) < 1e-3)
        #expect(WalkingPace.factor(slope: 0) == 1)
        #expect(WalkingPace.factor(slope: 0.1) < WalkingPace.factor(slope: -0.1))
        #expect(WalkingPace.factor(slope: -0.05) > WalkingPace.factor(slope: -0.02))
        #expect(WalkingPace.factor(slope: -0.05) > WalkingPace.factor(slope: -0.08))
        // 500 m at 4.5 km/h on the flat is 400 s.
        #expect(abs(WalkingPace.seconds(metres: 500, rise: 0, flatKmh: 4.5) - 400) < 1e-9)
        #expect(abs(WalkingPace.seconds(metres: 500, rise: 50, flatKmh: 4.5) - 400 / exp(-3.5 * 0.15 + 0.175)) < 1e-9)
    }
}
