@testable import AudiogidAuthoring
import AudiogidCore
import AudiogidManifest
import AudiogidTestSupport
import Foundation
import Testing

@Suite("import and export of stops spreadsheets", .timeLimit(.minutes(3)))
struct SheetImportTests {
    static let demoTours = ["moyo-selo", "koltso-vremeni", "teplokhodik"]

    func load(_ manifest: URL) throws -> Tour {
        let report = TourLoader.validate(manifestPath: manifest.path, checkClips: false)
        return try #require(report.tour, "\(report.findings.map(\.line))")
    }

    @Test("import(export(tour)) leaves each demo tour's file byte for byte as it was, CSV and XLSX", arguments: demoTours)
    func roundTripSameFile(id: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let library = try scratch.demoLibrary()
        let manifest = TourSheets.manifest(tour: id, library: library)
        let before = try String(contentsOf: manifest, encoding: .utf8)
        let tour = try load(manifest)
        for format in TourSheets.Format.allCases {
            let file = scratch.path("\(id).\(format.rawValue)")
            try TourSheets.export(tour, format: format).write(to: file)
            let result = try TourSheets.importSheet(TourSheets.read(file), manifest: manifest)
            #expect(!result.plan.hasErrors, "\(result.findings.map(\.line))")
            #expect(result.updated == 0 && result.added == 0)
            #expect(try String(contentsOf: manifest, encoding: .utf8) == before)
        }
    }

    @Test("a demo tour's sheet imported into the same tour with no stops gives the same tour", arguments: demoTours)
    func roundTripIntoEmpty(id: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let library = try scratch.demoLibrary()
        let manifest = TourSheets.manifest(tour: id, library: library)
        let original = try load(manifest)
        let text = try String(contentsOf: manifest, encoding: .utf8)
        let stopsAt = try #require(text.range(of: "\nstops:\n"))
        let emptied = String(text[..<stopsAt.lowerBound]) + "\nstops: []   # filled from the sheet\n"
        try emptied.write(to: manifest, atomically: true, encoding: .utf8)
        for format in TourSheets.Format.allCases {
            let file = scratch.path("\(id).\(format.rawValue)")
            try TourSheets.export(original, format: format).write(to: file)
            try emptied.write(to: manifest, atomically: true, encoding: .utf8)
            let result = try TourSheets.importSheet(TourSheets.read(file), manifest: manifest)
            #expect(!result.findings.contains { $0.severity == .error }, "\(result.findings.map(\.line))")
            #expect(result.added == original.stops.count)
            #expect(try load(manifest) == original)
        }
    }

