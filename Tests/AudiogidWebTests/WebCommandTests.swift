import AudiogidMessages
import AudiogidTestSupport
import Foundation
import Testing

/// `audiogid web` and `audiogid passwd` through the built binary, and the page's systemd unit.
@Suite(.timeLimit(.minutes(3)))
struct WebCommandTests {
    func folder(with config: String) throws -> URL {
        let folder = URL(fileURLWithPath: "/tmp/agw-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try config.write(to: folder.appendingPathComponent("kiosk.yaml"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func withNoUsersThePageRefusesToStartAndSaysHowToAddOne() throws {
        let folder = try folder(with: "tour: moyo-selo\nweb:\n  listen: \"127.0.0.1:0\"\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try BuiltTool.run(["web", "--config", folder.appendingPathComponent("kiosk.yaml").path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no default password"))
        #expect(result.stderr.contains("audiogid passwd --user NAME --role staff"))
    }

    @Test func aPasswordWrittenInPlainIsAnErrorWithItsLine() throws {
        let folder = try folder(with: "tour: moyo-selo\nweb:\n  users:\n    anna: {password: hunter22, role: staff}\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("kiosk.yaml").path
        let web = try BuiltTool.run(["web", "--config", path])
        #expect(web.status == 2)
        #expect(web.stderr.contains("kiosk.yaml:4:") && web.stderr.contains("web.users.anna.password: must be a bcrypt hash"))
        let check = try BuiltTool.run(["check-config", path])
        #expect(check.status == 1)
        #expect(check.stdout.contains("web.users.anna.password"))
    }

    @Test func passwdRefusesAShortPassword() throws {
        let result = try BuiltTool.run(["passwd", "--user", "anna", "--stdin"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("at least 8 characters"))
        #expect(!result.stdout.contains("$2b$"))
    }

    @Test func theUnitFilePassesSystemdsCheck() throws {
        let unit = try String(contentsOf: BuiltTool.packageRoot.appendingPathComponent("systemd/audiogid-web.service"), encoding: .utf8)
        let folder = try folder(with: "")
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("audiogid-web.service")
        try unit.replacingOccurrences(of: "/usr/local/bin/audiogid", with: BuiltTool.executable.path).write(to: copy, atomically: true, encoding: .utf8)
        let verify = try BuiltTool.runProgram(URL(fileURLWithPath: "/usr/bin/systemd-analyze"), ["verify", copy.path])
        #expect(verify.status == 0 && verify.stderr.isEmpty, "\(verify.stderr)")
    }
}
