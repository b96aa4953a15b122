import AudiogidCore
import Foundation

extension Itinerary {
    /// A printable map: the path network, the route line with direction arrows, numbered stops, a scale bar,
    /// a north arrow, and a legend with each leg's time and the tour's totals.
    public func svg(startTime: Int? = nil, words: MapWords = .english) -> String {
        RouteMap(itinerary: self, startTime: startTime, words: words).svg
    }
}

/// Lays the itinerary out on paper: north up, an equirectangular projection around the route's centre
/// (distortion is a fraction of a percent across a town or a river trip).
struct RouteMap {
    let itinerary: Itinerary
    let startTime: Int?
    var words = MapWords.english
    let mapWidth = 720.0
    let legendWidth = 400.0
    let margin = 36.0
    let top = 64.0

    var svg: String {
        var points = itinerary.polyline + itinerary.visits.map(\.location)
        // Show the network only around the route, not a whole city's footpaths.
        let routeBox = Box(points)
        let networkLines = Self.runs(of: itinerary.networkLines, inside: routeBox.expanded(by: 0.15))
        points += networkLines.flatMap { $0.dropFirst().dropLast() }
        let box = Box(points)
        let lat0 = (box.minLat + box.maxLat) / 2
        let metresPerDegreeLat = 111_132.954 - 559.822 * cos(2 * lat0 * .pi / 180)
        let metresPerDegreeLon = 111_412.84 * cos(lat0 * .pi / 180)
        let widthM = max((box.maxLon - box.minLon) * metresPerDegreeLon, 50)
        let heightM = max((box.maxLat - box.minLat) * metresPerDegreeLat, 50)
        // Labels sit right of their stops: shrink the drawing until the rightmost label fits in the frame
        // (about 6.5 px a character at 12 px).
        func labelWidth(_ visit: Itinerary.Visit) -> Double { 16 + Double(Formatting.width(Self.label(visit))) * 6.5 }
        var drawable = mapWidth - 2 * margin
        var scale = min(drawable / widthM, 560 / heightM)           // pixels per metre
        for _ in 0..<10 {
            var overflow = 0.0
            for visit in itinerary.visits {
                let x: Double = margin + (visit.location.lon - box.minLon) * metresPerDegreeLon * scale
                overflow = max(overflow, x + labelWidth(visit) - (mapWidth - margin / 2))
            }
            guard overflow > 0, drawable - overflow > mapWidth / 3 else { break }
            drawable -= overflow
            scale = min(drawable / widthM, 560 / heightM)
        }
        let mapHeight = heightM * scale + 2 * margin + 40           // room for the scale bar
        let legendLines = Double(itinerary.visits.count + (itinerary.isLoop ? 1 : 0) + 9 + itinerary.warnings.count)
        let height = max(top + mapHeight, top + 30 + legendLines * 18 + 20)
        let width = mapWidth + legendWidth
        let offsetX = margin + (drawable - widthM * scale) / 2
        func xy(_ c: Coordinate) -> (Double, Double) {
            (offsetX + (c.lon - box.minLon) * metresPerDegreeLon * scale,
             top + margin + (box.maxLat - c.lat) * metresPerDegreeLat * scale)
        }
        func pathData(_ line: [Coordinate]) -> String {
            line.enumerated().map { k, c in
                let (x, y) = xy(c)
                return (k == 0 ? "M" : "L") + String(format: "%.1f %.1f", x, y)
            }.joined(separator: " ")
        }
        let boat = itinerary.mode == .boat
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height.rounded(.up)))" viewBox="0 0 \(Int(width)) \(Int(height.rounded(.up)))" font-family="DejaVu Sans, Noto Sans, Noto Sans CJK SC, sans-serif">
        <rect width="100%" height="100%" fill="#ffffff"/>
        <text x="\(margin)" y="36" font-size="22" font-weight="bold" fill="#222">\(Markup.escape(itinerary.tourTitle))</text>
        <rect x="\(margin / 2)" y="\(top)" width="\(mapWidth - margin)" height="\(String(format: "%.0f", mapHeight - 8))" fill="\(boat ? "#f4f1e8" : "#f7f7f4")" stroke="#ccc"/>

        """
        // The network: a river drawn as water, footpaths as thin grey lines; clipped to the map's frame.
        out += String(format: "<clipPath id=\"frame\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></clipPath>\n<g clip-path=\"url(#frame)\">\n",
                      margin / 2, top, mapWidth - margin, mapHeight - 8)
        for line in networkLines {
            if boat {
                out += "<path d=\"\(pathData(line))\" fill=\"none\" stroke=\"#a9d3f0\" stroke-width=\"26\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>\n"
            } else {
                out += "<path d=\"\(pathData(line))\" fill=\"none\" stroke=\"#c8c8c8\" stroke-width=\"2.5\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>\n"
            }
        }
        out += "</g>\n"
        // The route, then an arrow halfway along each leg showing the way.
        out += "<path d=\"\(pathData(itinerary.polyline))\" fill=\"none\" stroke=\"#c8372d\" stroke-width=\"4\" stroke-linecap=\"round\" stroke-linejoin=\"round\" \(itinerary.followsNetwork ? "" : "stroke-dasharray=\"10 5\"")/>\n"
        for leg in itinerary.legs {
            guard let (x, y, angle) = midpoint(leg.path.map(xy)) else { continue }
            out += String(format: "<path d=\"M-7 -6 L7 0 L-7 6 z\" fill=\"#c8372d\" stroke=\"#fff\" stroke-width=\"1\" transform=\"translate(%.1f %.1f) rotate(%.1f)\"/>\n", x, y, angle)
        }
        // Stops: the visiting sequence in the circle, the title beside it (left of it near the frame's right edge).
        // A boat hears a stop abeam, from the channel: a thin line shows where.
        for visit in itinerary.visits where boat {
            guard let joined = visit.networkPoint else { continue }
            let (x1, y1) = xy(visit.location), (x2, y2) = xy(joined)
            out += String(format: "<path d=\"M%.1f %.1f L%.1f %.1f\" stroke=\"#555\" stroke-width=\"1.2\" stroke-dasharray=\"3 3\"/>\n", x1, y1, x2, y2)
        }
        for visit in itinerary.visits {
            let (x, y) = xy(visit.location)
            out += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"12\" fill=\"#fff\" stroke=\"#222\" stroke-width=\"2.5\"/>\n", x, y)
            out += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#222\">%d</text>\n", x, y + 4.5, visit.sequence)
            let title = Self.label(visit)
            // A label that still would not fit goes above the circle, ending at its right edge.
            let leftward = x + 16 + Double(Formatting.width(title)) * 6.5 > mapWidth - margin / 2 + 1
            out += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#333\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\"%@>%@</text>\n",
                          leftward ? x + 12 : x + 16, leftward ? y - 17 : y - 9, leftward ? " text-anchor=\"end\"" : "", Markup.escape(title))
        }
        // Scale bar: a round length about a quarter of the map's width.
        let target = drawable / 4 / scale
        let nice = [5.0, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 50_000, 100_000]
            .last { $0 <= target } ?? 5
        let barX = margin, barY = top + mapHeight - 28
        let barLength = nice * scale
        out += String(format: """
        <g stroke="#222" stroke-width="2" fill="none"><path d="M%.1f %.1f v-8 M%.1f %.1f h%.1f v-8 M%.1f %.1f v-5"/></g>
        <text x="%.1f" y="%.1f" font-size="12" fill="#222">%@</text>

        """, barX, barY, barX, barY, barLength, barX + barLength / 2, barY, barX + barLength + 6, barY, nice >= 1000 ? "\(trimmed(nice / 1000)) \(words.kilometres)" : "\(Int(nice)) \(words.metres)")
        // North arrow, top right of the map.
        let nx = mapWidth - margin - 10, ny = top + 22
        out += String(format: """
        <g transform="translate(%.1f %.1f)"><path d="M0 -16 L8 12 L0 6 L-8 12 z" fill="#222"/><text x="0" y="28" font-size="13" font-weight="bold" text-anchor="middle" fill="#222">%@</text></g>

        """, nx, ny, Markup.escape(words.north))
        out += legend(x: mapWidth + 4, y: top + 10)
        out += "</svg>\n"
        return out
    }

    private func legend(x: Double, y: Double) -> String {
        let it = itinerary
        let travel = it.mode == .boat ? words.sail : words.walk
        var out = ""
        var line = y + 14
        func text(_ s: String, size: Int = 12, bold: Bool = false, colour: String = "#222") {
            out += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\"%@ fill=\"%@\">%@</text>\n", x, line, size,
                          bold ? " font-weight=\"bold\"" : "", colour, Markup.escape(s))
            line += Double(size) + 6
        }
        text("\(it.mode == .boat ? words.byBoat : words.onFoot), \(trimmed(it.speedKmh)) \(words.kmh), \(it.isLoop ? words.loop : words.oneWay)", size: 13, bold: true)
        text(words.method(it.method), colour: "#555")
        if it.followsNetwork {
            text(it.mode == .boat ? words.followsRiver : words.followsPaths, colour: "#555")
        } else {
            text(it.mode == .walk ? words.dashedStreets.replacingOccurrences(of: "{factor}", with: trimmed(it.circuity)) : words.dashed, colour: "#555")
        }
        line += 4
        for (k, visit) in it.visits.enumerated() {
            let arrive = Formatting.clock(visit.arrivalS, start: startTime)
            let title = visit.title.count > 24 ? String(visit.title.prefix(23)) + "…" : visit.title
            let leg = k > 0 ? " · \(words.durationText(it.legs[k - 1].durationS)) \(travel)" : ""
            text("\(visit.sequence). \(title) — \(arrive)\(leg)")
        }
        if it.isLoop, let back = it.legs.last, let last = it.visits.last {
            text("\(words.backToStart) — \(Formatting.clock(last.departureS + back.durationS, start: startTime)) · \(words.durationText(back.durationS)) \(travel)")
        }
        line += 6
        text("\(words.distance) \(words.distanceText(it.totalDistanceM))", bold: true)
        text("\(it.mode == .boat ? words.sailing : words.walking) \(words.durationText(it.totalTravelS)) · \(words.listening) \(words.durationText(it.totalAudioS))")
        text("\(words.atStops) \(words.durationText(it.totalDwellS)) · \(words.tour) \(words.durationText(it.totalS))", bold: true)
        for warning in it.warnings {
            text("! " + (warning.count > 48 ? String(warning.prefix(47)) + "…" : warning), size: 10, colour: "#a33")
        }
        return out
    }

    static func label(_ visit: Itinerary.Visit) -> String {
        visit.title.count > 28 ? String(visit.title.prefix(27)) + "…" : visit.title
    }

    /// The stretches of `lines` inside `box`, each with one point beyond either end so they run off the frame.
    static func runs(of lines: [[Coordinate]], inside box: Box) -> [[Coordinate]] {
        var runs: [[Coordinate]] = []
        for line in lines {
            var current: [Coordinate] = []
            for (k, point) in line.enumerated() {
                if box.contains(point) {
                    if current.isEmpty && k > 0 { current.append(line[k - 1]) }
                    current.append(point)
                } else if !current.isEmpty {
                    current.append(point)
                    runs.append(current)
                    current = []
                }
            }
            if current.count > 1 { runs.append(current) }
        }
        return runs
    }

    /// The point halfway along a drawn line and the direction there (degrees, SVG rotation).
    private func midpoint(_ line: [(Double, Double)]) -> (Double, Double, Double)? {
        guard line.count >= 2 else { return nil }
        var lengths: [Double] = []
        for k in 1..<line.count { lengths.append(hypot(line[k].0 - line[k - 1].0, line[k].1 - line[k - 1].1)) }
        let total = lengths.reduce(0, +)
        guard total > 30 else { return nil }    // too short to fit an arrow between the stop circles
        var remaining = total / 2
        for k in 1..<line.count {
            if remaining <= lengths[k - 1] && lengths[k - 1] > 0 {
                let t = remaining / lengths[k - 1]
                let (a, b) = (line[k - 1], line[k])
                return (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t, atan2(b.1 - a.1, b.0 - a.0) * 180 / .pi)
            }
            remaining -= lengths[k - 1]
        }
        return nil
    }
}

/// A latitude/longitude bounding box.
struct Box {
    var minLat = Double.infinity, maxLat = -Double.infinity, minLon = Double.infinity, maxLon = -Double.infinity

    init(_ points: [Coordinate]) {
        for p in points {
            minLat = min(minLat, p.lat); maxLat = max(maxLat, p.lat)
            minLon = min(minLon, p.lon); maxLon = max(maxLon, p.lon)
        }
        if points.isEmpty { minLat = 0; maxLat = 0; minLon = 0; maxLon = 0 }
    }

    func expanded(by fraction: Double) -> Box {
        var b = self
        let dLat = max((maxLat - minLat) * fraction, 0.002), dLon = max((maxLon - minLon) * fraction, 0.003)
        b.minLat -= dLat; b.maxLat += dLat; b.minLon -= dLon; b.maxLon += dLon
        return b
    }

    func contains(_ c: Coordinate) -> Bool { (minLat...maxLat).contains(c.lat) && (minLon...maxLon).contains(c.lon) }
}
