import Foundation

/// How durations, distances and clock times read in every output, so the text table, the map legend and
/// the HTML page agree to the minute.
enum Formatting {
    /// "350 m", "1.24 km", "12.4 km".
    static func distance(_ metres: Double) -> String {
        if metres < 1000 { return "\(Int(metres.rounded())) m" }
        if metres < 10_000 { return String(format: "%.2f km", metres / 1000) }
        return String(format: "%.1f km", metres / 1000)
    }

    /// "45 s", "4 min", "1 h 05 min".
    static func duration(_ seconds: Double) -> String {
        if seconds < 59.5 { return "\(Int(seconds.rounded())) s" }
        let minutes = Int((seconds / 60).rounded())
        if minutes < 60 { return "\(minutes) min" }
        return String(format: "%d h %02d min", minutes / 60, minutes % 60)
    }

    /// A clip's length as a player shows it: "1:23".
    static func clip(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return String(format: "%d:%02d", whole / 60, whole % 60)
    }

    /// "10:08" from a start time (minutes after midnight) and an offset in seconds; "+0:08" without one.
    static func clock(_ offset: Double, start: Int?) -> String {
        let minutes = Int((offset / 60).rounded())
        guard let start else { return String(format: "+%d:%02d", minutes / 60, minutes % 60) }
        let t = (start + minutes) % (24 * 60)
        return String(format: "%02d:%02d", t / 60, t % 60)
    }

    /// Display width in a terminal: East Asian wide characters take two columns.
    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { sum, scalar in
            let v = scalar.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v)
            let combining = (0x0300...0x036F).contains(v)
            return sum + (combining ? 0 : (wide ? 2 : 1))
        }
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - Self.width(text)))
        return right ? fill + text : text + fill
    }

    static func methodDescription(_ method: OrderMethod) -> String {
        switch method {
        case .fixed: "author's order"
        case .exact: "optimised, proven shortest (Held–Karp)"
        case .heuristic: "optimised (local search, near-shortest)"
        case .chainage: "along the river (chainage)"
        }
    }

    static func coordinate(_ value: Double) -> String { String(format: "%.6f", value) }
}
