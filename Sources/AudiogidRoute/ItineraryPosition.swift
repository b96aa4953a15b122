import AudiogidCore

extension Itinerary {
    /// Where a walker or boat following the route is after `seconds` of moving (time at stops not counted),
    /// at each leg's own pace; the route's end once past it. For GPS simulation (`audiogid gps simulate`).
    public func position(afterMoving seconds: Double) -> Coordinate {
        var remaining = max(0, seconds)
        for leg in legs where leg.path.count >= 2 {
            if remaining <= leg.durationS && leg.durationS > 0 {
                return Self.point(along: leg.path, fraction: remaining / leg.durationS)
            }
            remaining -= leg.durationS
        }
        return legs.last?.path.last ?? polyline.last ?? Coordinate(lat: 0, lon: 0)
    }

    /// The point `fraction` (0...1) of the way along `path`, measured geodesically.
    static func point(along path: [Coordinate], fraction: Double) -> Coordinate {
        let lengths = zip(path, path.dropFirst()).map { Geodesic.inverse($0, $1) }
        let total = lengths.reduce(0) { $0 + $1.distance }
        var target = min(max(fraction, 0), 1) * total
        for (k, piece) in lengths.enumerated() {
            if target <= piece.distance {
                return Geodesic.destination(from: path[k], azimuth: piece.azimuth1, distance: target)
            }
            target -= piece.distance
        }
        return path[path.count - 1]
    }
}
