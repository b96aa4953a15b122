import AudiogidMessages
import AudiogidTestSupport
import Foundation
import Testing

/// The locale as a test sets it: every variable gettext reads, so the test runner's own locale cannot leak in.
func locale(_ lang: String, messages: String = "", all: String = "", language: String = "") -> [String: String] {
    ["LANG": lang, "LC_MESSAGES": messages, "LC_ALL": all, "LANGUAGE": language]
}

@Suite(.timeLimit(.minutes(3))) struct MessageCatalogueTests {
    @Test(arguments: Language.allCases) func everyMessageIsInEveryCatalogueWithTheSameArguments(language: Language) {
        /// The argument numbers a template uses: "{1}" and "{1#one|other}" both use 1.
        func arguments(_ template: String) -> Set<Int> {
            var numbers = Set<Int>()
            for piece in template.split(separator: "{").dropFirst() {
                let inside = piece.prefix { $0 != "}" }
                if let number = Int(inside.prefix { $0 != "#" }) { numbers.insert(number) }
            }
            return numbers
        }
        let missing = Message.allCases.filter { language.messages[$0]?.isEmpty ?? true }
        #expect(missing.isEmpty, "\(language): no text for \(missing)")
        let mismatched = Message.allCases.filter { arguments(language.messages[$0] ?? "") != arguments(Catalogue.englishMessages[$0] ?? "") }
        #expect(mismatched.isEmpty, "\(language): arguments differ from English in \(mismatched)")
    }

    @Test func russianIsTranslated() {
        // Templates made only of arguments and punctuation read the same in both languages; every other one differs.
        let same = Message.allCases.filter { Catalogue.russianMessages[$0] == Catalogue.englishMessages[$0] }
        #expect(Set(same) == [.dottedInvalid, .pathProblem])
    }

    @Test func russianPluralsFollowTheLastDigits() {
        let forms = [1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111].map {
            Language.russian.render(Wording(.validateErrors, "x", .number($0), .number(0)))
        }
        #expect(forms.map { $0.split(separator: ",")[0].dropFirst(3) } == [
            "1 ошибка", "2 ошибки", "4 ошибки", "5 ошибок", "11 ошибок", "12 ошибок", "14 ошибок", "21 ошибка", "22 ошибки",
            "25 ошибок", "101 ошибка", "111 ошибок",
        ])
        #expect(Language.english.render(Wording(.validateErrors, "x", .number(1), .number(2))) == "x: 1 error, 2 warnings")
    }

    @Test func theLocaleIsChosenAsGettextChoosesIt() {
        #expect(Language.fromEnvironment(locale("ru_RU.UTF-8")) == .russian)
        #expect(Language.fromEnvironment(locale("ru_RU")) == .russian)
        #expect(Language.fromEnvironment(locale("C")) == .english)
        #expect(Language.fromEnvironment(locale("C.UTF-8")) == .english)
        #expect(Language.fromEnvironment(locale("de_DE.UTF-8")) == .english)
        #expect(Language.fromEnvironment([:]) == .english)
        // LC_ALL over LC_MESSAGES over LANG.
        #expect(Language.fromEnvironment(locale("ru_RU.UTF-8", all: "C")) == .english)
        #expect(Language.fromEnvironment(locale("en_GB.UTF-8", messages: "ru_RU.UTF-8")) == .russian)
        #expect(Language.fromEnvironment(locale("ru_RU.UTF-8", messages: "en_US.UTF-8")) == .english)
        #expect(Language.fromEnvironment(locale("en_US.UTF-8", messages: "en_US.UTF-8", all: "ru_RU.UTF-8")) == .russian)
        // LANGUAGE goes first, except in the C locale.
        #expect(Language.fromEnvironment(locale("en_US.UTF-8", language: "ru:en")) == .russian)
        #expect(Language.fromEnvironment(locale("ru_RU.UTF-8", language: "de:en")) == .english)
        #expect(Language.fromEnvironment(locale("C", language: "ru")) == .english)
    }
}

