/// Why a tour cannot be routed, in words a tour author can act on, naming the stops concerned.
public struct RouteError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// Stops with no coordinates, or too far from the path network to join it.
        case unplaceableStops
        /// Stops on a part of the path network the others cannot reach.
        case unreachableStops
        /// `--start` / `--end` names a stop the tour does not have.
        case unknownStop
        /// The path network file is not usable GeoJSON.
        case badNetwork
        /// Options that contradict each other or make no sense (a speed of 0, a loop ending elsewhere).
        case badOptions
    }

    public var kind: Kind
    /// Ids of the stops the error is about.
    public var stops: [String]
    public var message: String

    public init(_ kind: Kind, stops: [String] = [], _ message: String) {
        self.kind = kind
        self.stops = stops
        self.message = message
    }

    public var description: String { message }
}
