import AudiogidCore

extension Itinerary {
    /// A page to print or put on the library's website: the map, the itinerary table, and each stop's
    /// transcript in the itinerary's language (the tour's default when it has none in that language).
    public func html(startTime: Int? = nil, defaultLanguage: String? = nil) -> String {
        let e = Markup.escape
        let travel = mode == .boat ? "Sail" : "Walk"
        var out = """
        <!DOCTYPE html>
        <html lang="\(e(language))">
        <head>
        <meta charset="utf-8">
        <title>\(e(tourTitle))</title>
        <style>
          body { font-family: "DejaVu Sans", "Noto Sans", "Noto Sans CJK SC", sans-serif; margin: 2em auto; max-width: 1060px; color: #222; }
          svg { max-width: 100%; height: auto; border: 1px solid #ddd; }
          table { border-collapse: collapse; margin: 1em 0; }
          th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #ddd; text-align: left; }
          td.n { text-align: right; font-variant-numeric: tabular-nums; }
          .warning { color: #a33; }
          .transcript { white-space: pre-line; margin-bottom: 1.5em; }
          @media print { body { margin: 0; } h2 { page-break-before: always; } }
        </style>
        </head>
        <body>
        <h1>\(e(tourTitle))</h1>
        <p>\(mode == .boat ? "By boat" : "On foot") at \(trimmed(speedKmh)) km/h, \(isLoop ? "a loop" : "one way"); \(e(Formatting.methodDescription(method))).
        \(e(Formatting.distance(totalDistanceM))), \(travel.lowercased())ing \(e(Formatting.duration(totalTravelS))), listening \(e(Formatting.duration(totalAudioS))), at stops \(e(Formatting.duration(totalDwellS))): <strong>\(e(Formatting.duration(totalS)))</strong>.</p>

        """
        out += svg(startTime: startTime)
        out += "<h2>Itinerary</h2>\n<table>\n<tr><th>#</th><th>No.</th><th>Stop</th><th>Leg</th><th>\(travel)</th><th>Arrive</th><th>Clip</th><th>At stop</th></tr>\n"
        for (k, visit) in visits.enumerated() {
            let leg = k > 0 ? legs[k - 1] : nil
            out += "<tr><td class=\"n\">\(visit.sequence)</td><td class=\"n\">\(visit.stop.number)</td><td>\(e(visit.title))</td>"
                + "<td class=\"n\">\(leg.map { e(Formatting.distance($0.distanceM)) } ?? "–")</td>"
                + "<td class=\"n\">\(leg.map { e(Formatting.duration($0.durationS)) } ?? "–")</td>"
                + "<td class=\"n\">\(e(Formatting.clock(visit.arrivalS, start: startTime)))</td>"
                + "<td class=\"n\">\(visit.hasClip ? Formatting.clip(visit.audioS) : "none")</td>"
                + "<td class=\"n\">\(e(Formatting.duration(visit.audioS + visit.dwellS)))</td></tr>\n"
        }
        if isLoop, let back = legs.last, let last = visits.last {
            out += "<tr><td></td><td></td><td>back to 1</td><td class=\"n\">\(e(Formatting.distance(back.distanceM)))</td>"
                + "<td class=\"n\">\(e(Formatting.duration(back.durationS)))</td>"
                + "<td class=\"n\">\(e(Formatting.clock(last.departureS + back.durationS, start: startTime)))</td><td></td><td></td></tr>\n"
        }
        out += "</table>\n"
        for warning in warnings { out += "<p class=\"warning\">Warning: \(e(warning))</p>\n" }
        out += "<h2>Transcripts</h2>\n"
        for visit in visits {
            out += "<h3>\(visit.sequence). \(e(visit.title))</h3>\n"
            if let text = visit.stop.transcript.text(in: language, fallbacks: [defaultLanguage].compactMap { $0 }) {
                out += "<p class=\"transcript\">\(e(text))</p>\n"
            } else {
                out += "<p class=\"transcript\"><em>No transcript yet.</em></p>\n"
            }
        }
        out += "</body>\n</html>\n"
        return out
    }
}
