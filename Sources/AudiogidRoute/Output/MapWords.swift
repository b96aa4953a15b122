/// The words of the route map's legend, scale bar and north arrow, so a printed leaflet reads in its visitors'
/// language. English unless a caller (the leaflet) gives another language's.
public struct MapWords: Sendable {
    public var onFoot = "On foot", byBoat = "By boat", kmh = "km/h", loop = "loop", oneWay = "one way"
    public var fixedOrder = "author's order", provenShortest = "optimised, proven shortest (Held–Karp)"
    public var nearShortest = "optimised (local search, near-shortest)", chainage = "along the river (chainage)"
    public var followsRiver = "Route follows the river channel", followsPaths = "Route follows the path network"
    /// `{factor}` is the circuity factor.
    public var dashedStreets = "Dashed: straight lines × {factor} for streets", dashed = "Dashed: straight lines"
    public var walk = "walk", sail = "sail", backToStart = "back to 1", distance = "Distance"
    public var walking = "Walking", sailing = "Sailing", listening = "listening", atStops = "At stops", tour = "tour"
    public var seconds = "s", minutes = "min", hours = "h", metres = "m", kilometres = "km", north = "N"

    public init() {}

    public static let english = MapWords()

    func method(_ method: OrderMethod) -> String {
        switch method {
        case .fixed: fixedOrder
        case .exact: provenShortest
        case .heuristic: nearShortest
        case .chainage: chainage
        }
    }

    /// As `Formatting.duration`, in these words: "45 s", "4 min", "1 h 05 min".
    func durationText(_ seconds: Double) -> String {
        if seconds < 59.5 { return "\(Int(seconds.rounded())) \(self.seconds)" }
        let total = Int((seconds / 60).rounded())
        if total < 60 { return "\(total) \(minutes)" }
        return "\(total / 60) \(hours) \(total % 60 < 10 ? "0" : "")\(total % 60) \(minutes)"
    }

    /// As `Formatting.distance`, in these words: "350 m", "1.24 km", "12.4 km".
    func distanceText(_ metres: Double) -> String {
        let text = Formatting.distance(metres)
        return metres < 1000 ? text.replacingSuffix(" m", with: " \(self.metres)") : text.replacingSuffix(" km", with: " \(kilometres)")
    }
}

private extension String {
    func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
