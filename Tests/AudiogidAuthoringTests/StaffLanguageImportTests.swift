import AudiogidTestSupport
import Foundation
import Testing

/// `audiogid import` speaks the staff's language: the sheet's own mistakes and the validator's findings after an
/// import, each at the sheet's row and column.
@Suite("import in the staff's language", .timeLimit(.minutes(3)))
struct StaffLanguageImportTests {
    static let russian = ["LANG": "ru_RU.UTF-8", "LC_MESSAGES": "", "LC_ALL": "", "LANGUAGE": ""]
    static let plain = ["LANG": "C", "LC_MESSAGES": "", "LC_ALL": "", "LANGUAGE": ""]

    /// A Russian sheet (as Russian Excel saves it: `;` and decimal commas) whose seventh row has a word for a latitude.
    static let brokenSheet = """
        номер;id;название:ru;широта;долгота
        1;library;Библиотека;50,3915;127,8271
        2;school;;;
        3;memorial;;;
        4;church;;;
        5;club;;;
        6;mill;;север;127,83

        """

    @Test("a sheet's mistake: stops.csv:7:4 in Russian and in English, and nothing imported")
    func sheetMistake() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let library = try scratch.demoLibrary()
        let manifest = library.appendingPathComponent("tours/moyo-selo/tour.yaml")
        let before = try String(contentsOf: manifest, encoding: .utf8)
        _ = try scratch.write("stops.csv", Self.brokenSheet)
        let arguments = ["import", "stops.csv", "--tour", "moyo-selo", "--library", library.path]

        let ru = try BuiltTool.run(arguments, environment: Self.russian, in: scratch.url)
        #expect(ru.status == 1)
        #expect(ru.stdout == "stops.csv:7:4: ошибка: широта «север» — не число\n")
        #expect(ru.stderr == "stops.csv: ничего не импортировано; исправьте ошибки выше и запустите импорт снова\n")

        let en = try BuiltTool.run(arguments, environment: Self.plain, in: scratch.url)
        #expect(en.status == 1)
        #expect(en.stdout == "stops.csv:7:4: error: широта 'север' is not a number\n")
        #expect(en.stderr == "stops.csv: nothing imported; fix the errors above and run the import again\n")
        #expect(try String(contentsOf: manifest, encoding: .utf8) == before)
    }

    @Test("the validator's findings after an import, at the sheet's row and column, in Russian")
    func validatorFindings() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let library = try scratch.demoLibrary()
        _ = try scratch.write("stops.csv", "номер;id;название:ru;широта;долгота\n1;library;;95;\n8;well;Колодец;50,3921;127,8290\n")
        let ru = try BuiltTool.run(["import", "stops.csv", "--tour", "moyo-selo", "--library", library.path],
                                   environment: Self.russian, in: scratch.url)
        #expect(ru.status == 1)
        let lines = ru.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains(#"stops.csv:2:4: ошибка: остановка 1 «Библиотека» (library): широта 95.0 вне допустимого (от -90 до 90)"#), "\(ru.stdout)")
        #expect(lines.contains(#"stops.csv:3:1: предупреждение: остановка 8 «Колодец» (well): пока нет записей; посетители здесь ничего не услышат"#),
                "\(ru.stdout)")
        #expect(ru.stderr == "moyo-selo: обновлено остановок: 1, добавлено: 1\n")
    }

    @Test("a file that is not a sheet, and a tour that does not exist, in Russian")
    func usageMistakes() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let library = try scratch.demoLibrary()
        _ = try scratch.write("stops.ods", "")
        let kind = try BuiltTool.run(["import", "stops.ods", "--tour", "moyo-selo", "--library", library.path],
                                     environment: Self.russian, in: scratch.url)
        #expect(kind.status == 2)
        #expect(kind.stderr.contains("stops.ods: нужен файл .csv или .xlsx (в Excel или LibreOffice: Файл → Сохранить как)"), "\(kind.stderr)")
        _ = try scratch.write("stops.csv", Self.brokenSheet)
        let missing = try BuiltTool.run(["import", "stops.csv", "--tour", "no-such", "--library", library.path],
                                        environment: Self.russian, in: scratch.url)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("tours/no-such/tour.yaml: такой экскурсии нет (начните её командой audiogid new)"), "\(missing.stderr)")
    }
}
