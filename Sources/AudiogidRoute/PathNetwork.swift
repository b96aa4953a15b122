import AudiogidCore
import Foundation
import HeapModule

/// A network of paths a tour follows: footpaths for walking, the river channel for a boat. Read from the
/// LineStrings of a tour's `paths.geojson` (exported from OpenStreetMap or drawn by hand).
///
/// Lines join where they share a vertex (to the centimetre), as OpenStreetMap ways do at junctions; lines
/// that merely cross are not joined (a bridge over a path is not a junction).
public struct PathNetwork: Sendable {
    /// The lines as drawn, for maps.
    public private(set) var lines: [[Coordinate]] = []
    /// Junctions and vertices.
    public private(set) var nodes: [Coordinate] = []
    struct Edge: Sendable { var to: Int; var length: Double; var segment: Int }
    private(set) var adjacency: [[Edge]] = []
    struct Segment: Sendable { var a: Int; var b: Int; var length: Double }
    private(set) var segments: [Segment] = []
    private var index = SegmentIndex()

    /// A network from lines of coordinates (each at least two points).
    public init(lines: [[Coordinate]]) throws(RouteError) {
        var nodeByKey: [Int64: Int] = [:]
        func node(_ c: Coordinate) -> Int {
            // Shared vertices are the junctions; 1e-7° is about a centimetre.
            let key = Int64((c.lat * 1e7).rounded()) &* 4_000_000_000 &+ Int64((c.lon * 1e7).rounded())
            if let existing = nodeByKey[key] { return existing }
            nodes.append(c)
            adjacency.append([])
            nodeByKey[key] = nodes.count - 1
            return nodes.count - 1
        }
        for (number, line) in lines.enumerated() {
            guard line.count >= 2 else {
                throw RouteError(.badNetwork, "path network: line \(number + 1) has \(line.count) point(s); a line needs at least 2")
            }
            for c in line where !(c.lat.isFinite && c.lon.isFinite && abs(c.lat) <= 90 && abs(c.lon) <= 180) {
                throw RouteError(.badNetwork, "path network: line \(number + 1) has a point outside the globe (\(c.lat), \(c.lon))")
            }
            self.lines.append(line)
            for k in 1..<line.count {
                let a = node(line[k - 1]), b = node(line[k])
                if a == b { continue }
                let length = Geodesic.distance(nodes[a], nodes[b])
                segments.append(Segment(a: a, b: b, length: length))
                adjacency[a].append(Edge(to: b, length: length, segment: segments.count - 1))
                adjacency[b].append(Edge(to: a, length: length, segment: segments.count - 1))
            }
        }
        guard !segments.isEmpty else { throw RouteError(.badNetwork, "path network: no lines") }
        index = SegmentIndex(nodes: nodes, segments: segments.map { ($0.a, $0.b) })
    }