    @Test("only changed fields are rewritten; comments, other fields and other stops stay")
    func editsInPlace() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let library = try scratch.demoLibrary()
        let manifest = TourSheets.manifest(tour: "moyo-selo", library: library)
        var text = try String(contentsOf: manifest, encoding: .utf8)
        text = text.replacingOccurrences(of: "  - id: school\n", with: "  # the school moved in 1967\n  - id: school\n    # keep this note\n")
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        let sheet = try scratch.write("stops.csv", """
            id,title:en,lat,lon,dwell_s,audio:en
            school,The New School,"50,3935","127,8305",,
            club,,,,,moyo-selo/05-club.en.ogg
            ,,,,,
            """)
        let result = try TourSheets.importSheet(TourSheets.read(sheet), manifest: manifest, checkClips: false)
        #expect(!result.findings.contains { $0.severity == .error }, "\(result.findings.map(\.line))")
        #expect(result.updated == 2 && result.added == 0)
        let after = try String(contentsOf: manifest, encoding: .utf8)
        #expect(after.contains("  # the school moved in 1967\n  - id: school\n    # keep this note\n    number: 2\n"))
        #expect(after.contains("    title: {ru: \"Школа\", zh: \"学校\", en: \"The New School\"}\n    location: {lat: 50.3935, lon: 127.8305, ele: 146}\n    dwell_s: 30\n"))
        #expect(after.contains("    audio: {ru: moyo-selo/05-club.ru.ogg, zh: moyo-selo/05-club.zh.ogg, en: moyo-selo/05-club.en.ogg}\n"))
        let oldLines = Set(text.split(separator: "\n"))
        let newLines = Set(after.split(separator: "\n"))
        #expect(oldLines.subtracting(newLines).count == 3)
        #expect(try load(manifest).stops.count == 7)
    }

    @Test("a cp1251 CSV with semicolons, decimal commas and Russian headers, saved as older Russian Excel does")
    func windows1251() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let library = try scratch.demoLibrary()
        let manifest = TourSheets.manifest(tour: "moyo-selo", library: library)
        let utf8 = try scratch.write("utf8.csv", "Номер;Название:ru;Широта;Долгота;Текст:ru;;\r\n8;Старая школа;50,3901;127,8211;\"Здесь, у дороги;\r\nстояла школа.\";;\r\n;;;;;;\r\n")
        let file = scratch.path("stops.csv")
        try Tool.run("/usr/bin/iconv", ["-f", "UTF-8", "-t", "CP1251", "-o", file.path, utf8.path])
        let bytes = try Data(contentsOf: file)
        #expect(String(data: bytes, encoding: .utf8) == nil, "iconv output must really be cp1251")
        let result = try TourSheets.importSheet(TourSheets.read(file), manifest: manifest, checkClips: false)
        #expect(result.added == 1, "\(result.findings.map(\.line))")
        let stop = try #require(try load(manifest).stop(number: 8))
        #expect(stop.id == "staraya-shkola")
        #expect(stop.title.byLanguage["ru"] == "Старая школа")
        #expect(stop.location == Coordinate(lat: 50.3901, lon: 127.8211))
        #expect(stop.transcript.byLanguage["ru"] == "Здесь, у дороги;\nстояла школа.")
    }

    @Test("sheet mistakes are reported at their row and column and nothing is written")
    func sheetErrors() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let library = try scratch.demoLibrary()
        let manifest = TourSheets.manifest(tour: "moyo-selo", library: library)
        let before = try String(contentsOf: manifest, encoding: .utf8)
        let sheet = try scratch.write("stops.csv", "number;id;широта;colour\n1;library;север;red\n2;School;50;\n")
        let result = try TourSheets.importSheet(TourSheets.read(sheet), manifest: manifest)
        #expect(!result.written)
        #expect(result.findings.map(\.line) == [
            "stops.csv:1:4: error: unknown column 'colour'; columns are number, id, title:LANG, lat, lon, ele, radius_m, dwell_s, audio:LANG, transcript:LANG (or номер, название:ru, широта, долгота, ...)",
            // The column is named as the sheet names it.
            "stops.csv:2:3: error: широта 'север' is not a number",
            "stops.csv:3:2: error: id 'School' must use only small latin letters, digits and '-', e.g. old-church",
        ])
        #expect(try String(contentsOf: manifest, encoding: .utf8) == before)
    }

    @Test("validator findings after an import point at the sheet's row and column (CLI)")
    func validatorFindingsInSheet() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let library = try scratch.demoLibrary()
        let sheet = try scratch.write("stops.csv", "id,number,lat,lon\nlibrary,1,95,127.8\nschool,1,,\n")
        let result = try BuiltTool.run(["import", sheet.path, "--tour", "moyo-selo", "--library", library.path])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("stops.csv:2:3: error: ") && $0.contains("latitude 95.0 is out of range") }, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("stops.csv:3:2: error: ") && $0.contains("number 1 is already used by stop 'library'") },
                "\(result.stdout)")
    }
}

@Suite("export and import on the command line", .timeLimit(.minutes(3)))
struct SheetCommandTests {
    @Test("audiogid export then audiogid import of the same sheet changes nothing and says so", arguments: ["csv", "xlsx"])
    func exportImport(format: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let library = try scratch.demoLibrary()
        let file = scratch.path("moyo-selo.\(format)")
        let manifest = TourSheets.manifest(tour: "moyo-selo", library: library)
        let before = try String(contentsOf: manifest, encoding: .utf8)
        let exported = try BuiltTool.run(["export", "moyo-selo", "--format", format, "-o", file.path, "--library", library.path])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stderr.contains("wrote 7 stops to"))
        let imported = try BuiltTool.run(["import", file.path, "--tour", "moyo-selo", "--library", library.path])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        #expect(imported.stderr.contains("moyo-selo: 0 stops updated, 0 added"))
        #expect(try String(contentsOf: manifest, encoding: .utf8) == before)
    }

    @Test("a file that is neither CSV nor XLSX, or a tour that does not exist, is refused with status 2")
    func refusals() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let library = try scratch.demoLibrary()
        let odd = try scratch.write("stops.ods", "x")
        let wrongType = try BuiltTool.run(["import", odd.path, "--tour", "moyo-selo", "--library", library.path])
        #expect(wrongType.status == 2)
        #expect(wrongType.stderr.contains("give a .csv or .xlsx file"))
        let fake = try scratch.write("fake.xlsx", "not a zip")
        let notZip = try BuiltTool.run(["import", fake.path, "--tour", "moyo-selo", "--library", library.path])
        #expect(notZip.status == 2)
        #expect(notZip.stderr.contains("not an .xlsx file"))
        let csv = try scratch.write("s.csv", "id\nlibrary\n")
        let noTour = try BuiltTool.run(["import", csv.path, "--tour", "no-such", "--library", library.path])
        #expect(noTour.status == 2)
        #expect(noTour.stderr.contains("no such tour"))
    }
}
