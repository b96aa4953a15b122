import AudiogidCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A named point from a phone's map app: a GPX waypoint (OsmAnd, Organic Maps), a GeoJSON point or a KML
/// placemark (Google My Maps, Organic Maps).
public struct Place: Sendable, Equatable {
    public var name: String
    public var location: Coordinate
    public init(name: String, location: Coordinate) {
        self.name = name
        self.location = location
    }
}

public enum PlaceFile {
    public static func read(_ url: URL) throws(AuthoringError) -> [Place] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw AuthoringError("\(url.path): cannot be read: \(error.localizedDescription)") }
        switch url.pathExtension.lowercased() {
        case "gpx": return try xmlPlaces(data, file: url.path, kind: .gpx)
        case "kml": return try xmlPlaces(data, file: url.path, kind: .kml)
        case "geojson", "json": return try geoJSON(data, file: url.path)
        default: throw AuthoringError("\(url.path): give a .gpx, .kml or .geojson file (what map apps export)")
        }
    }

    // MARK: - GeoJSON

    static func geoJSON(_ data: Data, file: String) throws(AuthoringError) -> [Place] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw AuthoringError("\(file): not GeoJSON (a JSON object was expected)")
        }
        let features = (root["features"] as? [[String: Any]]) ?? (root["type"] as? String == "Feature" ? [root] : [])
        var places: [Place] = []
        for (index, feature) in features.enumerated() {
            guard let geometry = feature["geometry"] as? [String: Any], geometry["type"] as? String == "Point",
                  let numbers = geometry["coordinates"] as? [Any], numbers.count >= 2,
                  let lon = (numbers[0] as? NSNumber)?.doubleValue, let lat = (numbers[1] as? NSNumber)?.doubleValue else { continue }
            let properties = feature["properties"] as? [String: Any] ?? [:]
            let name = ["name", "title", "Name", "label"].lazy.compactMap { properties[$0] as? String }.first ?? "point \(index + 1)"
            let ele = numbers.count > 2 ? (numbers[2] as? NSNumber)?.doubleValue : nil
            places.append(Place(name: name, location: Coordinate(lat: lat, lon: lon, ele: ele)))
        }
        return places
    }

    // MARK: - GPX and KML

    enum Kind { case gpx, kml }

    static func xmlPlaces(_ data: Data, file: String, kind: Kind) throws(AuthoringError) -> [Place] {
        let reader = PlaceXMLReader(kind: kind)
        let parser = XMLParser(data: data)
        parser.delegate = reader
        guard parser.parse(), reader.xmlError == nil else {
            let why = (reader.xmlError ?? parser.parserError).map { "\($0.localizedDescription)" } ?? "?"
            throw AuthoringError("\(file):\(parser.lineNumber): not readable XML (\(why)); export the points again from the map app")
        }
        if let problem = reader.problem { throw AuthoringError("\(file): \(problem)") }
        return reader.places
    }
}

/// GPX `<wpt lat lon><name/><ele/></wpt>`; KML `<Placemark><name/><Point><coordinates>lon,lat[,ele]</coordinates></Point>`.
final class PlaceXMLReader: NSObject, XMLParserDelegate {
    let kind: PlaceFile.Kind
    var places: [Place] = []
    var problem: String?
    var xmlError: Error?
    private var inPoint = false
    private var inPointGeometry = false
    private var name: String?
    private var lat: Double?, lon: Double?, ele: Double?
    private var text = ""

    init(kind: PlaceFile.Kind) { self.kind = kind }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        text = ""
        switch (kind, localName(element)) {
        case (.gpx, "wpt"):
            inPoint = true
            name = nil; ele = nil
            lat = attributes["lat"].flatMap(Double.init)
            lon = attributes["lon"].flatMap(Double.init)
            if lat == nil || lon == nil { problem = "line \(parser.lineNumber): a waypoint without lat and lon" }
        case (.kml, "Placemark"):
            inPoint = true
            name = nil; lat = nil; lon = nil; ele = nil
        case (.kml, "Point"): inPointGeometry = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch (kind, localName(element)) {
        case (_, "name") where inPoint && name == nil: name = value
        case (.gpx, "ele") where inPoint: ele = Double(value)
        case (.kml, "coordinates") where inPointGeometry:
            let parts = value.split(whereSeparator: { $0 == "," || $0.isWhitespace }).compactMap { Double($0) }
            if parts.count >= 2 { lon = parts[0]; lat = parts[1]; ele = parts.count > 2 && parts[2] != 0 ? parts[2] : nil }
        case (.kml, "Point"): inPointGeometry = false
        case (.gpx, "wpt"), (.kml, "Placemark"):
            if let lat, let lon {
                places.append(Place(name: name ?? "point \(places.count + 1)", location: Coordinate(lat: lat, lon: lon, ele: ele)))
            }
            inPoint = false
        default: break
        }
        text = ""
    }

    func parser(_ parser: XMLParser, parseErrorOccurred error: Error) { xmlError = error }
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    func parser(_ parser: XMLParser, foundCDATA block: Data) { text += String(decoding: block, as: UTF8.self) }
}

/// Matching places to stops: by name (any language's title, or the id; case, `ё` and quotes ignored; a leading
/// stop number like `3. Храм` counts), or one to one in order.
public enum PlaceMatch {
    public struct Result: Sendable {
        public var edits: [StopEdit]
        public var unmatchedPlaces: [Place]
        public var stopsWithoutPlace: [String]
    }

    public static func match(_ places: [Place], to tour: Tour, byOrder: Bool) -> Result {
        var assigned: [Int: Place] = [:]
        var unmatched: [Place] = []
        if byOrder {
            for (index, place) in places.enumerated() {
                if index < tour.stops.count { assigned[index] = place } else { unmatched.append(place) }
            }
        } else {
            for place in places {
                func byName(_ key: String) -> Int? {
                    tour.stops.firstIndex { stop in stop.id == key || stop.title.byLanguage.values.contains { normalized($0) == key } }
                }
                let numbered = leadingNumber(place.name)
                let index = byName(normalized(place.name))
                    ?? numbered.flatMap { numbered in
                        byName(normalized(numbered.rest)) ?? tour.stops.firstIndex { $0.number == numbered.number }
                    }
                if let index, assigned[index] == nil { assigned[index] = place } else { unmatched.append(place) }
            }
        }
        let edits = assigned.sorted { $0.key < $1.key }.map { index, place -> StopEdit in
            var stop = tour.stops[index]
            let before = stop.location
            stop.location = Coordinate(lat: place.location.lat, lon: place.location.lon, ele: place.location.ele ?? before?.ele)
            return StopEdit(index: index, stop: stop, changed: before == stop.location ? [] : [.location], row: 0)
        }
        let without = tour.stops.indices.filter { assigned[$0] == nil }.map { tour.stops[$0].id }
        return Result(edits: edits, unmatchedPlaces: unmatched, stopsWithoutPlace: without)
    }

    static func normalized(_ text: String) -> String {
        let lowered = text.lowercased().replacingOccurrences(of: "ё", with: "е")
        let kept = lowered.unicodeScalars.filter { !"«»\"'“”„".unicodeScalars.contains($0) }
        return String(String.UnicodeScalarView(kept)).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// `3. Храм`, `3 - Храм`, `03 Храм` → (3, "храм").
    static func leadingNumber(_ text: String) -> (number: Int, rest: String)? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = Int(digits) else { return nil }
        let rest = text.dropFirst(digits.count).drop { $0 == "." || $0 == ")" || $0 == "-" || $0 == ":" || $0.isWhitespace }
        return (number, String(rest))
    }
}
