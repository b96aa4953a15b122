import ArgumentParser
import AudiogidCore
import AudiogidManifest
import AudiogidMessages
import Foundation

struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a tour: its stops, which languages have clips, and how long they play."
    )

    @Argument(help: "A tour folder, its tour.yaml, or a tour id under ./tours/.")
    var path: String

    @Option(help: "Folder holding the clips, instead of the library's audio/ folder.")
    var audio: String?

    @Option(help: "text or json.")
    var format: OutputFormat = .text

    func run() async throws {
        let language = Language.staff
        let loaded: LoadedTour
        do {
            loaded = try TourLoader.load(path: path, audioDirectory: audio)
        } catch {
            for finding in error.findings where finding.severity == .error { printError(finding.line(in: language)) }
            printError(language.render(Wording(.infoNotValid, .text(path))))
            throw ExitCode(1)
        }
        let description = TourDescription(loaded)
        switch format {
        case .json: print(try JSONOutput.encode(description))
        case .text: print(description.table(in: language), terminator: "")
        }
    }
}

/// What `info` reports about a tour.
struct TourDescription: Encodable {
    struct Clip: Encodable {
        var path: String
        var duration_s: Double
        var sample_rate: Int
        var channels: Int
        var format: String
    }
    struct StopEntry: Encodable {
        var id: String
        var number: Int
        var title: [String: String]
        var location: Coordinate?
        var radius_m: Double?
        var dwell_s: Double
        var clips: [String: Clip]
        /// Languages a visitor can choose that fall back to the default language's clip here.
        var fallback_languages: [String]
    }
    var id: String
    var title: [String: String]
    var mode: String
    var languages: [String]
    var default_language: String
    var stops: [StopEntry]
    var intro: [String: Clip]
    /// Seconds of narration a visitor hears over the whole tour in each language, fallbacks included.
    var total_audio_s: [String: Double]

    init(_ loaded: LoadedTour) {
        let tour = loaded.tour
        func clip(_ path: String) -> Clip? {
            loaded.clips[path].map {
                Clip(path: path, duration_s: ($0.durationSeconds * 1000).rounded() / 1000, sample_rate: $0.sampleRate,
                     channels: $0.channels, format: $0.format)
            }
        }
        id = tour.id
        title = tour.title.byLanguage
        mode = tour.mode.rawValue
        languages = tour.languages
        default_language = tour.defaultLanguage
        intro = tour.intro.compactMapValues(clip)
        stops = tour.stops.map { stop in
            StopEntry(id: stop.id, number: stop.number, title: stop.title.byLanguage, location: stop.location,
                      radius_m: stop.radiusM, dwell_s: stop.dwellS, clips: stop.audio.compactMapValues(clip),
                      fallback_languages: tour.languages.filter { stop.audio[$0] == nil && tour.clip(for: stop, language: $0) != nil })
        }
        var totals: [String: Double] = [:]
        for language in tour.languages {
            let stopsTotal = tour.stops.reduce(0.0) { $0 + (loaded.clipDuration(for: $1, language: language) ?? 0) }
            let introPath = tour.intro[language] ?? tour.intro[tour.defaultLanguage]
            let introTotal = introPath.flatMap { loaded.clips[$0]?.durationSeconds } ?? 0
            totals[language] = ((stopsTotal + introTotal) * 1000).rounded() / 1000
        }
        total_audio_s = totals
    }

    func table(in language: Language = .english) -> String {
        let heading = title[default_language] ?? id
        let modeName: Piece = .of(mode == TravelMode.boat.rawValue ? .modeBoat : .modeWalk)
        var lines = [language.render(Wording(.infoHeading, .text(heading), .text(id), modeName, .number(stops.count),
                                             .text(languages.joined(separator: ", ")), .text(default_language))), ""]
        var rows = [["#", language.render(Wording(.infoColumnStop)), language.render(Wording(.infoColumnTitle))] + languages]
        for stop in stops {
            let cells = languages.map { code -> String in
                if let clip = stop.clips[code] { return TimeText.minutesSeconds(clip.duration_s) }
                return stop.fallback_languages.contains(code) ? "→\(default_language)" : "—"
            }
            rows.append([String(stop.number), stop.id, stop.title[default_language] ?? ""] + cells)
        }
        lines += TextTable.render(rows, rightAligned: [0] + Array(3..<(3 + languages.count)))
        lines.append("")
        let totals = languages.map { "\($0) \(TimeText.minutesSeconds(total_audio_s[$0] ?? 0))" }
        lines.append(language.render(Wording(.infoTotals, .text(totals.joined(separator: ", ")))))
        if !intro.isEmpty { lines.append(language.render(Wording(.infoIntro, .text(intro.keys.sorted().joined(separator: ", "))))) }
        return lines.joined(separator: "\n") + "\n"
    }
}

enum TimeText {
    /// 83.4 → "1:23"; 3725 → "1:02:05".
    static func minutesSeconds(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, (total % 3600) / 60, total % 60)
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(twoDigits(minutes)):\(twoDigits(secs))" : "\(minutes):\(twoDigits(secs))"
    }
}

/// Columns lined up in a terminal, counting Chinese characters as two cells wide.
enum TextTable {
    static func render(_ rows: [[String]], rightAligned: [Int] = []) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], width(cell)) } }
        return rows.map { row in
            row.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - width(cell))
                return rightAligned.contains(index) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }

    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { sum, scalar in
            let wide = (0x1100...0x115F).contains(scalar.value) || (0x2E80...0xA4CF).contains(scalar.value)
                || (0xAC00...0xD7A3).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
                || (0xFF00...0xFF60).contains(scalar.value) || (0x20000...0x3FFFD).contains(scalar.value)
            return sum + (wide ? 2 : 1)
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
