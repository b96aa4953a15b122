import AudiogidPackages
import Foundation
import AudiogidTestSupport
import Testing

/// keygen, pack, verify and list through the built `audiogid`, as staff and technicians type them.
@Suite(.timeLimit(.minutes(3)))
struct PackageCommandTests {
    let fixture: PackageFixture
    init() throws { fixture = try PackageFixture() }

    func audiogid(_ arguments: String...) async throws -> ProgramResult {
        try await PackageFixture.audiogid(arguments, in: fixture.root)
    }

    @Test func keygenPackVerifyAndList() async throws {
        let made = try await audiogid("keygen", "--secret-key", "staff.key", "--public-key", "keys/staff.pub")
        #expect(made.status != 0, "keygen wrote into a folder that does not exist")
        #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("staff.key").path), "half a key pair was left")
        try FileManager.default.createDirectory(at: fixture.root.appendingPathComponent("keys"), withIntermediateDirectories: true)
        let keygen = try await audiogid("keygen", "--secret-key", "staff.key", "--public-key", "keys/staff.pub")
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: fixture.root.appendingPathComponent("staff.key").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try await audiogid("keygen", "--secret-key", "staff.key", "--public-key", "keys/staff.pub")
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists; pass --force"))

        let pack = try await audiogid("pack", fixture.tourFolder(), "--key", "staff.key", "-o", "dvor.audiogid")
        #expect(pack.status == 0, "\(pack.stderr)")
        #expect(pack.stdout.contains("tour dvor version 1, 5 files"))
        let verify = try await audiogid("verify", "dvor.audiogid", "--trusted-keys", "keys")
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("ok, tour dvor version 1"))
        let stranger = try await audiogid("verify", "dvor.audiogid", "--public-key", fixture.trustedKeys.appendingPathComponent("staff.pub").path)
        #expect(stranger.status == 1)
        #expect(stranger.stderr.contains("which is not trusted"))
        #expect(try await audiogid("verify", "dvor.audiogid").status == 2)  // neither --public-key nor --trusted-keys

        try FileManager.default.createDirectory(at: fixture.root.appendingPathComponent("data"), withIntermediateDirectories: true)
        let install = try await audiogid("install", "dvor.audiogid", "--data", "data", "--trusted-keys", "keys", "--socket", "none.sock")
        #expect(install.status == 0, "\(install.stderr)")
        let list = try await audiogid("list", "--data", "data", "--format", "json")
        let installed = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(installed?.first?["id"] as? String == "dvor")
        #expect(installed?.first?["version"] as? String == "1")
        #expect((installed?.first?["signer"] as? String)?.count == 16)
        #expect(try await audiogid("validate", "data/tours/dvor").status == 0)
    }

    @Test func packRefusesATourWithErrorsAndPrintsTheFindings() async throws {
        try FileManager.default.removeItem(at: fixture.library.appendingPathComponent("audio/dvor/01.en.ogg"))
        try Data(fixture.key.fileText(password: nil).utf8).write(to: fixture.root.appendingPathComponent("k.key"))
        let pack = try await audiogid("pack", fixture.tourFolder(), "--key", "k.key")
        #expect(pack.status == 1)
        #expect(pack.stderr.contains("tour.yaml:") && pack.stderr.contains("01.en.ogg"))
        #expect(pack.stderr.contains("the tour does not validate; nothing was packed"))
        #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("dvor-1.audiogid").path))
    }

    @Test func packAsksForAnEncryptedKeysPassword() async throws {
        try Data(fixture.key.fileText(password: "pw", cost: .light).utf8).write(to: fixture.root.appendingPathComponent("k.key"))
        let good = try await PackageFixture.shell("echo pw | \(executable) pack \(fixture.tourFolder()) --key k.key -o a.audiogid", in: fixture.root)
        #expect(good.status == 0, "\(good.stderr)")
        let bad = try await PackageFixture.shell("echo nope | \(executable) pack \(fixture.tourFolder()) --key k.key -o b.audiogid", in: fixture.root)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("wrong password"))
    }

    var executable: String { BuiltTool.executable.path }
}
