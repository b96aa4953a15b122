import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// XLSX (Office Open XML) files: the first sheet of what Excel or LibreOffice saved, and a plain workbook they open.
public enum XLSXSheet {
    // MARK: - Reading

    public static func read(_ url: URL) throws(AuthoringError) -> Sheet {
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw AuthoringError("\(url.path): not an .xlsx file (cannot be opened as a zip archive)")
        }
        func part(_ path: String) throws(AuthoringError) -> Data? {
            guard let entry = archive[path] else { return nil }
            // A spreadsheet of stops is small; a part that unpacks to more than this is not one.
            guard entry.uncompressedSize < 64 << 20 else { throw AuthoringError("\(url.path): \(path) is too large for a sheet of stops") }
            var data = Data()
            do { _ = try archive.extract(entry, skipCRC32: false) { data.append($0) } } catch {
                throw AuthoringError("\(url.path): \(path) is damaged: \(error)")
            }
            return data
        }
        let sheetPath = try firstSheetPath(workbook: part("xl/workbook.xml"), relations: part("xl/_rels/workbook.xml.rels"))
        let shared = try part("xl/sharedStrings.xml").map(SharedStrings.parse) ?? []
        guard let sheetData = try part(sheetPath) else { throw AuthoringError("\(url.path): has no worksheet \(sheetPath)") }
        let reader = WorksheetReader(shared: shared)
        let parser = XMLParser(data: sheetData)
        parser.delegate = reader
        guard parser.parse() else {
            throw AuthoringError("\(url.path): the first sheet is not readable XML (\(parser.parserError.map { "\($0)" } ?? "unknown error"))")
        }
        let rows = reader.rows.sorted { $0.key < $1.key }.map { number, cells in
            let width = (cells.keys.max() ?? -1) + 1
            return Sheet.Row(number: number, cells: (0..<width).map { cells[$0] ?? "" })
        }
        return Sheet(file: url.lastPathComponent, rows: rows)
    }

    /// The worksheet part of the workbook's first sheet (tab order), through the workbook's relationships.
    static func firstSheetPath(workbook: Data?, relations: Data?) throws(AuthoringError) -> String {
        guard let workbook, let relations else { return "xl/worksheets/sheet1.xml" }
        let sheets = ElementCollector(names: ["sheet"]).collect(workbook)
        let links = ElementCollector(names: ["Relationship"]).collect(relations)
        guard let id = sheets.first?.first(where: { $0.key == "r:id" || $0.key.hasSuffix(":id") })?.value,
              let target = links.first(where: { $0["Id"] == id })?["Target"] else { return "xl/worksheets/sheet1.xml" }
        return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    }

    // MARK: - Writing

    /// A workbook of one sheet named `name`; cells of `numeric` columns that hold numbers are written as numbers.
    public static func write(_ rows: [[String]], numeric: Set<Int>, name: String = "stops") throws(AuthoringError) -> Data {
        var sheet = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
            """
        for (rowIndex, row) in rows.enumerated() {
            sheet += "<row r=\"\(rowIndex + 1)\">"
            for (columnIndex, cell) in row.enumerated() where !cell.isEmpty {
                let reference = columnName(columnIndex) + String(rowIndex + 1)
                if rowIndex > 0, numeric.contains(columnIndex), Double(cell) != nil {
                    sheet += "<c r=\"\(reference)\"><v>\(cell)</v></c>"
                } else {
                    sheet += "<c r=\"\(reference)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escape(cell))</t></is></c>"
                }
            }
            sheet += "</row>"
        }
        sheet += "</sheetData></worksheet>"
        let parts: [(String, String)] = [
            ("[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
                <Default Extension="xml" ContentType="application/xml"/>\
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
                <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
                </Types>
                """),
            ("_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
                </Relationships>
                """),
            ("xl/workbook.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
                xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
                <sheets><sheet name="\(escape(name))" sheetId="1" r:id="rId1"/></sheets></workbook>
                """),
            ("xl/_rels/workbook.xml.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
                <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
                </Relationships>
                """),
            ("xl/styles.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
                <fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>\
                <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
                <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
                <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
                <cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>\
                </styleSheet>
                """),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (path, text) in parts {
                let data = Data(text.utf8)
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let data = archive.data else { throw AuthoringError("the workbook could not be assembled") }
            return data
        } catch let error as AuthoringError {
            throw error
        } catch {
            throw AuthoringError("the workbook could not be written: \(error)")
        }
    }

    /// A, B, ..., Z, AA, ...
    static func columnName(_ index: Int) -> String {
        var index = index + 1
        var name = ""
        while index > 0 {
            let remainder = (index - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            index = (index - 1) / 26
        }
        return name
    }

    /// The 0-based column of a reference like `AB12`.
    static func columnIndex(_ reference: String) -> Int? {
        var value = 0
        var any = false
        for scalar in reference.unicodeScalars {
            guard ("A"..."Z").contains(scalar) else { break }
            value = value * 26 + Int(scalar.value - 64)
            any = true
        }
        return any ? value - 1 : nil
    }

    /// Text for XML: markup characters escaped, characters XML 1.0 cannot hold dropped, a carriage return kept.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\r": out += "&#13;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default: if scalar.value >= 0x20 { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

/// The attributes of every element named one of `names`, in document order.
final class ElementCollector: NSObject, XMLParserDelegate {
    let names: Set<String>
    var found: [[String: String]] = []
    init(names: Set<String>) { self.names = names }

    func collect(_ data: Data) -> [[String: String]] {
        let parser = XMLParser(data: data)
        parser.delegate = self
        _ = parser.parse()
        return found
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if names.contains(localName(name)) { found.append(attributes) }
    }
}

func localName(_ name: String) -> String { name.split(separator: ":").last.map(String.init) ?? name }

/// `xl/sharedStrings.xml`: the text of each `<si>`, its runs joined; phonetic guides (`<rPh>`) left out.
enum SharedStrings {
    static func parse(_ data: Data) -> [String] {
        let reader = Reader()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        _ = parser.parse()
        return reader.strings
    }

    final class Reader: NSObject, XMLParserDelegate {
        var strings: [String] = []
        var current: String?
        var inText = false
        var inPhonetic = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch localName(name) {
            case "si": current = ""
            case "t": inText = true
            case "rPh": inPhonetic = true
            default: break
            }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch localName(name) {
            case "si": strings.append(current ?? ""); current = nil
            case "t": inText = false
            case "rPh": inPhonetic = false
            default: break
            }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inText, !inPhonetic, current != nil { current! += string }
        }
    }
}

