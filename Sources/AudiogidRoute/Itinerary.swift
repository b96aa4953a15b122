import AudiogidCore

/// A routed tour: the stops in visiting order, the legs between them with their lengths, times and lines,
/// and the schedule (seconds from the start of the tour). What `audiogid route` prints and the GPS
/// simulator sails along.
public struct Itinerary: Sendable, Equatable {
    /// One stop, as visited.
    public struct Visit: Sendable, Equatable {
        /// 1 for the first stop visited.
        public var sequence: Int
        public var stop: Stop
        /// The stop's title in the itinerary's language (or the tour's default).
        public var title: String
        public var location: Coordinate
        /// Where the stop joins the path network, when there is one.
        public var networkPoint: Coordinate?
        /// Metres along the river (or the network's first line) from where it was drawn from.
        public var chainageM: Double?
        /// Seconds from the start of the tour to arriving here.
        public var arrivalS: Double
        /// Length of the stop's clip in the itinerary's language; 0 when there is none yet.
        public var audioS: Double
        public var hasClip: Bool
        public var dwellS: Double
        public var departureS: Double { arrivalS + audioS + dwellS }
    }

    /// The way from one stop to the next.
    public struct Leg: Sendable, Equatable {
        public var from: String
        public var to: String
        public var distanceM: Double
        public var durationS: Double
        /// Metres climbed minus metres descended, when both stops have an elevation.
        public var riseM: Double?
        /// The line followed: from the first stop's location to the second's on foot; for a boat, along the
        /// channel from abeam the first stop to abeam the second (the boat does not go to the bank).
        public var path: [Coordinate]
    }

    public var tourID: String
    public var tourTitle: String
    public var mode: TravelMode
    /// Flat-ground (walk) or cruising (boat) speed used.
    public var speedKmh: Double
    public var language: String
    public var isLoop: Bool
    public var method: OrderMethod
    /// True when legs follow a path network rather than straight lines.
    public var followsNetwork: Bool
    /// The straight-line detour factor applied to walking legs without a network (1 when not used).
    public var circuity: Double
    public var visits: [Visit]
    /// `visits.count − 1` legs, plus the way back to the first stop on a loop.
    public var legs: [Leg]
    /// Things the author should know: missing clips, ignored options.
    public var warnings: [String]
    /// The network's lines, for drawing (empty without one).
    public var networkLines: [[Coordinate]]

    /// Stop ids in visiting order.
    public var order: [String] { visits.map(\.stop.id) }
    public var totalDistanceM: Double { legs.reduce(0) { $0 + $1.distanceM } }
    /// Seconds walking (or sailing).
    public var totalTravelS: Double { legs.reduce(0) { $0 + $1.durationS } }
    public var totalAudioS: Double { visits.reduce(0) { $0 + $1.audioS } }
    public var totalDwellS: Double { visits.reduce(0) { $0 + $1.dwellS } }
    /// Whole tour: travel, listening and dwelling.
    public var totalS: Double { totalTravelS + totalAudioS + totalDwellS }

    /// The whole route as one line, following the network where there is one.
    public var polyline: [Coordinate] {
        var line: [Coordinate] = []
        for leg in legs {
            for point in leg.path where line.last != point { line.append(point) }
        }
        if line.isEmpty, let only = visits.first { line = [only.location] }
        return line
    }
}
