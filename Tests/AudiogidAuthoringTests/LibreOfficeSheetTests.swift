@testable import AudiogidAuthoring
import AudiogidCore
import AudiogidManifest
import Foundation
import Testing

extension ExternalProgramTests {
    /// Sheets saved by LibreOffice itself, from files the tests write, and exports LibreOffice must open.
    @Suite("spreadsheets through LibreOffice", .timeLimit(.minutes(3)))
    struct LibreOfficeSheetTests {
        @Test("an XLSX LibreOffice saved, with numbers stored as text, decimal commas, a line break in a cell, Russian headers")
        func libreOfficeXLSX() throws {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let library = try scratch.demoLibrary()
            let manifest = TourSheets.manifest(tour: "teplokhodik", library: library)
            // A flat OpenDocument sheet lets the test say which cells are text and which are numbers.
            func text(_ value: String) -> String {
                "<table:table-cell office:value-type=\"string\">" + value.split(separator: "\n").map { "<text:p>\($0)</text:p>" }.joined() + "</table:table-cell>"
            }
            func number(_ value: Double) -> String { "<table:table-cell office:value-type=\"float\" office:value=\"\(value)\"/>" }
            let rows = [
                [text("номер"), text("id"), text("название:ru"), text("широта"), text("долгота"), text("радиус_м"), text("текст:ru")],
                [text("2"), text("vid-na-heihe"), text("Вид на Хэйхэ"), text("50,2555"), text("127,5266"), number(300), text("Справа Хэйхэ.\nСлева Благовещенск.")],
                [number(7), text(""), text("Зея"), number(50.2481), number(127.5600), text("200"), text("")],
            ]
            let fods = """
                <?xml version="1.0" encoding="UTF-8"?>
                <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
                xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
                office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
                <office:body><office:spreadsheet><table:table table:name="stops">
                \(rows.map { "<table:table-row>\($0.joined())</table:table-row>" }.joined(separator: "\n"))
                </table:table></office:spreadsheet></office:body></office:document>
                """
            let source = try scratch.write("stops.fods", fods)
            let xlsx = try Tool.libreOffice(convert: source, to: "xlsx", extension: "xlsx")
            let sheet = try XLSXSheet.read(xlsx)
            #expect(sheet.rows.count == 3)
            let result = try TourSheets.importSheet(sheet, manifest: manifest, checkClips: false)
            #expect(result.updated == 1 && result.added == 1, "\(result.findings.map(\.line))")
            let tour = try #require(TourLoader.validate(manifestPath: manifest.path, checkClips: false).tour)
            let view = try #require(tour.stop(id: "vid-na-heihe"))
            #expect(view.location == Coordinate(lat: 50.2555, lon: 127.5266))
            #expect(view.radiusM == 300)
            #expect(view.transcript.byLanguage["ru"] == "Справа Хэйхэ.\nСлева Благовещенск.")
            #expect(view.transcript.byLanguage["en"] != nil, "languages the sheet lacks stay")
            let zeya = try #require(tour.stop(number: 7))
            #expect(zeya.id == "zeya")
            #expect(zeya.radiusM == 200)
            #expect(zeya.location == Coordinate(lat: 50.2481, lon: 127.56))
        }

        @Test("a semicolon CSV LibreOffice saved in Windows-1251 imports")
        func libreOfficeCSV1251() throws {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let library = try scratch.demoLibrary()
            let manifest = TourSheets.manifest(tour: "moyo-selo", library: library)
            let source = try scratch.write("source.csv", "id,title:ru\nmill,\"Мельница, водяная\"\n")
            // Field separator 59 (;), text delimiter 34 ("), character set 34 (LibreOffice's number for Windows-1251).
            let saved = try Tool.libreOffice(convert: source, to: "csv:Text - txt - csv (StarCalc):59,34,34,1", extension: "csv",
                                             inputFilter: "CSV:44,34,76,1")
            let bytes = try Data(contentsOf: saved)
            #expect(String(data: bytes, encoding: .utf8) == nil)
            #expect(bytes.contains(UInt8(ascii: ";")))
            let result = try TourSheets.importSheet(TourSheets.read(saved), manifest: manifest, checkClips: false)
            #expect(result.updated == 1, "\(result.findings.map(\.line))")
            let tour = try #require(TourLoader.validate(manifestPath: manifest.path, checkClips: false).tour)
            #expect(tour.stop(id: "mill")?.title.byLanguage["ru"] == "Мельница, водяная")
        }

        @Test("LibreOffice opens the exported XLSX and reads back every cell")
        func exportOpensInLibreOffice() throws {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let library = try scratch.demoLibrary()
            let tour = try #require(TourLoader.validate(manifestPath: TourSheets.manifest(tour: "moyo-selo", library: library).path,
                                                        checkClips: false).tour)
            let xlsx = scratch.path("moyo-selo.xlsx")
            try TourSheets.export(tour, format: .xlsx).write(to: xlsx)
            let csv = try Tool.libreOffice(convert: xlsx, to: "csv:Text - txt - csv (StarCalc):44,34,76,1", extension: "csv")
            let back = try CSVSheet.read(csv)
            let expected = SheetExport.rows(for: tour).rows
            #expect(back.rows.count == expected.count)
            for (row, want) in zip(back.rows, expected) {
                #expect(row.cells.count == want.count)
                for (got, cell) in zip(row.cells, want) {
                    if let number = Double(cell), number.isFinite { #expect(Double(got) == number) } else { #expect(got == cell) }
                }
            }
        }
    }
}