/// A worksheet's cells: `<row r="N">` holding `<c r="B2" t="s|str|inlineStr|n|b">` with `<v>` or `<is><t>`.
final class WorksheetReader: NSObject, XMLParserDelegate {
    let shared: [String]
    var rows: [Int: [Int: String]] = [:]
    private var row = 0
    private var column = -1
    private var type = ""
    private var text = ""
    private var collecting = false
    private var inPhonetic = false

    init(shared: [String]) { self.shared = shared }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch localName(name) {
        case "row":
            row = attributes["r"].flatMap { Int($0) } ?? row + 1
            column = -1
        case "c":
            column = attributes["r"].flatMap(XLSXSheet.columnIndex) ?? column + 1
            type = attributes["t"] ?? "n"
            text = ""
        case "v", "t": collecting = !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch localName(name) {
        case "v", "t": collecting = false
        case "rPh": inPhonetic = false
        case "c":
            var value = text
            if type == "s" { value = Int(text.trimmingCharacters(in: .whitespaces)).flatMap { $0 < shared.count ? shared[$0] : nil } ?? "" }
            if type == "b" { value = text == "1" ? "TRUE" : "FALSE" }
            if !value.isEmpty { rows[row, default: [:]][column] = value }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if collecting { text += string }
    }
}
