import AudiogidCore
@testable import AudiogidRoute

/// Hand-made geography around a fixed origin, in metres east and north, so expected distances are known.
enum Plane {
    static let origin = Coordinate(lat: 50.0, lon: 127.0)

    /// The point `east` metres east and `north` metres north of the origin (along geodesics).
    static func point(_ east: Double, _ north: Double, ele: Double? = nil) -> Coordinate {
        let up = Geodesic.destination(from: origin, azimuth: north >= 0 ? 0 : 180, distance: abs(north))
        var p = Geodesic.destination(from: up, azimuth: east >= 0 ? 90 : 270, distance: abs(east))
        p.ele = ele
        return p
    }

    static func stop(_ id: String, _ number: Int, _ location: Coordinate?, dwell: Double = 0) -> Stop {
        Stop(id: id, number: number, title: LocalizedText(["en": "Stop \(id)"]), location: location, dwellS: dwell,
             transcript: LocalizedText(["en": "About \(id) <&>."]))
    }

    static func tour(_ stops: [Stop], mode: TravelMode = .walk, speed: Double? = nil, route: RoutePlan = RoutePlan()) -> Tour {
        Tour(id: "test", title: LocalizedText(["en": "Test tour"]), languages: ["en"], mode: mode, speedKmh: speed,
             route: route, stops: stops)
    }
}
