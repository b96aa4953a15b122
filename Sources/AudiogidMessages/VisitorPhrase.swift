import Foundation

/// Every word the public visitor page shows, by meaning. Each of `VisitorLanguage`'s catalogues must hold every
/// phrase (a test checks), so a visitor never meets an English word on a Chinese page.
public enum VisitorPhrase: String, CaseIterable, Sendable {
    case chooseLanguage
    case start
    case startHint
    case following
    case followBoat
    case selfPaced
    case nowPlaying
    case waitingForStop
    case paused
    case stopped
    case transcript
    case allStops
    case playThis
    case largeText
    case offlineReady
    case saving
    case savedSize
    case offline
    case guideUnreachable
    case noTour
    case fallbackLanguage
    case headphones
    /// One line for the printed card: join the Wi-Fi, open the page (`audiogid card`).
    case cardInstruction
    case cardWifi
    case cardPage
    /// On the staff statistics page (its words are `Phrase`s; these two belong to the visitors' feature).
    case phoneListeners
    case listeners
}

/// The languages the visitor page speaks: the tours' languages, at least Russian, Chinese and English.
public enum VisitorLanguage: String, Sendable, CaseIterable, Codable {
    case english = "en", russian = "ru", chinese = "zh"

    public var catalogue: [VisitorPhrase: String] {
        switch self {
        case .english: VisitorCatalogue.english
        case .russian: VisitorCatalogue.russian
        case .chinese: VisitorCatalogue.chinese
        }
    }

    public subscript(_ phrase: VisitorPhrase) -> String {
        catalogue[phrase] ?? VisitorCatalogue.english[phrase] ?? phrase.rawValue
    }

    /// The page's words for a tour language code (`zh-Hans`, `ru`, `de`...): its own, else English.
    public init(code: String) {
        let primary = code.split(separator: "-").first.map { $0.lowercased() } ?? ""
        self = VisitorLanguage(rawValue: primary) ?? .english
    }

    /// The language's own name, for the language buttons.
    public static func nativeName(_ code: String) -> String {
        let names = ["ru": "Русский", "zh": "中文", "en": "English", "de": "Deutsch", "fr": "Français", "es": "Español",
                     "ja": "日本語", "ko": "한국어", "it": "Italiano", "pt": "Português", "pl": "Polski", "uk": "Українська"]
        return names[String(code.split(separator: "-").first ?? "").lowercased()] ?? code
    }

    /// The first of `Accept-Language`'s languages (by q-value) that is one of `offered` (a tour's language codes).
    public static func negotiate(_ header: String?, offered: [String]) -> String? {
        guard let header else { return nil }
        var best: (String, Double)?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { continue }
            var quality = 1.0
            for piece in pieces.dropFirst() where piece.hasPrefix("q=") { quality = Double(piece.dropFirst(2)) ?? 0 }
            let primary = String(tag.split(separator: "-").first ?? "")
            guard quality > 0, let code = offered.first(where: { $0.lowercased() == tag }) ?? offered.first(where: { $0.lowercased() == primary })
            else { continue }
            if best == nil || quality > best!.1 { best = (code, quality) }
        }
        return best?.0
    }
}

public enum VisitorCatalogue {}
