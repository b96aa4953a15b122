@testable import AudiogidAuthoring
import Foundation
import Testing

@Suite("CSV as spreadsheets write it", .timeLimit(.minutes(3)))
struct CSVSheetTests {
    @Test("quoted cells hold separators, doubled quotes and line breaks; CRLF ends rows")
    func quotedCells() {
        let sheet = CSVSheet.parse("number,title:ru\r\n1,\"Школа, кирпичная\"\r\n2,\"Он сказал \"\"да\"\"\r\nи ушёл\"\r\n", file: "s.csv")
        #expect(sheet.rows.map(\.cells) == [["number", "title:ru"], ["1", "Школа, кирпичная"], ["2", "Он сказал \"да\"\nи ушёл"]])
        #expect(sheet.rows.map(\.number) == [1, 2, 3])
    }

    @Test("the separator is read off the header: semicolon (Russian Excel), tab, or comma")
    func separators() {
        #expect(CSVSheet.parse("номер;широта\n1;50,2571\n", file: "s").rows[1].cells == ["1", "50,2571"])
        #expect(CSVSheet.parse("number\tlat\n1\t50.2\n", file: "s").rows[1].cells == ["1", "50.2"])
        #expect(CSVSheet.parse("\"a;b\",lat\n1,2\n", file: "s").rows[0].cells == ["a;b", "lat"])
    }

    @Test("a byte order mark, UTF-16 and Windows-1251 all decode to the same text")
    func encodings() {
        let text = "номер;название:ru\n1;Мельница «Ёлка»\n"
        #expect(SheetText.decode(Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)) == text)
        #expect(SheetText.decode(Data(text.utf8)) == text)
        var utf16 = Data([0xFF, 0xFE])
        for unit in text.utf16 { utf16.append(UInt8(unit & 0xFF)); utf16.append(UInt8(unit >> 8)) }
        #expect(SheetText.decode(utf16) == text)
        // Windows-1251 by hand: "Ёлка" is A8 EB EA E0, the guillemets AB and BB.
        #expect(SheetText.decode(Data([0xAB, 0xA8, 0xEB, 0xEA, 0xE0, 0xBB])) == "«Ёлка»")
    }

    @Test("numbers come as decimal commas, with thousands spaces, as text, or as whole floats")
    func numbers() {
        #expect(SheetNumber.double("50,2571") == 50.2571)
        #expect(SheetNumber.double(" '127.5 ") == 127.5)
        #expect(SheetNumber.double("1 234,5") == 1234.5)
        #expect(SheetNumber.double("1\u{00A0}234") == 1234)
        #expect(SheetNumber.double("abc") == nil)
        #expect(SheetNumber.int("3.0") == 3)
        #expect(SheetNumber.int("3.5") == nil)
    }

    @Test("export quotes what needs it and writes a BOM so Excel reads UTF-8")
    func writing() {
        let data = CSVSheet.write([["id", "transcript:ru"], ["a", "Раз, два\n\"три\""]])
        let text = String(decoding: data, as: UTF8.self)
        #expect(text == "\u{FEFF}id,transcript:ru\r\na,\"Раз, два\n\"\"три\"\"\"\r\n")
        #expect(CSVSheet.parse(SheetText.decode(data), file: "x").rows.map(\.cells) == [["id", "transcript:ru"], ["a", "Раз, два\n\"три\""]])
    }
}
