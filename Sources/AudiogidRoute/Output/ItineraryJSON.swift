import AudiogidCore
import Foundation

extension Itinerary {
    /// The machine-readable itinerary. Its key names are a contract (tests, the daemon's GPS simulator):
    /// `order`, `legs[] {from, to, distance_m, duration_s}`, `total_distance_m`, `total_walk_s`
    /// (travel time, sailing included), `total_audio_s`, `total_s`; the rest is extra.
    public func json(startTime: Int? = nil) -> String {
        func round1(_ v: Double) -> Double { (v * 10).rounded() / 10 }
        var stopsOut: [[String: Any]] = []
        for visit in visits {
            var stop: [String: Any] = [
                "id": visit.stop.id, "number": visit.stop.number, "sequence": visit.sequence, "title": visit.title,
                "lat": visit.location.lat, "lon": visit.location.lon,
                "arrival_s": round1(visit.arrivalS), "departure_s": round1(visit.departureS),
                "audio_s": round1(visit.audioS), "dwell_s": round1(visit.dwellS), "has_clip": visit.hasClip,
            ]
            if let ele = visit.location.ele { stop["ele"] = ele }
            if let radius = visit.stop.radiusM { stop["radius_m"] = radius }
            if let chainage = visit.chainageM { stop["chainage_m"] = round1(chainage) }
            if let point = visit.networkPoint { stop["network_point"] = [point.lat, point.lon] }
            if let startTime {
                stop["arrival"] = Formatting.clock(visit.arrivalS, start: startTime)
                stop["departure"] = Formatting.clock(visit.departureS, start: startTime)
            }
            stopsOut.append(stop)
        }
        var legsOut: [[String: Any]] = []
        for leg in legs {
            var entry: [String: Any] = ["from": leg.from, "to": leg.to, "distance_m": round1(leg.distanceM),
                                        "duration_s": round1(leg.durationS)]
            if let rise = leg.riseM { entry["rise_m"] = round1(rise) }
            legsOut.append(entry)
        }
        var object: [String: Any] = [
            "tour": tourID, "title": tourTitle, "mode": mode.rawValue, "speed_kmh": speedKmh, "language": language,
            "loop": isLoop, "method": method.rawValue, "optimal": method == .exact, "follows_network": followsNetwork,
            "order": order, "stops": stopsOut, "legs": legsOut,
            "total_distance_m": round1(totalDistanceM), "total_walk_s": round1(totalTravelS),
            "total_audio_s": round1(totalAudioS), "total_dwell_s": round1(totalDwellS), "total_s": round1(totalS),
            "warnings": warnings,
            "polyline": polyline.map { [$0.lat, $0.lon] },
        ]
        if !followsNetwork && mode == .walk { object["circuity"] = circuity }
        if let startTime {
            object["start_time"] = Formatting.clock(0, start: startTime)
            object["end_time"] = Formatting.clock(totalS, start: startTime)
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Stops as points and the route as a line, for any GIS tool (RFC 7946: longitude first).
    public func geoJSON() -> String {
        func position(_ c: Coordinate) -> [Double] { c.ele.map { [c.lon, c.lat, $0] } ?? [c.lon, c.lat] }
        var features: [[String: Any]] = [[
            "type": "Feature",
            "geometry": ["type": "LineString", "coordinates": polyline.map(position)],
            "properties": ["kind": "route", "tour": tourID, "title": tourTitle, "order": order,
                           "total_distance_m": (totalDistanceM * 10).rounded() / 10, "total_s": (totalS * 10).rounded() / 10],
        ]]
        for visit in visits {
            features.append([
                "type": "Feature",
                "geometry": ["type": "Point", "coordinates": position(visit.location)],
                "properties": ["kind": "stop", "id": visit.stop.id, "number": visit.stop.number, "sequence": visit.sequence,
                               "title": visit.title, "arrival_s": (visit.arrivalS * 10).rounded() / 10,
                               "audio_s": (visit.audioS * 10).rounded() / 10] as [String: Any],
            ])
        }
        let object: [String: Any] = ["type": "FeatureCollection", "features": features]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// GPX 1.1: the stops as waypoints, the stops in order as a route a GPS app can navigate, and the
    /// followed line as a track.
    public func gpx() -> String {
        func attributes(_ c: Coordinate) -> String { "lat=\"\(Formatting.coordinate(c.lat))\" lon=\"\(Formatting.coordinate(c.lon))\"" }
        func elevation(_ c: Coordinate) -> String { c.ele.map { "<ele>\(String(format: "%.1f", $0))</ele>" } ?? "" }
        let name = Markup.escape(tourTitle)
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <gpx version="1.1" creator="audiogid" xmlns="http://www.topografix.com/GPX/1/1">
          <metadata><name>\(name)</name><desc>\(Markup.escape(Formatting.distance(totalDistanceM))), \(Markup.escape(Formatting.duration(totalS)))</desc></metadata>

        """
        for visit in visits {
            out += "  <wpt \(attributes(visit.location))>\(elevation(visit.location))<name>\(visit.sequence). \(Markup.escape(visit.title))</name>"
                + "<desc>stop \(visit.stop.number) (\(Markup.escape(visit.stop.id)))</desc></wpt>\n"
        }
        out += "  <rte><name>\(name)</name>\n"
        for visit in visits + (isLoop ? Array(visits.prefix(1)) : []) {
            out += "    <rtept \(attributes(visit.location))>\(elevation(visit.location))<name>\(visit.sequence). \(Markup.escape(visit.title))</name></rtept>\n"
        }
        out += "  </rte>\n  <trk><name>\(name)</name><trkseg>\n"
        for point in polyline {
            out += "    <trkpt \(attributes(point))>\(elevation(point))</trkpt>\n"
        }
        out += "  </trkseg></trk>\n</gpx>\n"
        return out
    }
}
