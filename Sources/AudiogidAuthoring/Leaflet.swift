import AudiogidCore
import AudiogidRoute
import Foundation

/// `audiogid leaflet`: the printed handout. Page one has the route map, the itinerary with walking times and
/// the numbers to press; the next pages one short paragraph per stop (its transcript's first sentences).
/// Drawn as A4 SVG pages in Noto fonts (Cyrillic and Chinese), made into a PDF by rsvg-convert.
public enum Leaflet {
    static let pageWidth = 595.0, pageHeight = 842.0, margin = 42.0
    static let fonts = "Noto Sans, Noto Sans CJK SC, sans-serif"

    /// The words of the leaflet in the visitor's language (English for any other), its map's legend included.
    struct Words {
        var stops: String, walk: String, sail: String, minutes: String, about: String, press: String, km: String
        var map = MapWords.english
        static func of(_ language: String) -> Words {
            switch language {
            case "ru": Words(stops: "остановок", walk: "пешком", sail: "на теплоходе", minutes: "мин", about: "Об остановках",
                             press: "Наберите номер остановки на пульте, чтобы услышать рассказ.", km: "км", map: .russian)
            case "zh": Words(stops: "个站点", walk: "步行", sail: "乘船", minutes: "分钟", about: "站点介绍",
                             press: "在按键上输入站点编号即可收听讲解。", km: "公里", map: .chinese)
            default: Words(stops: "stops", walk: "on foot", sail: "by boat", minutes: "min", about: "About the stops",
                           press: "Type a stop's number on the keypad to hear its story.", km: "km")
            }
        }
    }

    /// The SVG pages of the leaflet.
    public static func pages(_ itinerary: Itinerary, tour: Tour, language: String) -> [String] {
        let words = Words.of(language)
        var pages: [String] = []
        var body = ""
        var y = margin + 22
        body += text(tour.title.text(in: language, fallbacks: [tour.defaultLanguage]) ?? tour.id, x: margin, y: y, size: 24, bold: true)
        y += 22
        let minutes = Int((itinerary.totalS / 60).rounded())
        let summary = "\(itinerary.visits.count) \(words.stops) · \(String(format: "%.1f", itinerary.totalDistanceM / 1000)) \(words.km) · ~\(minutes) \(words.minutes)"
        body += text(summary, x: margin, y: y, size: 12, color: "#555")
        y += 14
        // The route map, drawn by the route engine, scaled to the page's width.
        let map = itinerary.svg(words: words.map)
        let (mapW, mapH) = svgSize(map) ?? (1120, 700)
        let width = pageWidth - 2 * margin
        let height = min(width * mapH / mapW, 420)
        body += "<image x=\"\(margin)\" y=\"\(y)\" width=\"\(width)\" height=\"\(height)\" preserveAspectRatio=\"xMidYMin meet\" "
            + "href=\"data:image/svg+xml;base64,\(Data(map.utf8).base64EncodedString())\"/>\n"
        y += height + 24
        body += text(words.press, x: margin, y: y, size: 11, color: "#333")
        y += 20
        let travel = tour.mode == .boat ? words.sail : words.walk
        for (index, visit) in itinerary.visits.enumerated() {
            if y > pageHeight - margin { pages.append(page(body)); body = ""; y = margin + 16 }
            body += "<rect x=\"\(margin)\" y=\"\(y - 13)\" width=\"30\" height=\"18\" rx=\"4\" fill=\"#1f5f8b\"/>\n"
            body += text(String(visit.stop.number), x: margin + 15, y: y, size: 12, bold: true, color: "#fff", anchor: "middle")
            body += text(visit.title, x: margin + 40, y: y, size: 12)
            if index > 0, index - 1 < itinerary.legs.count {
                let leg = itinerary.legs[index - 1]
                let note = "\(max(1, Int((leg.durationS / 60).rounded()))) \(words.minutes) \(travel)"
                body += text(note, x: pageWidth - margin, y: y, size: 11, color: "#555", anchor: "end")
            }
            y += 22
        }
        pages.append(page(body))

        body = text(words.about, x: margin, y: margin + 18, size: 18, bold: true)
        y = margin + 46
        for visit in itinerary.visits {
            let paragraph = firstSentences(tour.stops.first { $0.id == visit.stop.id }?.transcript.text(in: language, fallbacks: [tour.defaultLanguage]) ?? "")
            let lines = wrap(paragraph, width: pageWidth - 2 * margin, size: 11)
            if y + 18 + Double(lines.count) * 15 > pageHeight - margin {
                pages.append(page(body)); body = ""; y = margin + 16
            }
            body += text("\(visit.stop.number). \(visit.title)", x: margin, y: y, size: 13, bold: true)
            y += 17
            for line in lines {
                body += text(line, x: margin, y: y, size: 11, color: "#222")
                y += 15
            }
            y += 10
        }
        pages.append(page(body))
        return pages
    }

    /// Writes the leaflet: `.pdf` through rsvg-convert, `.html` with the pages inline (print it from a browser).
    public static func write(_ pages: [String], to output: URL) throws(AuthoringError) {
        let fileManager = FileManager.default
        switch output.pathExtension.lowercased() {
        case "html", "htm":
            let html = """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>leaflet</title>
                <style>@page { size: A4; margin: 0 } body { margin: 0 } svg { display: block; width: 210mm; height: 297mm; page-break-after: always }</style>
                </head><body>
                \(pages.joined(separator: "\n"))
                </body></html>
                """
            do { try html.write(to: output, atomically: true, encoding: .utf8) } catch {
                throw AuthoringError("cannot write \(output.path): \(error.localizedDescription)")
            }
        case "pdf":
            let rsvg = try Programs.locate("rsvg-convert", install: "librsvg2-bin")
            let work = fileManager.temporaryDirectory.appendingPathComponent("audiogid-leaflet-\(UUID().uuidString)")
            defer { try? fileManager.removeItem(at: work) }
            var files: [String] = []
            do {
                try fileManager.createDirectory(at: work, withIntermediateDirectories: true)
                for (index, page) in pages.enumerated() {
                    let file = work.appendingPathComponent("page-\(index + 1).svg")
                    try page.write(to: file, atomically: true, encoding: .utf8)
                    files.append(file.path)
                }
            } catch {
                throw AuthoringError("cannot write the leaflet's pages: \(error.localizedDescription)")
            }
            try Programs.run(rsvg, ["-f", "pdf", "-o", output.path] + files, about: "rsvg-convert")
        default:
            throw AuthoringError("\(output.path): give a .pdf or .html file name")
        }
    }

