import AudiogidCore
import Foundation

/// A circle around a stop: entering it plays the stop.
public struct GeofenceZone: Sendable, Equatable {
    public var stopNumber: Int
    public var stopId: String
    public var center: Coordinate
    public var radiusM: Double

    public init(stopNumber: Int, stopId: String, center: Coordinate, radiusM: Double) {
        self.stopNumber = stopNumber
        self.stopId = stopId
        self.center = center
        self.radiusM = radiusM
    }
}

/// Distances for geofencing: haversine on the mean-radius sphere.
///
/// Why not the route engine's geodesics: zones are a few hundred metres across, where haversine is within
/// 0.6 % of the WGS84 geodesic (about 1.5 m on a 250 m radius, far below GPS jitter), and this keeps the
/// trigger target free of the geodesic library.
public enum LocalDistance {
    static let earthRadiusM = 6_371_008.8

    public static func metres(_ a: Coordinate, _ b: Coordinate) -> Double {
        let φ1 = a.lat * .pi / 180, φ2 = b.lat * .pi / 180
        let dφ = φ2 - φ1, dλ = (b.lon - a.lon) * .pi / 180
        let h = sin(dφ / 2) * sin(dφ / 2) + cos(φ1) * cos(φ2) * sin(dλ / 2) * sin(dλ / 2)
        return 2 * earthRadiusM * asin(min(1, sqrt(h)))
    }

    /// The point `distance` metres from `origin` along `bearing` degrees (clockwise from north).
    public static func destination(from origin: Coordinate, bearing: Double, distance: Double) -> Coordinate {
        let δ = distance / earthRadiusM, θ = bearing * .pi / 180
        let φ1 = origin.lat * .pi / 180, λ1 = origin.lon * .pi / 180
        let φ2 = asin(sin(φ1) * cos(δ) + cos(φ1) * sin(δ) * cos(θ))
        let λ2 = λ1 + atan2(sin(θ) * sin(δ) * cos(φ1), cos(δ) - sin(φ1) * sin(φ2))
        return Coordinate(lat: φ2 * 180 / .pi, lon: λ2 * 180 / .pi)
    }

    /// Initial bearing from `a` to `b`, degrees clockwise from north.
    public static func bearing(_ a: Coordinate, _ b: Coordinate) -> Double {
        let φ1 = a.lat * .pi / 180, φ2 = b.lat * .pi / 180, dλ = (b.lon - a.lon) * .pi / 180
        let θ = atan2(sin(dλ) * cos(φ2), cos(φ1) * sin(φ2) - sin(φ1) * cos(φ2) * cos(dλ))
        return (θ * 180 / .pi + 360).truncatingRemainder(dividingBy: 360)
    }
}

/// Stop zones along a route, and which one the boat is in.
///
/// - A zone is entered at its radius and left only beyond `exitRatio` × radius, so GPS jitter at the
///   edge never flickers in and out.
/// - Each stop plays once per trip; `reset()`, or entering the first stop after every stop has played
///   (the route starting again), begins a new trip.
/// - Where zones overlap, the boat is "at" the nearest stop whose zone it is in (ties: the earlier stop in
///   route order); a stop plays when it becomes that stop, so two overlapping stops play one after the other
///   as the boat passes, not both at once.
/// - With a lead time, a zone is entered where the boat will be after `leadSeconds` at its current speed and
///   course, so the clip starts that much before the landmark comes abreast.
public struct Geofence: Sendable {
    public struct Change: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case entered, left, play }
        public var kind: Kind
        public var zone: GeofenceZone
        public var distanceM: Double
    }

    /// In route order.
    public let zones: [GeofenceZone]
    public var exitRatio: Double
    public var leadSeconds: Double
    public private(set) var inside: Set<Int> = []
    public private(set) var played: Set<Int> = []

    public init(zones: [GeofenceZone], exitRatio: Double = 1.3, leadSeconds: Double = 0) {
        self.zones = zones
        self.exitRatio = max(1, exitRatio)
        self.leadSeconds = max(0, leadSeconds)
    }

    /// Zones for every stop of `tour` that has a location, in the tour's order; stops without `radius_m`
    /// get `defaultRadiusM`.
    public init(tour: Tour, order: [String]? = nil, defaultRadiusM: Double? = nil, exitRatio: Double = 1.3, leadSeconds: Double = 0) {
        let fallback = defaultRadiusM ?? (tour.mode == .boat ? 250 : 80)
        var stops = tour.stops
        if let order {
            stops = order.compactMap { id in tour.stops.first { $0.id == id } }
        }
        let zones = stops.compactMap { stop -> GeofenceZone? in
            guard let location = stop.location else { return nil }
            return GeofenceZone(stopNumber: stop.number, stopId: stop.id, center: location, radiusM: stop.radiusM ?? fallback)
        }
        self.init(zones: zones, exitRatio: exitRatio, leadSeconds: leadSeconds)
    }

    public mutating func reset() {
        played = []
    }

    public mutating func update(_ fix: GpsFix) -> [Change] {
        var ahead: Coordinate?
        if leadSeconds > 0, let speed = fix.speedMps, speed > 0.3, let course = fix.courseDegrees {
            ahead = LocalDistance.destination(from: fix.position, bearing: course, distance: speed * leadSeconds)
        }
        var changes: [Change] = []
        var nearness: [Int: Double] = [:]
        for (index, zone) in zones.enumerated() {
            let here = LocalDistance.metres(fix.position, zone.center)
            let entering = min(here, ahead.map { LocalDistance.metres($0, zone.center) } ?? here)
            if inside.contains(index) {
                if here > zone.radiusM * exitRatio && entering > zone.radiusM * exitRatio {
                    inside.remove(index)
                    changes.append(Change(kind: .left, zone: zone, distanceM: here))
                } else {
                    nearness[index] = entering
                }
            } else if entering <= zone.radiusM {
                inside.insert(index)
                nearness[index] = entering
                changes.append(Change(kind: .entered, zone: zone, distanceM: here))
            }
        }
        guard let nearest = nearness.min(by: { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }) else {
            return changes
        }
        if played.count == zones.count && nearest.key == 0 && changes.contains(where: { $0.kind == .entered && $0.zone == zones[0] }) {
            played = []   // back at the first stop after the whole route: a new trip
        }
        if !played.contains(nearest.key) {
            played.insert(nearest.key)
            changes.append(Change(kind: .play, zone: zones[nearest.key], distanceM: nearest.value))
        }
        return changes
    }
}

