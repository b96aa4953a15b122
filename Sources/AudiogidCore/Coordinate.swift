/// A point on the WGS84 ellipsoid: degrees of latitude and longitude, and optionally the elevation in metres.
public struct Coordinate: Sendable, Equatable, Hashable, Codable {
    public var lat: Double
    public var lon: Double
    public var ele: Double?

    public init(lat: Double, lon: Double, ele: Double? = nil) {
        self.lat = lat
        self.lon = lon
        self.ele = ele
    }
}
