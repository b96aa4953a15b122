import AudiogidMessages
import AudiogidCore
import AudiogidKiosk
import AudiogidManifest
import AudiogidWeb
import Foundation
import Testing

@Suite(.timeLimit(.minutes(3)))
struct WebSettingsTests {
    static let hash = "$2b$12$" + String(repeating: "a", count: 53)

    func read(_ text: String) throws -> (WebSettings, [Finding]) {
        WebSettings.read(try YAMLDocument(text: text, file: "kiosk.yaml"))
    }

    @Test func readsUsersListenAndUploadLimit() throws {
        let (settings, findings) = try read("""
            tour: moyo-selo
            web:
              listen: "127.0.0.1:9090"
              upload_limit_mb: 50
              users:
                anna: {password: "\(Self.hash)", role: staff}
                boris: {password: "\(Self.hash)"}
            """)
        #expect(findings.isEmpty)
        #expect(settings.host == "127.0.0.1" && settings.port == 9090)
        #expect(settings.uploadLimitBytes == 50 << 20)
        #expect(settings.users["anna"]?.role == .staff)
        #expect(settings.users["boris"]?.role == .viewer)
    }

    @Test func defaultsToEveryAddressOnPort8080WithNoUsers() throws {
        let (settings, findings) = try read("tour: moyo-selo\n")
        #expect(findings.isEmpty)
        #expect(settings.host == "0.0.0.0" && settings.port == 8080 && settings.users.isEmpty)
        #expect(WebSettings.noUsersMessage.contains("audiogid passwd"))
    }

    @Test func aPlainPasswordAnUnknownRoleAndAMisspeltKeyAreFindingsWithLines() throws {
        let (settings, findings) = try read("""
            web:
              listne: ":8080"
              users:
                anna: {password: "hunter22", role: staff}
                boris: {password: "\(Self.hash)", role: admin}
            """)
        #expect(settings.users.isEmpty)
        let lines = findings.map(\.line)
        #expect(findings.count == 3)
        #expect(lines.contains { $0.contains("kiosk.yaml:2") && $0.contains("web.listne: unknown key (did you mean 'listen'?)") })
        #expect(lines.contains { $0.contains("kiosk.yaml:4") && $0.contains("web.users.anna.password") && $0.contains("audiogid passwd") })
        #expect(lines.contains { $0.contains("kiosk.yaml:5") && $0.contains("web.users.boris.role") })
    }

    /// The daemon reads the same file: it must take the `web:` section without complaint and without using it.
    @Test func theDaemonsReaderAcceptsTheWebSection() throws {
        let document = try YAMLDocument(text: "tour: moyo-selo\nweb:\n  users:\n    anna: {password: \"\(Self.hash)\"}\n", file: "kiosk.yaml")
        let (configuration, findings) = KioskConfiguration.read(document)
        #expect(findings.isEmpty)
        #expect(configuration.tour == "moyo-selo")
    }
}

@Suite(.timeLimit(.minutes(3)))
struct CatalogueTests {
    @Test(arguments: Language.allCases) func everyPhraseIsInEveryCatalogue(language: Language) {
        let missing = Phrase.allCases.filter { language.catalogue[$0]?.isEmpty ?? true }
        #expect(missing.isEmpty, "\(language): \(missing)")
    }

    @Test func theRussianCatalogueIsNotTheEnglishOne() {
        let same = Phrase.allCases.filter { Catalogue.russian[$0] == Catalogue.english[$0] }
        #expect(same.isEmpty, "\(same)")
    }

    @Test func acceptLanguagePicksTheBestLanguageThePageSpeaks() {
        #expect(Language.negotiate("ru-RU,ru;q=0.9,en;q=0.8") == .russian)
        #expect(Language.negotiate("de-DE,en;q=0.5,ru;q=0.7") == .russian)
        #expect(Language.negotiate("de, fr") == .english)
        #expect(Language.negotiate(nil) == .english)
        #expect(Language.negotiate("ru;q=0, en") == .english)
    }
}
