extension Language {
    /// The staff's language from the locale, as gettext chooses it: the first of LC_ALL, LC_MESSAGES and LANG that
    /// is set decides the locale; unless that locale is C or POSIX, LANGUAGE (a list like `ru:en`) goes first.
    /// `ru_RU.UTF-8` → Russian; anything else → English.
    public static func fromEnvironment(_ environment: [String: String]) -> Language {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        let isPlain = locale.isEmpty || locale == "C" || locale == "POSIX" || locale.hasPrefix("C.")
        if !isPlain, let list = environment["LANGUAGE"], !list.isEmpty {
            for entry in list.split(separator: ":") {
                if let language = fromLocaleName(String(entry)) { return language }
            }
        }
        return fromLocaleName(locale) ?? .english
    }

    /// `ru`, `ru_RU`, `ru_RU.UTF-8`, `ru_RU@latin` → Russian; a locale the catalogues lack → nil.
    static func fromLocaleName(_ name: String) -> Language? {
        let code = name.prefix { $0.isLetter }.lowercased()
        return Language(rawValue: code)
    }
}