    /// A network from GeoJSON text: a FeatureCollection, a Feature or a bare geometry; LineStrings and
    /// MultiLineStrings are used, points and polygons ignored.
    public init(geoJSON data: Data) throws(RouteError) {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw RouteError(.badNetwork, "path network: not valid JSON (\(error.localizedDescription))")
        }
        var lines: [[Coordinate]] = []
        func position(_ value: Any) throws(RouteError) -> Coordinate {
            guard let array = value as? [Any], array.count >= 2,
                  let lon = (array[0] as? NSNumber)?.doubleValue, let lat = (array[1] as? NSNumber)?.doubleValue else {
                throw RouteError(.badNetwork, "path network: a position must be [longitude, latitude], got \(value)")
            }
            let ele = array.count > 2 ? (array[2] as? NSNumber)?.doubleValue : nil
            return Coordinate(lat: lat, lon: lon, ele: ele)
        }
        func line(_ value: Any?) throws(RouteError) -> [Coordinate] {
            guard let array = value as? [Any] else { throw RouteError(.badNetwork, "path network: a LineString needs coordinates") }
            var out: [Coordinate] = []
            for p in array { out.append(try position(p)) }
            return out
        }
        func visit(_ value: Any) throws(RouteError) {
            guard let dict = value as? [String: Any], let type = dict["type"] as? String else {
                throw RouteError(.badNetwork, "path network: expected a GeoJSON object with a \"type\"")
            }
            switch type {
            case "FeatureCollection":
                for feature in dict["features"] as? [Any] ?? [] { try visit(feature) }
            case "Feature":
                if let geometry = dict["geometry"], !(geometry is NSNull) { try visit(geometry) }
            case "GeometryCollection":
                for geometry in dict["geometries"] as? [Any] ?? [] { try visit(geometry) }
            case "LineString":
                lines.append(try line(dict["coordinates"]))
            case "MultiLineString":
                for part in dict["coordinates"] as? [Any] ?? [] { lines.append(try line(part)) }
            default:
                break
            }
        }
        try visit(object)
        guard !lines.isEmpty else { throw RouteError(.badNetwork, "path network: no LineString in the file") }
        try self.init(lines: lines)
    }

    /// Where a point joins the network: a point on its nearest segment.
    public struct Snap: Sendable, Equatable {
        var segment: Int
        /// 0 at the segment's first node, 1 at its second.
        var fraction: Double
        /// The point on the network.
        public var point: Coordinate
        /// Metres from the original point to the network (walked or sailed off the network).
        public var offsetM: Double
    }

    /// The nearest point of the network within `radius` metres, or nil.
    public func snap(_ c: Coordinate, within radius: Double) -> Snap? {
        guard let (segment, fraction) = index.nearest(to: c, within: radius) else { return nil }
        let s = segments[segment]
        let a = nodes[s.a], b = nodes[s.b]
        // Along one short segment, interpolating degrees is within millimetres of the geodesic.
        let ele = a.ele.flatMap { ea in b.ele.map { ea + ($0 - ea) * fraction } }
        let point = Coordinate(lat: a.lat + (b.lat - a.lat) * fraction, lon: a.lon + (b.lon - a.lon) * fraction, ele: ele)
        let offset = Geodesic.distance(c, point)
        guard offset <= radius else { return nil }
        return Snap(segment: segment, fraction: fraction, point: point, offsetM: offset)
    }

    /// What "shortest" means on the network.
    enum Weight: Sendable, Equatable {
        /// Metres.
        case distance
        /// Seconds on foot at `flatKmh` on the flat, by Tobler's function on each piece's own slope (needs
        /// elevations on the network's vertices; a piece without them counts as flat).
        case walkingTime(flatKmh: Double)

        func cost(metres: Double, from a: Coordinate, to b: Coordinate) -> Double {
            switch self {
            case .distance: return metres
            case .walkingTime(let flatKmh):
                let rise = a.ele.flatMap { ea in b.ele.map { $0 - ea } } ?? 0
                return WalkingPace.seconds(metres: metres, rise: rise, flatKmh: flatKmh)
            }
        }
    }

    /// True when every vertex has an elevation, so walking times can follow each slope.
    public var hasElevations: Bool { nodes.allSatisfy { $0.ele != nil } }

    /// Cheapest costs over the network from a snapped point to every node (Dijkstra, binary heap), with the
    /// metres along each cheapest way and the way back.
    struct Tree: Sendable {
        var weight: Weight
        var cost: [Double]
        var distance: [Double]
        var previous: [Int]
    }

    func tree(from snap: Snap, weight: Weight = .distance) -> Tree {
        let s = segments[snap.segment]
        let toA = snap.fraction * s.length, toB = (1 - snap.fraction) * s.length
        return tree(seeds: [(s.a, weight.cost(metres: toA, from: snap.point, to: nodes[s.a]), toA),
                            (s.b, weight.cost(metres: toB, from: snap.point, to: nodes[s.b]), toB)], weight: weight)
    }

    func tree(fromNode node: Int) -> Tree { tree(seeds: [(node, 0, 0)], weight: .distance) }

    private func tree(seeds: [(node: Int, cost: Double, distance: Double)], weight: Weight) -> Tree {
        struct Entry: Comparable {
            var cost: Double
            var node: Int
            static func < (l: Entry, r: Entry) -> Bool { l.cost < r.cost || (l.cost == r.cost && l.node < r.node) }
        }
        var cost = [Double](repeating: .infinity, count: nodes.count)
        var distance = [Double](repeating: .infinity, count: nodes.count)
        var previous = [Int](repeating: -1, count: nodes.count)
        var heap = Heap<Entry>()
        for seed in seeds where seed.cost < cost[seed.node] {
            cost[seed.node] = seed.cost
            distance[seed.node] = seed.distance
            heap.insert(Entry(cost: seed.cost, node: seed.node))
        }
        while let entry = heap.popMin() {
            if entry.cost > cost[entry.node] { continue }
            for edge in adjacency[entry.node] {
                let c = entry.cost + weight.cost(metres: edge.length, from: nodes[entry.node], to: nodes[edge.to])
                if c < cost[edge.to] {
                    cost[edge.to] = c
                    distance[edge.to] = distance[entry.node] + edge.length
                    previous[edge.to] = entry.node
                    heap.insert(Entry(cost: c, node: edge.to))
                }
            }
        }
        return Tree(weight: weight, cost: cost, distance: distance, previous: previous)
    }

    /// The cheapest way from the snap `tree` was grown from (`origin`) to `target`: its cost (in the tree's
    /// weight), its metres along the network, and the line followed (from the origin's point to the target's).
    func route(from origin: Snap, tree: Tree, to target: Snap) -> (cost: Double, distance: Double, path: [Coordinate]) {
        let t = segments[target.segment]
        let (a, b) = (nodes[t.a], nodes[t.b])
        let lastA = target.fraction * t.length, lastB = (1 - target.fraction) * t.length
        let viaA = tree.cost[t.a] + tree.weight.cost(metres: lastA, from: a, to: target.point)
        let viaB = tree.cost[t.b] + tree.weight.cost(metres: lastB, from: b, to: target.point)
        var best = min(viaA, viaB)
        var lastNode: Int? = viaA <= viaB ? t.a : t.b
        var distance = viaA <= viaB ? tree.distance[t.a] + lastA : tree.distance[t.b] + lastB
        if origin.segment == target.segment {
            let metres = abs(origin.fraction - target.fraction) * t.length
            let direct = tree.weight.cost(metres: metres, from: origin.point, to: target.point)
            if direct <= best { best = direct; lastNode = nil; distance = metres }
        }
        guard best.isFinite else { return (.infinity, .infinity, []) }
        var path = [target.point]
        var node = lastNode
        while let current = node {
            path.append(nodes[current])
            node = tree.previous[current] >= 0 ? tree.previous[current] : nil
        }
        path.append(origin.point)
        return (best, distance, path.reversed())
    }

    /// Metres along the network from node 0 (the first vertex of the first line, where the author started
    /// drawing: for a river, upstream) to a snapped point: its chainage.
    func chainage(of snap: Snap, tree: Tree) -> Double {
        let s = segments[snap.segment]
        return min(tree.cost[s.a] + snap.fraction * s.length, tree.cost[s.b] + (1 - snap.fraction) * s.length)
    }

    /// True when the network is one unbranched line (a river channel): chainage then orders stops directly.
    var isSingleLine: Bool {
        adjacency.allSatisfy { $0.count <= 2 } && adjacency.filter { $0.count == 1 }.count == 2
    }
}

