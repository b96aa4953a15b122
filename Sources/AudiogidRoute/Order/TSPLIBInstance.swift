import Foundation

/// A symmetric TSPLIB instance (EUC_2D, CEIL_2D, ATT or GEO coordinates), so the order solver can be measured
/// against instances whose optimum is known.
///
/// Distances follow TSPLIB 95 to the letter, because the published optima are in these integer units:
/// EUC_2D rounds to the nearest integer; GEO reads `DDD.MM` as degrees and minutes, truncating the degrees
/// (rounding them makes tours 1–4 % off), on a 6378.388 km sphere with π as 3.141592.
public struct TSPLIBInstance: Sendable {
    public var name: String
    public var edgeWeightType: String
    public var coordinates: [(x: Double, y: Double)]

    public init(text: String) throws(OrderError) {
        var name = ""
        var type = ""
        var dimension = 0
        var coordinates: [(Double, Double)] = []
        var readingCoordinates = false
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line == "EOF" { continue }
            if readingCoordinates {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard fields.count >= 3, let x = Double(fields[1]), let y = Double(fields[2]) else {
                    if line.first?.isLetter == true { readingCoordinates = false; continue }
                    throw OrderError("TSPLIB: cannot read coordinates from \"\(line)\"")
                }
                coordinates.append((x, y))
                continue
            }
            if line.hasPrefix("NODE_COORD_SECTION") { readingCoordinates = true; continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "NAME": name = value
            case "DIMENSION": dimension = Int(value) ?? 0
            case "EDGE_WEIGHT_TYPE": type = value
            default: break
            }
        }
        guard ["EUC_2D", "CEIL_2D", "GEO", "ATT"].contains(type) else {
            throw OrderError("TSPLIB: edge weight type \"\(type)\" is not supported (EUC_2D, CEIL_2D, ATT, GEO are)")
        }
        guard dimension > 0, coordinates.count == dimension else {
            throw OrderError("TSPLIB: DIMENSION \(dimension) but \(coordinates.count) coordinates")
        }
        self.name = name
        self.edgeWeightType = type
        self.coordinates = coordinates
    }

    public var count: Int { coordinates.count }

    /// The TSPLIB distance between nodes `i` and `j` (0-based).
    public func distance(_ i: Int, _ j: Int) -> Double {
        if i == j { return 0 }
        let a = coordinates[i], b = coordinates[j]
        switch edgeWeightType {
        case "GEO":
            let (latA, lonA) = (Self.geoRadians(a.x), Self.geoRadians(a.y))
            let (latB, lonB) = (Self.geoRadians(b.x), Self.geoRadians(b.y))
            let q1 = cos(lonA - lonB), q2 = cos(latA - latB), q3 = cos(latA + latB)
            return Double(Int(6378.388 * acos(0.5 * ((1 + q1) * q2 - (1 - q1) * q3)) + 1))
        case "ATT":
            let r = ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)) / 10
            let t = Double(Int(r.squareRoot().rounded()))
            return t < r.squareRoot() ? t + 1 : t
        case "CEIL_2D":
            return (((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()).rounded(.up)
        default:
            return (((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()).rounded(.toNearestOrAwayFromZero)
        }
    }

    /// TSPLIB's GEO latitude/longitude: `DDD.MM` with the degrees truncated, not rounded.
    static func geoRadians(_ value: Double) -> Double {
        let degrees = Double(Int(value))
        let minutes = value - degrees
        return 3.141592 * (degrees + 5.0 * minutes / 3.0) / 180.0
    }

    public var matrix: CostMatrix { CostMatrix(count: count) { distance($0, $1) } }

    /// Reads a TSPLIB `.opt.tour` file: the optimal tour, as 0-based node indices.
    public static func tour(text: String) throws(OrderError) -> [Int] {
        var nodes: [Int] = []
        var reading = false
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("TOUR_SECTION") { reading = true; continue }
            guard reading else { continue }
            for field in line.split(separator: " ") {
                guard let value = Int(field) else { throw OrderError("TSPLIB tour: cannot read \"\(field)\"") }
                if value == -1 { return nodes }
                nodes.append(value - 1)
            }
        }
        return nodes
    }
}
