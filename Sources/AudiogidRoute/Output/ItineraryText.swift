import AudiogidCore

extension Itinerary {
    /// A table a person reads: sequence, stop, leg distance, walk (sail) time, arrival, clip length; then totals.
    /// `startTime` is minutes after midnight; without it arrivals are offsets from the start ("+0:08").
    public func text(startTime: Int? = nil) -> String {
        let travel = mode == .boat ? "Sail" : "Walk"
        var out = "\(tourTitle) (\(tourID)): \(mode == .boat ? "boat" : "walk") at \(trimmed(speedKmh)) km/h, "
            + "\(isLoop ? "loop" : "one way"), \(Formatting.methodDescription(method)); clips in \(language)\n"
        if followsNetwork {
            out += "Legs follow the \(mode == .boat ? "river channel" : "path network") in paths.geojson.\n"
        } else if mode == .walk {
            out += "Legs are straight lines × \(trimmed(circuity)) for streets (no paths.geojson).\n"
        }
        out += "\n"
        let titleWidth = min(36, max(isLoop ? 12 : 4, visits.map { Formatting.width($0.title) }.max() ?? 4))
        func row(_ cells: [String]) -> String {
            let line = Formatting.pad(cells[0], 3, right: true) + "  " + Formatting.pad(cells[1], 4, right: true) + "  "
                + Formatting.pad(cells[2], titleWidth) + "  " + Formatting.pad(cells[3], 9, right: true) + "  "
                + Formatting.pad(cells[4], 8, right: true) + "  " + Formatting.pad(cells[5], 6, right: true) + "  "
                + Formatting.pad(cells[6], 5, right: true)
            return String(line.reversed().drop { $0 == " " }.reversed()) + "\n"
        }
        out += row(["#", "No.", "Stop", "Leg", travel, "Arrive", "Clip"])
        for (k, visit) in visits.enumerated() {
            let leg = k > 0 ? legs[k - 1] : nil
            let title = Formatting.width(visit.title) > titleWidth ? String(visit.title.prefix(titleWidth - 1)) + "…" : visit.title
            out += row(["\(visit.sequence)", "\(visit.stop.number)", title,
                        leg.map { Formatting.distance($0.distanceM) } ?? "–",
                        leg.map { Formatting.duration($0.durationS) } ?? "–",
                        Formatting.clock(visit.arrivalS, start: startTime),
                        visit.hasClip ? Formatting.clip(visit.audioS) : "none"])
        }
        if isLoop, let back = legs.last, let first = visits.first, let last = visits.last {
            out += row(["", "", "back to \(first.sequence)", Formatting.distance(back.distanceM), Formatting.duration(back.durationS),
                        Formatting.clock(last.departureS + back.durationS, start: startTime), ""])
        }
        out += "\nTotal: \(Formatting.distance(totalDistanceM)); \(travel.lowercased())ing \(Formatting.duration(totalTravelS)), "
            + "listening \(Formatting.duration(totalAudioS)), at stops \(Formatting.duration(totalDwellS)); "
            + "tour \(Formatting.duration(totalS))"
        if let startTime { out += " (\(Formatting.clock(0, start: startTime))–\(Formatting.clock(totalS, start: startTime)))" }
        out += ".\n"
        for warning in warnings { out += "warning: \(warning)\n" }
        return out
    }
}

func trimmed(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(format: "%g", value)
}