/// A uniform grid over the segments, in local metres, so snapping looks at a few segments rather than all.
struct SegmentIndex: Sendable {
    private var origin = Coordinate(lat: 0, lon: 0)
    private var metresPerDegreeLat = 111_132.0
    private var metresPerDegreeLon = 111_320.0
    private let cell = 100.0
    private var points: [(x: Double, y: Double)] = []
    private var segments: [(Int, Int)] = []
    private var cells: [Int64: [Int]] = [:]

    init() {}

    init(nodes: [Coordinate], segments: [(Int, Int)]) {
        let lat0 = nodes.map(\.lat).reduce(0, +) / Double(nodes.count)
        let lon0 = nodes.map(\.lon).reduce(0, +) / Double(nodes.count)
        origin = Coordinate(lat: lat0, lon: lon0)
        // Equirectangular metres around the network's centre: good to a fraction of a percent over a town,
        // which is all ranking candidate segments needs (the final offset is measured geodesically).
        metresPerDegreeLat = 111_132.954 - 559.822 * cos(2 * lat0 * .pi / 180)
        metresPerDegreeLon = 111_412.84 * cos(lat0 * .pi / 180)
        points = nodes.map { project($0) }
        self.segments = segments
        for (number, (a, b)) in segments.enumerated() {
            let (pa, pb) = (points[a], points[b])
            for cx in key(min(pa.x, pb.x))...key(max(pa.x, pb.x)) {
                for cy in key(min(pa.y, pb.y))...key(max(pa.y, pb.y)) {
                    cells[Self.cellKey(cx, cy), default: []].append(number)
                }
            }
        }
    }

    private func project(_ c: Coordinate) -> (x: Double, y: Double) {
        ((c.lon - origin.lon) * metresPerDegreeLon, (c.lat - origin.lat) * metresPerDegreeLat)
    }

    private func key(_ v: Double) -> Int { Int((v / cell).rounded(.down)) }
    private static func cellKey(_ x: Int, _ y: Int) -> Int64 { Int64(x) &* 1_000_003 &+ Int64(y) }

    /// The nearest segment within `radius` metres and the fraction along it of the nearest point.
    func nearest(to c: Coordinate, within radius: Double) -> (segment: Int, fraction: Double)? {
        let p = project(c)
        // A degree-sized radius would scan millions of cells; a snap radius is metres, so cap it.
        let reach = min(radius, 50_000)
        var best: (segment: Int, fraction: Double)?
        var bestDistance = Double.infinity
        for cx in key(p.x - reach)...key(p.x + reach) {
            for cy in key(p.y - reach)...key(p.y + reach) {
                for number in cells[Self.cellKey(cx, cy)] ?? [] {
                    let (a, b) = (points[segments[number].0], points[segments[number].1])
                    let dx = b.x - a.x, dy = b.y - a.y
                    let lengthSquared = dx * dx + dy * dy
                    let t = lengthSquared > 0 ? max(0, min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSquared)) : 0
                    let ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y
                    let distance = (ex * ex + ey * ey).squareRoot()
                    if distance < bestDistance || (distance == bestDistance && number < (best?.segment ?? .max)) {
                        bestDistance = distance
                        best = (number, t)
                    }
                }
            }
        }
        // Allow a little slack over the radius here: the exact (geodesic) offset is checked by the caller.
        guard bestDistance <= radius * 1.01 + 1 else { return nil }
        return best
    }
}
