import AudiogidCore
import CGeodesic

/// Distances and bearings on the WGS84 ellipsoid by Karney's algorithm, through GeographicLib, Karney's own
/// implementation (accurate to nanometres; haversine on a sphere is off by up to 0.56 %).
///
/// See https://geographiclib.sourceforge.io/C++/doc/ for the underlying `Geodesic` class.
public enum Geodesic {
    /// The geodesic between two points: its length in metres and the azimuths (degrees clockwise from north)
    /// at each end.
    public static func inverse(_ a: Coordinate, _ b: Coordinate) -> (distance: Double, azimuth1: Double, azimuth2: Double) {
        var distance = 0.0, azimuth1 = 0.0, azimuth2 = 0.0
        audiogid_geodesic_inverse(a.lat, a.lon, b.lat, b.lon, &distance, &azimuth1, &azimuth2)
        return (distance, azimuth1, azimuth2)
    }

    /// Metres along the ellipsoid between `a` and `b` (elevations ignored).
    public static func distance(_ a: Coordinate, _ b: Coordinate) -> Double { inverse(a, b).distance }

    /// The point `distance` metres from `start` along azimuth `azimuth` (degrees clockwise from north).
    public static func destination(from start: Coordinate, azimuth: Double, distance: Double) -> Coordinate {
        var lat = 0.0, lon = 0.0
        audiogid_geodesic_direct(start.lat, start.lon, azimuth, distance, &lat, &lon)
        return Coordinate(lat: lat, lon: lon)
    }
}
