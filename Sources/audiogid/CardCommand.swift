import ArgumentParser
import AudiogidAuthoring
import AudiogidCore
import AudiogidManifest
import AudiogidMessages
import Foundation

struct CardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "Draw the table card for visitors' phones: a QR code to join the Wi-Fi, one to open the page.",
        discussion: """
            An A6 card (105 × 148 mm) with the tour's title, the two QR codes (from libqrencode), the network's name and
            password and the page's address written out, and one line of instructions in each of the tour's languages.
            SVG as it is, or PDF through rsvg-convert (librsvg2-bin), as the leaflet.
            """)

    @Option(help: "The tour id (its folder under LIBRARY/tours/).")
    var tour: String
    @Option(help: "The boat's Wi-Fi network name (SSID).")
    var wifi: String
    @Option(help: "The Wi-Fi's WPA password; leave it out for an open network.")
    var password: String?
    @Option(help: "The visitor page's address as phones on that Wi-Fi reach it, e.g. http://10.42.0.1/.")
    var url: String
    @Option(name: .shortAndLong, help: "FILE.svg or FILE.pdf.")
    var output: String
    @Option(help: "The library folder holding tours/ and audio/.")
    var library = "."

    func validate() throws {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw ValidationError("--url must be the page's address, like http://10.42.0.1/, not '\(url)'")
        }
        guard !wifi.isEmpty, wifi.utf8.count <= 32 else { throw ValidationError("--wifi is the network's name, 1 to 32 bytes") }
        if let password, !password.isEmpty, !(8...63).contains(password.utf8.count) {
            throw ValidationError("--password: a WPA password has 8 to 63 characters")
        }
    }

    func run() async throws {
        let manifest = TourSheets.manifest(tour: tour, library: URL(fileURLWithPath: library))
        let report = TourLoader.validate(manifestPath: manifest.path, checkClips: false)
        guard let loaded = report.tour else {
            throw ValidationError("\(manifest.path): no tour to draw a card for\n" + report.findings.map(\.line).joined(separator: "\n"))
        }
        let svg = try TableCard(tour: loaded, ssid: wifi, password: password, url: url).svg()
        let destination = URL(fileURLWithPath: output)
        switch destination.pathExtension.lowercased() {
        case "svg":
            do { try svg.write(to: destination, atomically: true, encoding: .utf8) } catch {
                throw ValidationError("cannot write \(output): \(error.localizedDescription)")
            }
        case "pdf":
            do { try Leaflet.write([svg], to: destination) } catch { throw ValidationError(error.description) }
        default:
            throw ValidationError("\(output): give a .svg or .pdf file name")
        }
        printError("wrote \(output): the card for \(loaded.id) in \(loaded.languages.joined(separator: ", "))")
    }
}

/// The card itself: A6 in tenths of a millimetre.
struct TableCard {
    var tour: Tour
    var ssid: String
    var password: String?
    var url: String

    static let width = 1050.0, height = 1480.0
    static let fonts = "Noto Sans, Noto Sans CJK SC, sans-serif"

    func svg() throws -> String {
        let e = Markup.escape
        let languages = tour.languages.isEmpty ? ["en"] : tour.languages
        let first = VisitorLanguage(code: languages[0])
        var body = ""
        func text(_ content: String, x: Double = Self.width / 2, y: Double, size: Double, bold: Bool = false,
                  anchor: String = "middle", language: String? = nil) {
            body += "<text x=\"\(x)\" y=\"\(y)\" font-size=\"\(size)\"\(bold ? " font-weight=\"bold\"" : "")"
            body += " text-anchor=\"\(anchor)\"\(language.map { " xml:lang=\"\(e($0))\"" } ?? "")>\(e(content))</text>\n"
        }
        text(tour.title.text(in: languages[0]) ?? tour.id, y: 110, size: 58, bold: true, language: languages[0])
        let others = languages.dropFirst().compactMap { tour.title.byLanguage[$0] }
        if !others.isEmpty { text(others.joined(separator: " · "), y: 170, size: 34) }

        let size = 440.0, top = 230.0
        let wifiCode = try QRCode(QRCode.wifi(ssid: ssid, password: password))
        let pageCode = try QRCode(url)
        body += wifiCode.svg(x: 55, y: top, size: size) + "\n" + pageCode.svg(x: Self.width - 55 - size, y: top, size: size) + "\n"
        text(first[.cardWifi], x: 55 + size / 2, y: top + size + 50, size: 38, bold: true)
        text(ssid, x: 55 + size / 2, y: top + size + 100, size: 32)
        if let password, !password.isEmpty { text(password, x: 55 + size / 2, y: top + size + 145, size: 32) }
        let pageWords = languages.map { VisitorLanguage(code: $0)[.cardPage] }
        text(pageWords[0], x: Self.width - 55 - size / 2, y: top + size + 50, size: 38, bold: true)
        text(url, x: Self.width - 55 - size / 2, y: top + size + 100, size: 32)

        var y = top + size + 230
        body += "<line x1=\"55\" y1=\"\(y - 60)\" x2=\"\(Self.width - 55)\" y2=\"\(y - 60)\" stroke=\"#999\" stroke-width=\"2\"/>\n"
        for code in languages {
            for line in Self.wrap(VisitorLanguage(code: code)[.cardInstruction]) {
                text(line, x: 55, y: y, size: 30, anchor: "start", language: code)
                y += 42
            }
            y += 22
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="105mm" height="148mm" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" font-family="\(Self.fonts)">
            <rect width="100%" height="100%" fill="#ffffff"/>
            \(body)</svg>

            """
    }

    /// Lines that fit the card at the instructions' size: about 56 letters, or 30 characters of Chinese or Japanese.
    static func wrap(_ text: String) -> [String] {
        let ideographic = text.unicodeScalars.contains { $0.properties.isIdeographic }
        let limit = ideographic ? 30 : 56
        if ideographic {
            var lines: [String] = [], line = ""
            for character in text {
                line.append(character)
                if line.count >= limit { lines.append(line); line = "" }
            }
            return line.isEmpty ? lines : lines + [line]
        }
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > limit { lines.append(line); line = "" }
            line += (line.isEmpty ? "" : " ") + word
        }
        return line.isEmpty ? lines : lines + [line]
    }
}