/// Turns NMEA bytes from a GPS receiver into "play N" as the boat reaches each stop.
public struct GpsGeofenceDecoder: TriggerDecoder {
    public let port: String
    public private(set) var geofence: Geofence
    public private(set) var filter: GpsFixFilter
    private var framer = LineFramer(terminator: "\r\n", maximumLength: 164)
    /// Whether the last sentence that said anything about the fix gave a usable one (reported on change only).
    private var fixIsGood: Bool?
    public private(set) var acceptedFixes = 0
    public private(set) var rejectedSentences = 0

    public init(port: String, geofence: Geofence, filter: GpsFixFilter = GpsFixFilter()) {
        self.port = port
        self.geofence = geofence
        self.filter = filter
    }

    public mutating func decode(_ bytes: ArraySlice<UInt8>, at now: MonotonicNanos) -> [TriggerEvent] {
        var events: [TriggerEvent] = []
        for piece in framer.append(bytes) {
            guard case .line(let line) = piece else { rejectedSentences += 1; continue }
            let sentence: NmeaSentence
            do {
                sentence = try NmeaParser.parse(line)
            } catch {
                rejectedSentences += 1
                continue
            }
            events += receive(sentence)
        }
        return events
    }

    /// Handles one parsed sentence (what `decode` does for each line).
    public mutating func receive(_ sentence: NmeaSentence) -> [TriggerEvent] {
        guard let result = filter.accept(sentence) else { return [] }
        var events: [TriggerEvent] = []
        switch result {
        case .failure(let why):
            rejectedSentences += 1
            if fixIsGood != false {
                events.append(TriggerEvent(source: .gps, input: "\(port) no usable fix: \(why)", command: nil))
            }
            fixIsGood = false
        case .success(let fix):
            acceptedFixes += 1
            if fixIsGood != true {
                events.append(TriggerEvent(source: .gps, input: "\(port) fix at \(format(fix.position))", command: nil))
            }
            fixIsGood = true
            for change in geofence.update(fix) {
                let zone = "stop \(change.zone.stopNumber) (\(change.zone.stopId))"
                let metres = Int(change.distanceM.rounded())
                switch change.kind {
                case .entered: events.append(TriggerEvent(source: .gps, input: "\(port) entered zone of \(zone), \(metres) m", command: nil))
                case .left: events.append(TriggerEvent(source: .gps, input: "\(port) left zone of \(zone), \(metres) m", command: nil))
                case .play: events.append(TriggerEvent(source: .gps, input: "\(port) at \(zone)", command: "play \(change.zone.stopNumber)"))
                }
            }
        }
        return events
    }

    /// Starts a new trip: every stop may play again.
    public mutating func resetTrip() { geofence.reset() }

    /// Another tour's zones (the kiosk switched tours); the new tour starts a new trip.
    public mutating func replaceZones(with geofence: Geofence) { self.geofence = geofence }

    public var deadline: MonotonicNanos? { nil }
    public mutating func expire(at now: MonotonicNanos) -> [TriggerEvent] { [] }
    public mutating func disconnected() {
        framer.reset()
        filter.reset()
        fixIsGood = nil
    }

    private func format(_ c: Coordinate) -> String {
        String(format: "%.5f, %.5f", c.lat, c.lon)
    }
}
