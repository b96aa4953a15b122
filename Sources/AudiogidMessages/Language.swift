import Foundation

/// The languages staff read. Every string shown is a `Phrase`, looked up in one catalogue per language
/// (`Catalogue+English.swift`, `Catalogue+Russian.swift`).
public enum Language: String, Sendable, CaseIterable, Codable {
    case english = "en", russian = "ru"

    public var catalogue: [Phrase: String] {
        switch self {
        case .english: Catalogue.english
        case .russian: Catalogue.russian
        }
    }

    public subscript(_ phrase: Phrase) -> String {
        catalogue[phrase] ?? Catalogue.english[phrase] ?? phrase.rawValue
    }

    /// The first language of `Accept-Language` (by q-value) the page speaks; English otherwise.
    public static func negotiate(_ header: String?) -> Language {
        guard let header else { return .english }
        var best: (Language, Double)?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased() else { continue }
            let primary = String(tag.split(separator: "-").first ?? "")
            var quality = 1.0
            for piece in pieces.dropFirst() where piece.hasPrefix("q=") { quality = Double(piece.dropFirst(2)) ?? 0 }
            guard let language = Language(rawValue: primary), quality > 0 else { continue }
            if best == nil || quality > best!.1 { best = (language, quality) }
        }
        return best?.0 ?? .english
    }
}

public enum Catalogue {}
