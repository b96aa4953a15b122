import AudiogidPackages
import Foundation
import Testing

/// Keys and signatures checked against Debian's real `minisign`, both ways.
@Suite(.timeLimit(.minutes(3)))
struct MinisignCompatibilityTests {
    let fixture: PackageFixture
    init() throws { fixture = try PackageFixture() }

    var folder: URL { fixture.root }

    @Test func minisignVerifiesWhatWeSign() async throws {
        let file = folder.appendingPathComponent("note.txt")
        try Data("a tour manifest\n".utf8).write(to: file)
        let signature = MinisignSignature.sign([UInt8](try Data(contentsOf: file)), with: fixture.key, trustedComment: "tour:dvor\tversion:1")
        try Data(signature.fileText.utf8).write(to: folder.appendingPathComponent("note.txt.minisig"))
        let result = try await PackageFixture.run("/usr/bin/minisign", ["-V", "-P", fixture.key.publicKey.base64, "-m", file.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Trusted comment: tour:dvor\tversion:1"))

        // One byte changed: minisign refuses too.
        try Data("a tour manifesT\n".utf8).write(to: file)
        #expect(try await PackageFixture.run("/usr/bin/minisign", ["-V", "-P", fixture.key.publicKey.base64, "-m", file.path]).status != 0)
    }

    @Test func weVerifyWhatMinisignSignsAndSignWithItsUnencryptedKey() async throws {
        let generated = try await PackageFixture.run("/usr/bin/minisign", ["-G", "-W", "-p", "m.pub", "-s", "m.key"], in: folder)
        #expect(generated.status == 0, "\(generated.stderr)")
        let file = folder.appendingPathComponent("data.bin")
        try Data((0..<5000).map { UInt8($0 % 251) }).write(to: file)
        let signed = try await PackageFixture.run("/usr/bin/minisign", ["-S", "-s", "m.key", "-m", "data.bin", "-t", "tour:x\tversion:2"], in: folder)
        #expect(signed.status == 0, "\(signed.stderr)")

        let publicKey = try MinisignPublicKey.read(from: folder.appendingPathComponent("m.pub"))
        let signature = try MinisignSignature(text: String(contentsOf: folder.appendingPathComponent("data.bin.minisig"), encoding: .utf8), source: "data.bin.minisig")
        try signature.verify([UInt8](try Data(contentsOf: file)), with: publicKey)
        #expect(signature.trustedFields["version"] == "2")
        #expect(throws: MinisignError.self) { try signature.verify([UInt8](Data("other".utf8)), with: publicKey) }

        // minisign's secret key, read by us, signs what minisign then verifies.
        let secret = try MinisignSecretKey(text: String(contentsOf: folder.appendingPathComponent("m.key"), encoding: .utf8), source: "m.key") {
            Issue.record("an unencrypted key must not ask for a password")
            return ""
        }
        #expect(secret.publicKey == publicKey)
        let ours = MinisignSignature.sign([UInt8](try Data(contentsOf: file)), with: secret, trustedComment: "ours")
        try Data(ours.fileText.utf8).write(to: folder.appendingPathComponent("data.bin.minisig"))
        let verified = try await PackageFixture.run("/usr/bin/minisign", ["-V", "-p", "m.pub", "-m", "data.bin"], in: folder)
        #expect(verified.status == 0, "\(verified.stderr)")
    }

    /// A key made by `minisign -G` with the password "korova" (Fixtures/korova.key; made once, since minisign's scrypt
    /// takes 1 GiB and seconds) decrypts here; a wrong password is refused.
    @Test func minisignEncryptedKeyWithPassword() async throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        let text = try String(contentsOf: fixtures.appendingPathComponent("korova.key"), encoding: .utf8)
        #expect(try MinisignSecretKey.isEncrypted(text: text, source: "korova.key"))
        // scrypt with 1 GiB holds a CPU for seconds: on a thread of its own, not the test pool's.
        let secret = try await PackageFixture.onThread { try MinisignSecretKey(text: text, source: "korova.key") { "korova" } }
        #expect(secret.publicKey == (try MinisignPublicKey.read(from: fixtures.appendingPathComponent("korova.pub"))))
        // What it signs, minisign verifies with the key's public half.
        try Data("signed with a minisign key\n".utf8).write(to: folder.appendingPathComponent("m.txt"))
        let signature = MinisignSignature.sign([UInt8](Data("signed with a minisign key\n".utf8)), with: secret, trustedComment: "k")
        try Data(signature.fileText.utf8).write(to: folder.appendingPathComponent("m.txt.minisig"))
        let verified = try await PackageFixture.run("/usr/bin/minisign", ["-V", "-p", fixtures.appendingPathComponent("korova.pub").path,
                                                                          "-m", "m.txt"], in: folder)
        #expect(verified.status == 0, "\(verified.stderr)")
        // A wrong password, on a key of the same format at a light scrypt cost (the file carries the cost).
        let light = MinisignSecretKey.generate().fileText(password: "korova", cost: .light)
        #expect(throws: MinisignError("light.key: wrong password for this secret key")) {
            _ = try MinisignSecretKey(text: light, source: "light.key") { "koza" }
        }
    }

    /// Our keygen's files, encrypted and not, are used by minisign to sign, and our public key verifies it.
    @Test func minisignSignsWithOurKeys() async throws {
        let key = MinisignSecretKey.generate()
        try Data(key.fileText(password: nil).utf8).write(to: folder.appendingPathComponent("plain.key"))
        // At a light scrypt cost: minisign takes the cost from the file, as it does its own keys'.
        let locked = key.fileText(password: "sekret", cost: .light)
        try Data(locked.utf8).write(to: folder.appendingPathComponent("locked.key"))
        try Data(key.publicKey.fileText.utf8).write(to: folder.appendingPathComponent("ours.pub"))
        try Data("hello\n".utf8).write(to: folder.appendingPathComponent("f.txt"))

        let plain = try await PackageFixture.run("/usr/bin/minisign", ["-S", "-W", "-s", "plain.key", "-m", "f.txt"], in: folder)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(try await PackageFixture.run("/usr/bin/minisign", ["-V", "-p", "ours.pub", "-m", "f.txt"], in: folder).status == 0)

        try FileManager.default.removeItem(at: folder.appendingPathComponent("f.txt.minisig"))
        let signedLocked = try await PackageFixture.shell("printf 'sekret\\n' | minisign -S -s locked.key -m f.txt", in: folder)
        #expect(signedLocked.status == 0, "\(signedLocked.stderr)")
        let signature = try MinisignSignature(text: String(contentsOf: folder.appendingPathComponent("f.txt.minisig"), encoding: .utf8), source: "sig")
        try signature.verify([UInt8](Data("hello\n".utf8)), with: key.publicKey)
    }

    @Test func aChangedTrustedCommentIsRefused() async throws {
        let data = [UInt8]("manifest".utf8)
        let signature = MinisignSignature.sign(data, with: fixture.key, trustedComment: "tour:dvor\tversion:1")
        let forged = signature.fileText.replacingOccurrences(of: "version:1", with: "version:9")
        let parsed = try MinisignSignature(text: forged, source: "forged")
        #expect(throws: MinisignError("the trusted comment was changed after signing")) { try parsed.verify(data, with: fixture.key.publicKey) }
    }
}
