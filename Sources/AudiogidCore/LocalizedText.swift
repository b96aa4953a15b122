/// A piece of text a visitor may read in several languages.
///
/// Staff may write a plain string (meaning the tour's default language) or a map
/// `{ru: "...", en: "..."}`. Both end up here as a language → text map.
public struct LocalizedText: Sendable, Equatable, Hashable {
    public var byLanguage: [String: String]

    public init(_ byLanguage: [String: String] = [:]) {
        self.byLanguage = byLanguage
    }

    public var isEmpty: Bool { byLanguage.isEmpty }
    public var languages: Set<String> { Set(byLanguage.keys) }

    /// The text in `language`, else in the first of `fallbacks` that has one, else any text at all
    /// (sorted by language so the choice is stable).
    public func text(in language: String, fallbacks: [String] = []) -> String? {
        if let text = byLanguage[language] { return text }
        for code in fallbacks { if let text = byLanguage[code] { return text } }
        return byLanguage.keys.sorted().first.flatMap { byLanguage[$0] }
    }
}