@Suite(.timeLimit(.minutes(3))) struct StaffLanguageCLITests {
    static let russian = locale("ru_RU.UTF-8")
    static let plain = locale("C")
    static let broken = "Tests/AudiogidManifestTests/Fixtures/library/tours/unknown-stop-key"

    @Test func validateAGoodTourInRussianAndInEnglish() throws {
        let ru = try CLI.run(["validate", "tours/moyo-selo"], environment: Self.russian)
        #expect(ru.status == 0, "\(ru.stderr)")
        #expect(ru.stdout == "tours/moyo-selo/tour.yaml:61:5: предупреждение: остановка 5 «Дом культуры» (club): "
                + "нет записи на языке «en»; выбравшие en услышат «ru»\n")
        // 23 clips: "записи", the form after a number ending in 2–4.
        #expect(ru.stderr == "tours/moyo-selo/tour.yaml: в порядке, 7 остановок, 23 записи, языки ru, zh, en; 1 предупреждение\n")

        let en = try CLI.run(["validate", "tours/moyo-selo"], environment: Self.plain)
        #expect(en.status == 0)
        #expect(en.stdout == #"tours/moyo-selo/tour.yaml:61:5: warning: stop 5 "Дом культуры" (club) has no 'en' clip; visitors who chose en will hear 'ru'"# + "\n")
        #expect(en.stderr == "tours/moyo-selo/tour.yaml: ok, 7 stops, 23 clips, languages ru, zh, en; 1 warning\n")
    }

    @Test func validateABrokenTourInRussianAndInEnglish() throws {
        let ru = try CLI.run(["validate", Self.broken], environment: Self.russian)
        #expect(ru.status == 1)
        #expect(ru.stdout == "\(Self.broken)/tour.yaml:17:5: ошибка: остановка «second»: неизвестное поле «radius» (может быть, «radius_m»?)\n")
        #expect(ru.stderr == "\(Self.broken)/tour.yaml: 1 ошибка, 0 предупреждений\n")

        let en = try CLI.run(["validate", Self.broken], environment: Self.plain)
        #expect(en.status == 1)
        #expect(en.stdout == "\(Self.broken)/tour.yaml:17:5: error: stop 'second': unknown field 'radius' (did you mean 'radius_m'?)\n")
        #expect(en.stderr == "\(Self.broken)/tour.yaml: 1 error, 0 warnings\n")
    }

    @Test func validateSaysWhatIsWrongWithThePathInRussian() throws {
        let ru = try CLI.run(["validate", "no/such/tour"], environment: Self.russian)
        #expect(ru.status == 2)
        #expect(ru.stderr.contains("no/such/tour: нет такого файла, папки или id экскурсии"), "\(ru.stderr)")
    }

    @Test func typesAndValuesReadInRussian() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("audiogid-l10n-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("tours/bad"), withIntermediateDirectories: true)
        try """
            format: 1
            id: bad
            title: Плохая
            languages: [ru]
            mode: wlak
            stops:
              - id: one
                number: один
                title: Первая
                location: {lat: 95, lon: 127.5}
            """.write(to: scratch.appendingPathComponent("tours/bad/tour.yaml"), atomically: true, encoding: .utf8)
        let ru = try BuiltTool.run(["validate", "tours/bad"], environment: Self.russian, in: scratch)
        #expect(ru.status == 1)
        #expect(ru.stdout.contains("tours/bad/tour.yaml:5:7: ошибка: поле mode: должно быть одним из: walk, boat, а написано «wlak» (может быть, «walk»?)\n"), "\(ru.stdout)")
        #expect(ru.stdout.contains("tours/bad/tour.yaml:8:13: ошибка: остановка «one», поле number: должно быть целым числом, а написано «один»\n"), "\(ru.stdout)")
        let en = try BuiltTool.run(["validate", "tours/bad"], environment: Self.plain, in: scratch)
        #expect(en.stdout.contains("tours/bad/tour.yaml:5:7: error: mode must be one of walk, boat, found 'wlak' (did you mean 'walk'?)\n"), "\(en.stdout)")
        #expect(en.stdout.contains("tours/bad/tour.yaml:8:13: error: stop 'one': number must be a whole number, found 'один'\n"), "\(en.stdout)")
    }

    @Test func infoInRussianAndInEnglish() throws {
        let ru = try CLI.run(["info", "tours/moyo-selo"], environment: Self.russian)
        #expect(ru.status == 0, "\(ru.stderr)")
        #expect(ru.stdout.hasPrefix("Моё село (moyo-selo): пешая экскурсия, 7 остановок, языки ru, zh, en (основной ru)\n"), "\(ru.stdout)")
        #expect(ru.stdout.contains("#  остановка  название"), "\(ru.stdout)")
        #expect(ru.stdout.contains("\nВсего звучания по языкам (с заменами на основной язык): ru "), "\(ru.stdout)")

        let en = try CLI.run(["info", "tours/moyo-selo"], environment: Self.plain)
        #expect(en.stdout.hasPrefix("Моё село (moyo-selo): walk tour, 7 stops, languages ru, zh, en (default ru)\n"), "\(en.stdout)")
        #expect(en.stdout.contains("\nTotal audio per language (fallbacks included): ru "), "\(en.stdout)")

        let broken = try CLI.run(["info", Self.broken], environment: Self.russian)
        #expect(broken.status == 1)
        #expect(broken.stderr.hasSuffix("\(Self.broken): экскурсия с ошибками; все замечания покажет «audiogid validate \(Self.broken)»\n"), "\(broken.stderr)")
    }

    @Test func newInRussianAndInEnglish() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("audiogid-l10n-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let ru = try CLI.run(["new", "moyo-selo", "--title", "Моё село", "--languages", "ru,zh,en", "--library", scratch.path],
                             environment: Self.russian)
        #expect(ru.status == 0, "\(ru.stderr)")
        #expect(ru.stdout == "созданы \(scratch.path)/tours/moyo-selo/tour.yaml и \(scratch.path)/audio/moyo-selo/\n")
        let again = try CLI.run(["new", "moyo-selo", "--title", "Моё село", "--languages", "ru", "--library", scratch.path],
                                environment: Self.russian)
        #expect(again.status != 0)
        #expect(again.stderr.contains("\(scratch.path)/tours/moyo-selo/tour.yaml уже есть; новая экскурсия никогда не записывается поверх"), "\(again.stderr)")
        let badID = try CLI.run(["new", "Моё", "--title", "x", "--languages", "ru", "--library", scratch.path], environment: Self.plain)
        #expect(badID.stderr.contains("tour id 'Моё' must use only small latin letters, digits and '-', e.g. moyo-selo"), "\(badID.stderr)")

        let en = try CLI.run(["new", "river", "--title", "River", "--languages", "en", "--library", scratch.path], environment: Self.plain)
        #expect(en.status == 0, "\(en.stderr)")
        #expect(en.stdout == "created \(scratch.path)/tours/river/tour.yaml and \(scratch.path)/audio/river/\n")
    }
}
