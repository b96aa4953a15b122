import Foundation

/// Walking speed on a slope, by Tobler's hiking function (Tobler 1993): v = 6·e^(−3.5·|S + 0.05|) km/h,
/// S = rise / run. It peaks on a gentle descent (S = −0.05) and gives 5.04 km/h on the flat, so uphill and
/// downhill legs between the same two stops take different times.
///
/// Tours give their own flat-ground speed (`speed_kmh`, default 4.5 km/h: see `TravelMode.defaultSpeedKmh`,
/// a group pace a little under the 5 km/h of OSRM's and GraphHopper's foot profiles); Tobler's curve is scaled
/// so that flat ground gives exactly that speed and only the slope's effect is Tobler's.
public enum WalkingPace {
    /// Tobler's speed in km/h on slope `s` (rise over run).
    public static func toblerKmh(slope s: Double) -> Double { 6 * exp(-3.5 * abs(s + 0.05)) }

    /// How much faster (> 1) or slower (< 1) than on the flat one walks on slope `s`.
    public static func factor(slope s: Double) -> Double { toblerKmh(slope: s) / toblerKmh(slope: 0) }

    /// Seconds to walk `metres` horizontally while climbing `rise` metres (negative: descending), at a
    /// flat-ground speed of `flatKmh`.
    public static func seconds(metres: Double, rise: Double, flatKmh: Double) -> Double {
        guard metres > 0 else { return 0 }
        return metres / (flatKmh / 3.6 * factor(slope: rise / metres))
    }
}
