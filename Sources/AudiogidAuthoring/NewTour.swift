import AudiogidCore
import AudiogidMessages
import Foundation

/// A problem an authoring command reports to staff: what went wrong, in words they can act on.
public struct AuthoringError: Error, Sendable, CustomStringConvertible {
    /// In English.
    public var description: String
    /// The validator's findings the message follows ("fix these first"), and the message by meaning, to show them
    /// in the staff's language; a message written only in English has no wording.
    public var findings: [Finding] = []
    public var wording: Wording?

    public init(_ description: String) { self.description = description }

    public init(_ wording: Wording, after findings: [Finding] = []) {
        self.description = (findings.map(\.line) + [wording.english]).joined(separator: "\n")
        self.findings = findings
        self.wording = wording
    }

    /// The message in `language` (English where it has no wording).
    public func text(in language: Language) -> String {
        guard let wording else { return description }
        return (findings.map { $0.line(in: language) } + [language.render(wording)]).joined(separator: "\n")
    }
}

/// `audiogid new`: a tour folder with a commented `tour.yaml` that validates at once, its `audio/ID/` folder,
/// and one example stop to copy.
public enum NewTour {
    public struct Created: Sendable {
        public var manifest: URL
        public var audioFolder: URL
    }

    public static func create(id: String, title: String, languages: [String], mode: TravelMode,
                              library: URL) throws(AuthoringError) -> Created {
        guard isSlug(id) else {
            throw AuthoringError(Wording(.newBadID, .text(id)))
        }
        guard !languages.isEmpty else { throw AuthoringError(Wording(.newNoLanguages)) }
        for code in languages where !isLanguageCode(code) {
            throw AuthoringError(Wording(.notLanguageCode, .text(code)))
        }
        guard !title.trimmingCharacters(in: .whitespaces).isEmpty else { throw AuthoringError(Wording(.newNoTitle)) }
        let folder = library.appendingPathComponent("tours/\(id)")
        let manifest = folder.appendingPathComponent("tour.yaml")
        let audio = library.appendingPathComponent("audio/\(id)")
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: manifest.path) {
            throw AuthoringError(Wording(.newExists, .text(manifest.path)))
        }
        do {
            try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
            try fileManager.createDirectory(at: audio, withIntermediateDirectories: true)
            try manifestText(id: id, title: title, languages: languages, mode: mode)
                .write(to: manifest, atomically: true, encoding: .utf8)
        } catch {
            throw AuthoringError(Wording(.cannotWrite, .text(manifest.path), .text(error.localizedDescription)))
        }
        return Created(manifest: manifest, audioFolder: audio)
    }

    /// The manifest, every field explained in the language staff named first (Russian or English).
    static func manifestText(id: String, title: String, languages: [String], mode: TravelMode) -> String {
        let ru = languages.first == "ru"
        let c: (String, String) -> String = { russian, english in ru ? russian : english }
        let titles = LocalizedText(Dictionary(uniqueKeysWithValues: languages.map { ($0, title) }))
        let stopTitle = LocalizedText(Dictionary(uniqueKeysWithValues: languages.map {
            ($0, $0 == "ru" ? "Первая остановка" : $0 == "zh" ? "第一站" : "First stop")
        }))
        let placeholder = ["ru": "Текст, который звучит на этой остановке.", "zh": "这一站的讲解词。", "en": "What the clip at this stop says."]
        let location = mode == .boat
            ? "    location: {lat: 50.2574, lon: 127.5160}   # \(c("ЗАМЕНИТЕ на координаты места (градусы)", "REPLACE with the place's coordinates (degrees)"))\n    radius_m: 250\n"
            : "    # location: {lat: 50.3915, lon: 127.8271}   # \(c("координаты места в градусах (или audiogid import-places)", "the place in degrees (or audiogid import-places)"))\n"
        return """
        # yaml-language-server: $schema=../../schema/tour.schema.json
        # \(c("Экскурсия «\(title)». Проверка: audiogid validate tours/\(id)", "The tour “\(title)”. Check it with: audiogid validate tours/\(id)"))
        # \(c("Остановки удобно вести в таблице: audiogid export \(id) --format xlsx, затем audiogid import ФАЙЛ --tour \(id)",
              "Stops are easiest kept in a spreadsheet: audiogid export \(id) --format xlsx, then audiogid import FILE --tour \(id)"))

        # \(c("Версия формата файла; не меняйте.", "Version of this file's format; leave it as it is."))
        format: 1
        # \(c("Короткое имя экскурсии: латиница, цифры и '-'; совпадает с именем папки.", "Short name of the tour: latin letters, digits and '-'; the same as its folder's name."))
        id: \(id)
        # \(c("Название экскурсии на каждом языке.", "The tour's title in each language."))
        title: \(YAMLText.flowText(titles, languages: languages))
        # \(c("Языки экскурсии; первый — основной: его запись звучит, если нет записи на языке посетителя.",
              "The tour's languages; the first is the default, played when a visitor's language has no clip."))
        languages: [\(languages.joined(separator: ", "))]
        # \(c("Как ходят между остановками: walk — пешком, boat — на теплоходе (остановки по GPS).",
              "How visitors travel between stops: walk, or boat (stops play by GPS)."))
        mode: \(mode.rawValue)
        # \(c("Маршрут: fixed — в порядке списка, optimize — кратчайший; loop: true — вернуться к началу.",
              "The route: fixed keeps the list's order, optimize finds the shortest; loop: true returns to the start."))
        route: {order: fixed, loop: false}
        # \(c("Остановки. У каждой: id (латиница), number (что посетитель нажимает, 1–9999), title (название),",
              "Stops. Each has: id (latin), number (what a visitor presses, 1-9999), title,"))
        # \(c("location (широта и долгота), dwell_s (секунд на месте сверх записи), audio (записи по языкам,",
              "location (lat and lon), dwell_s (seconds spent beyond the clip), audio (clips per language,"))
        # \(c("пути внутри папки audio/; audiogid import-audio заполняет их сам) и transcript (текст записи).",
              "paths inside audio/; audiogid import-audio fills them in) and transcript (what the clip says)."))
        stops:
          - id: first-stop
            number: 1
            title: \(YAMLText.flowText(stopTitle, languages: languages))
        \(location)    dwell_s: 30
            # audio: {\(languages.map { "\($0): \(id)/01-first-stop.\($0).ogg" }.joined(separator: ", "))}
            transcript:
        \(languages.map { "      \($0): \(YAMLText.quoted(placeholder[$0] ?? placeholder["en"]!))" }.joined(separator: "\n"))

        """
    }

    static func isSlug(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 64, first != "-" else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    static func isLanguageCode(_ text: String) -> Bool {
        (2...3).contains(text.count) && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) }
    }
}
