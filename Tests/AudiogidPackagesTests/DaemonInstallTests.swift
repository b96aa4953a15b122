import AudiogidCore
import AudiogidPackages
import AudiogidStore
import AudiogidTestSupport
import Foundation
import Testing

/// The real daemon (silent: `--device none` keeps each clip's real duration) while packages are installed by
/// the real `audiogid install` and through its inbox.
@Suite(.timeLimit(.minutes(3)))
struct DaemonInstallTests {
    let fixture: PackageFixture
    let data: URL
    var socket: String { fixture.root.appendingPathComponent("control.sock").path }

    init() throws {
        fixture = try PackageFixture()
        data = fixture.root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data.appendingPathComponent("tours"), withIntermediateDirectories: true)
    }

    /// Version 1: stop 1 is the 12.1 s library clip. Version 2: the same file name holds the 9.7 s memorial clip.
    /// The installs pass --no-index: a `--device none` daemon measures no loudness, so the index would be unused work.
    func packages() throws -> (v1: URL, v2: URL) {
        let v1 = try fixture.pack(name: "dvor-1.audiogid")
        try fixture.writeTour(id: "dvor", version: "2", clips: ["01.ru.ogg": "03-memorial.ru.ogg"])
        let yaml = fixture.library.appendingPathComponent("tours/dvor/tour.yaml")
        try Data(String(contentsOf: yaml, encoding: .utf8).replacingOccurrences(of: "title: Ворота", with: "title: Ворота II").utf8).write(to: yaml)
        return (v1, try fixture.pack(name: "dvor-2.audiogid"))
    }

    func audiogid(_ arguments: [String]) async throws -> ProgramResult { try await PackageFixture.audiogid(arguments, in: fixture.root) }

    func ctl(_ words: String...) async throws -> ProgramResult { try await audiogid(["ctl", "--socket", socket] + words) }

    func startDaemon(_ extra: [String] = []) async throws -> RunningProgram {
        let daemon = try RunningProgram(audiogid: ["daemon", "--data", data.path, "--device", "none", "--socket", socket, "--tour", "dvor"] + extra)
        let answered = await poll(15) {
            if daemon.hasExited { return false }
            return (try? await ctl("status").status) == 0
        }
        try #require(answered, "the daemon did not start: \(daemon.stderr)")
        return daemon
    }

    @Test func installWhileTheDaemonPlaysFinishesTheClipAndPlaysTheNewVersionNext() async throws {
        let (v1, v2) = try packages()
        let first = try await audiogid(["install", v1.path, "--data", data.path, "--trusted-keys", fixture.trustedKeys.path, "--socket", socket, "--no-index"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("no daemon running"))
        let daemon = try await startDaemon()

        #expect(try await ctl("play", "1").status == 0)
        let second = try await audiogid(["install", v2.path, "--data", data.path, "--trusted-keys", fixture.trustedKeys.path, "--socket", socket, "--no-index"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("installed tour dvor version 2 (was 1); the daemon reloaded"))
        #expect(try await ctl("status").stdout.contains("state: play"))

        // The 12.1 s clip of version 1 plays to its end: it was not cut, nor swapped for version 2's.
        #expect(await poll(30) { (try? await ctl("status").stdout.contains("state: stop")) == true })
        #expect(try await ctl("play", "1").status == 0)
        #expect(try await ctl("currentsong").stdout.contains("Title: Ворота II"))
        #expect(try await ctl("stop").status == 0)
        _ = await daemon.stop(SIGTERM)

        let plays = try KioskStore(readingOnly: data.appendingPathComponent(KioskStore.fileName).path).plays()
        try #require(plays.count == 2)
        #expect(plays[0].outcome == "finished")
        #expect(abs((plays[0].secondsHeard ?? 0) - 12.09) < 0.3, "\(plays[0])")
        #expect(plays[1].stopNumber == 1 && plays[1].outcome == "interrupted")
    }

    @Test func theInboxInstallsGoodPackagesAndFilesAwayBadOnes() async throws {
        let (v1, v2) = try packages()
        let installer = TourInstaller(dataDirectory: data, trust: fixture.trust)
        _ = try await PackageFixture.onThread { try installer.install(v1) }
        let inbox = fixture.root.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let config = fixture.root.appendingPathComponent("kiosk.yaml")
        try Data("packages:\n  inbox: inbox\n  trusted_keys: \(fixture.trustedKeys.path)\n".utf8).write(to: config)
        let daemon = try await startDaemon(["--config", config.path])

        // Arrives as rsync delivers: a hidden temporary name, then one rename.
        try FileManager.default.copyItem(at: v2, to: inbox.appendingPathComponent(".dvor-2.audiogid.tmp"))
        try FileManager.default.moveItem(at: inbox.appendingPathComponent(".dvor-2.audiogid.tmp"), to: inbox.appendingPathComponent("dvor-2.audiogid"))
        let done = inbox.appendingPathComponent("done/dvor-2.audiogid.txt")
        #expect(await poll(20) { FileManager.default.fileExists(atPath: done.path) })
        #expect(try String(contentsOf: done, encoding: .utf8).contains("installed tour dvor version 2 (was 1)"))
        #expect(!FileManager.default.fileExists(atPath: inbox.appendingPathComponent("dvor-2.audiogid").path))
        #expect(try await ctl("playlistinfo").stdout.contains("Title: Ворота II"))

        // Version 1 again: older than what the kiosk trusts.
        try FileManager.default.copyItem(at: v1, to: inbox.appendingPathComponent("dvor-1.audiogid"))
        let refused = inbox.appendingPathComponent("refused/dvor-1.audiogid.txt")
        #expect(await poll(20) { FileManager.default.fileExists(atPath: refused.path) })
        #expect(try String(contentsOf: refused, encoding: .utf8).contains("older than version 2"))
        #expect(FileManager.default.fileExists(atPath: inbox.appendingPathComponent("refused/dvor-1.audiogid").path))
        #expect(try await ctl("status").status == 0)
        let log = daemon.stderr + daemon.stdout
        _ = await daemon.stop(SIGTERM)
        #expect(log.contains("package installed") && log.contains("package refused"), "\(log)")
    }
}

/// Waits for `condition` with a deadline, looking every 50 ms; false if it never held.
func poll(_ seconds: Double, _ condition: () async -> Bool) async -> Bool {
    await Wait.until(seconds, every: .milliseconds(50), condition)
}