    // MARK: - Drawing

    static func page(_ body: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 \(Int(pageWidth)) \(Int(pageHeight))" font-family="\(fonts)">
        <rect width="100%" height="100%" fill="#ffffff"/>
        \(body)</svg>
        """
    }

    static func text(_ content: String, x: Double, y: Double, size: Double, bold: Bool = false, color: String = "#000",
                     anchor: String = "start") -> String {
        "<text x=\"\(x)\" y=\"\(y)\" font-size=\"\(size)\"\(bold ? " font-weight=\"bold\"" : "") fill=\"\(color)\" text-anchor=\"\(anchor)\">"
            + XLSXSheet.escape(content) + "</text>\n"
    }

    static func svgSize(_ svg: String) -> (Double, Double)? {
        guard let open = svg.range(of: "<svg"), let close = svg[open.upperBound...].firstIndex(of: ">") else { return nil }
        let tag = String(svg[open.upperBound..<close])
        func attribute(_ name: String) -> Double? {
            guard let start = tag.range(of: " \(name)=\"") else { return nil }
            return Double(tag[start.upperBound...].prefix { $0 != "\"" })
        }
        guard let width = attribute("width"), let height = attribute("height"), width > 0 else { return nil }
        return (width, height)
    }

    /// The transcript's first sentences, up to about 220 characters (90 for Chinese, denser on paper).
    static func firstSentences(_ text: String) -> String {
        let limit = text.unicodeScalars.contains { $0.properties.isIdeographic } ? 90 : 220
        var out = ""
        var sentence = ""
        for character in text {
            sentence.append(character)
            if ".!?。！？".contains(character) {
                if !out.isEmpty, out.count + sentence.count > limit { break }
                out += sentence
                sentence = ""
            }
        }
        if out.isEmpty { out = String((sentence.isEmpty ? text : sentence).prefix(limit)) }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// Lines that fit `width` at `size`: words for alphabetic text, characters for Chinese (roughly measured:
    /// an ideograph is as wide as the font size, other characters a little over half).
    static func wrap(_ text: String, width: Double, size: Double) -> [String] {
        func measure(_ piece: String) -> Double {
            piece.unicodeScalars.reduce(0) { $0 + ($1.properties.isIdeographic || $1.value >= 0x3000 ? size : size * 0.56) }
        }
        var lines: [String] = []
        var line = ""
        var tokens: [String] = []
        var word = ""
        for character in text {
            if character.unicodeScalars.first?.properties.isIdeographic == true || (character.unicodeScalars.first?.value ?? 0) >= 0x3000 {
                if !word.isEmpty { tokens.append(word); word = "" }
                tokens.append(String(character))
            } else if character == " " || character == "\n" {
                if !word.isEmpty { tokens.append(word); word = "" }
                tokens.append(" ")
            } else {
                word.append(character)
            }
        }
        if !word.isEmpty { tokens.append(word) }
        for token in tokens {
            if token == " ", line.isEmpty { continue }
            if measure(line + token) > width, !line.isEmpty {
                lines.append(line.trimmingCharacters(in: .whitespaces))
                line = token == " " ? "" : token
            } else {
                line += token
            }
        }
        if !line.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(line.trimmingCharacters(in: .whitespaces)) }
        return lines
    }
}

import AudiogidManifest

extension Leaflet {
    /// Plans the tour's route (with its path network and clip lengths when they are there) and draws the pages.
    public static func pages(manifest: URL, language: String) throws(AuthoringError) -> [String] {
        let report = TourLoader.validate(manifestPath: manifest.path, checkClips: true)
        guard let tour = report.tour, !report.findings.contains(where: { $0.severity == .error && !$0.message.contains("clip") }) else {
            throw AuthoringError((report.findings.filter { $0.severity == .error }.map(\.line) + ["fix these first (audiogid validate)"])
                .joined(separator: "\n"))
        }
        guard tour.languages.contains(language) else {
            throw AuthoringError("'\(language)' is not one of the tour's languages (\(tour.languages.joined(separator: ", ")))")
        }
        var clipSeconds: [String: Double] = [:]
        for stop in tour.stops {
            if let path = tour.clip(for: stop, language: language)?.path, let info = report.clips[path] { clipSeconds[stop.id] = info.durationSeconds }
        }
        let pathsFile = report.tourDirectory.appendingPathComponent("paths.geojson")
        var network: PathNetwork?
        if let data = FileManager.default.contents(atPath: pathsFile.path) {
            do { network = try PathNetwork(geoJSON: data) } catch { throw AuthoringError("\(pathsFile.path): \(error.message)") }
        }
        let itinerary: Itinerary
        do {
            itinerary = try RoutePlanner.plan(tour, clipSeconds: clipSeconds, network: network,
                                              options: RouteOptions(language: language, circuity: tour.route.circuity ?? 1.25))
        } catch {
            throw AuthoringError("\(manifest.path): \(error.message)")
        }
        return pages(itinerary, tour: tour, language: language)
    }
}
