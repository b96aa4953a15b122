import AudiogidCore
import AudiogidManifest
import AudiogidPackages
import Foundation
import Testing

/// kiosk.yaml's `packages:` section, read with the strict rules of the rest of the file.
@Suite(.timeLimit(.minutes(3)))
struct PackageSettingsTests {
    func read(_ text: String) throws -> (PackageSettings, [Finding]) {
        PackageSettingsReader.read(try YAMLDocument(text: text, file: "/etc/audiogid/kiosk.yaml"))
    }

    @Test func readsEveryKeyWithPathsBesideTheFile() throws {
        let (settings, findings) = try read("""
            tour: moyo-selo
            packages:
              inbox: inbox
              trusted_keys: /srv/keys
              require_signature: false
              limits: {max_entries: 50, max_total_mb: 100, max_file_mb: 10, max_ratio: 2}
            """)
        #expect(findings.isEmpty)
        #expect(settings.inbox == "/etc/audiogid/inbox")
        #expect(settings.trustedKeys == "/srv/keys")
        #expect(!settings.requireSignature)
        #expect(settings.limits == PackageLimits(maxEntries: 50, maxTotalBytes: 100 << 20, maxFileBytes: 10 << 20, maxCompressionRatio: 2))
    }

    @Test func defaultsWithoutTheSection() throws {
        let (settings, findings) = try read("tour: moyo-selo\n")
        #expect(findings.isEmpty)
        #expect(settings == PackageSettings())
        #expect(settings.trustedKeys == "/etc/audiogid/trusted-keys" && settings.requireSignature && settings.inbox == nil)
    }

    @Test func mistakesAreErrorsAtTheirLine() throws {
        let (_, findings) = try read("packages:\n  inbx: /x\n  require_signature: maybe\n  limits: {max_ratio: 0}\n")
        #expect(findings.map(\.location.line) == [2, 3, 4])
        #expect(findings[0].message.contains("did you mean 'inbox'"))
    }
}
