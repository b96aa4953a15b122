@testable import AudiogidAuthoring
import AudiogidTestSupport
import Foundation
import Testing

extension ExternalProgramTests {
    @Suite("the printed leaflet", .timeLimit(.minutes(1)))
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
    }
}
