@testable import AudiogidAuthoring
import AudiogidTestSupport
import Foundation
import Testing

extension ExternalProgramTests {
    @Suite("the printed leaflet", .timeLimit(.minutes(3)))
    struct LeafletTests {
        @Test("a PDF in Russian and in Chinese: A4 pages rendered by pdftoppm, Noto fonts embedded", arguments: ["ru", "zh"])
        func pdf(language: String) throws {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let pdf = scratch.path("leaflet.pdf")
            let result = try BuiltTool.run(["leaflet", "moyo-selo", "--lang", language, "-o", pdf.path])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            let info = try Tool.run("/usr/bin/pdfinfo", [pdf.path]).stdout
            #expect(info.contains("Pages:           2"), "\(info)")
            #expect(info.contains("(A4)"), "\(info)")
            let fonts = try Tool.run("/usr/bin/pdffonts", [pdf.path]).stdout
            #expect(fonts.contains(language == "zh" ? "NotoSansCJK" : "NotoSans-Regular"), "\(fonts)")
            try Tool.run("/usr/bin/pdftoppm", ["-r", "30", "-png", pdf.path, scratch.path("page").path])
            let pngs = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter { $0.hasPrefix("page") && $0.hasSuffix(".png") }
            #expect(pngs.sorted() == ["page-1.png", "page-2.png"])
            for png in pngs {
                // A blank page would compress to almost nothing; the map and text make it several kilobytes.
                let size = try FileManager.default.attributesOfItem(atPath: scratch.path(png).path)[.size] as? Int ?? 0
                #expect(size > 3000, "\(png): \(size) bytes")
            }
        }

        @Test("the itinerary lists keypad numbers and walking times; paragraphs are the transcript's first sentences")
        func content() throws {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let html = scratch.path("leaflet.html")
            let result = try BuiltTool.run(["leaflet", "teplokhodik", "--lang", "en", "-o", html.path])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            let text = try String(contentsOf: html, encoding: .utf8)
            #expect(text.contains(">The River Station</text>"))
            #expect(text.contains("min by boat</text>"))
            #expect(text.contains(">About the stops</text>"))
            #expect(Leaflet.firstSentences("One. Two two. " + String(repeating: "Long sentence words. ", count: 20)).hasPrefix("One. Two two."))
            #expect(Leaflet.firstSentences(String(repeating: "x", count: 500)).count == 220)
            let lines = Leaflet.wrap(String(repeating: "слово ", count: 100), width: 300, size: 11)
            #expect(lines.count > 5 && lines.allSatisfy { Double($0.count) * 11 * 0.56 <= 300 })
        }

        @Test("headings, the itinerary and the map's legend are in the leaflet's language", arguments: [
            ("ru", ["Об остановках", "Наберите номер остановки", " мин пешком</text>"],
             ["Пешком, 4.5 км/ч, в одну сторону", "Расстояние ", "На остановках ", "В пути ", ">С</text>"]),
            ("zh", ["站点介绍", "在按键上输入站点编号", " 分钟 步行</text>"],
             ["步行, 4.5 公里/小时, 单程", "距离 ", "停留 ", "全程 ", ">北</text>"]),
            ("en", ["About the stops", "Type a stop's number", " min on foot</text>"],
             ["On foot, 4.5 km/h, one way", "Distance ", "At stops ", "Walking ", ">N</text>"]),
        ])
        func language(language: String, page: [String], legend: [String]) throws {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let html = scratch.path("leaflet.html")
            let result = try BuiltTool.run(["leaflet", "moyo-selo", "--lang", language, "-o", html.path])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            let text = try String(contentsOf: html, encoding: .utf8)
            for words in page { #expect(text.contains(words), "\(language): no \(words)") }
            // The map is the route engine's SVG, inlined as a data: URI.
            let start = try #require(text.range(of: "data:image/svg+xml;base64,"))
            let encoded = text[start.upperBound...].prefix { $0 != "\"" }
            let map = try #require(Data(base64Encoded: String(encoded)).flatMap { String(data: $0, encoding: .utf8) })
            for words in legend { #expect(map.contains(words), "\(language): the map has no \(words)") }
            if language != "en" {
                for english in ["On foot", "Distance", "At stops", "one way", " min<", " km<"] {
                    #expect(!map.contains(english), "\(language): the map still says \(english)")
                }
            }
        }
    }
}
