@testable import AudiogidControl
import AudiogidPOSIX
import AudiogidCore
import AudiogidStore
import AudiogidTestSupport
import Foundation
import Testing
@testable import AudiogidKiosk
#if canImport(Glibc)
import Glibc
#endif

/// The built `audiogid` executable: `daemon` as a real process, driven through `ctl` and its socket.
let executable = BuiltTool.executable.path

/// A daemon process on a temp data folder, silent (`--device none`). Every wait on it suspends with a
/// deadline: its socket answering, its exit (an event), a `ctl` client finishing.
final class DaemonProcess: @unchecked Sendable {
    let folder: URL
    let program: RunningProgram
    var process: Process { program.process }
    var socket: String { folder.appendingPathComponent("control.sock").path }

    init(folder: URL, arguments: [String] = [], environment: [String: String] = [:]) throws {
        self.folder = folder
        program = try RunningProgram(URL(fileURLWithPath: executable),
                                     ["daemon", "--data", folder.path, "--device", "none",
                                      "--socket", folder.appendingPathComponent("control.sock").path] + arguments,
                                     environment: environment)
    }

    /// Waits until the socket answers; false when the process died first or `seconds` passed.
    func ready(within seconds: Double = 15) async -> Bool {
        await Wait.until(seconds) { !program.hasExited && (try? ControlClient(address: socket)) != nil }
    }

    func ctl(_ words: String...) async throws -> ProcessResult {
        try await runToEnd(executable, ["ctl", "--socket", socket] + words)
    }

    var output: String { program.stdout + program.stderr }

    func kill9() async { await program.stop(SIGKILL) }

    func terminate() async { await program.stop(SIGTERM) }
}

@Suite(.timeLimit(.minutes(3))) struct DaemonProcessTests {
    @Test func ctlPlaysStopsOnTheDaemonAndSaysHowToStartOne() async throws {
        let folder = try makeDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let noDaemon = try await runToEnd(executable, ["ctl", "--socket", folder.appendingPathComponent("none.sock").path, "status"])
        #expect(noDaemon.status == 3)
        #expect(noDaemon.error.contains("audiogid daemon"))

        let daemon = try DaemonProcess(folder: folder)
        #expect(await daemon.ready(), "daemon did not start: \(daemon.output)")
        #expect(try await daemon.ctl("play", "3").status == 0)
        // Paused at once: a paused clip cannot end by itself, so SIGTERM below finds it playing however slowly
        // a loaded machine runs the rest of the test (the silent speaker keeps the clip's real 9.7 s).
        #expect(try await daemon.ctl("pause").status == 0)
        let status = try await daemon.ctl("status")
        #expect(status.output.contains("state: pause"))
        #expect(status.output.contains("stop: 3"))
        #expect(try await daemon.ctl("lang", "zh").status == 0)
        #expect(try await daemon.ctl("volume", "40").status == 0)
        #expect(try await daemon.ctl("volume", "+10").status == 0)
        #expect(try await daemon.ctl("status").output.contains("volume: 50"))
        let refused = try await daemon.ctl("play", "42")
        #expect(refused.status == 1)
        #expect(refused.error.contains("no stop 42"))
        // A second daemon on the same socket is refused and leaves the first running.
        let second = try DaemonProcess(folder: folder)
        #expect(await second.program.exited(within: 15).map { $0 != 0 } == true)
        #expect(second.output.contains("in use by a running daemon"))
        #expect(try await daemon.ctl("status").status == 0)

        await daemon.terminate()
        #expect(daemon.process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socket))
        // The database was closed: the WAL checkpointed into the file and removed.
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(KioskStore.fileName + "-wal").path))
        let store = try KioskStore(readingOnly: folder.appendingPathComponent(KioskStore.fileName).path)
        let plays = try store.plays()
        #expect(plays.count == 1)
        #expect(plays[0].outcome == "interrupted")  // SIGTERM ends the play and logs it
        #expect(plays[0].secondsHeard ?? 0 > 0)
    }

    /// kill -9 mid-play, over and over: every play the socket acknowledged is in the log, and the saved
    /// language and volume come back. Each round talks over one connection, as `ctl` would but without a
    /// process per command: a round ends in a fraction of a second, well inside the shortest clip.
    @Test func killNineMidPlayLosesNothingAcknowledged() async throws {
        let folder = try makeDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var acknowledged: [Int] = []
        for round in 0..<6 {
            let daemon = try DaemonProcess(folder: folder)
            #expect(await daemon.ready(), "round \(round): \(daemon.output)")
            let client = try ControlClient(address: daemon.socket)
            if round > 0 {
                let status = try client.send("status")
                #expect(status.value("volume") == "\(30 + round - 1)", "volume not restored in round \(round)")
                #expect(status.value("language") == (round % 2 == 1 ? "zh" : "en"))
            }
            #expect(try client.send("setvol \(30 + round)").ok)
            #expect(try client.send("language \(round % 2 == 0 ? "zh" : "en")").ok)
            for number in [1, 2, 3].shuffled() {
                if try client.send("playstop \(number)").ok { acknowledged.append(number) }
            }
            await daemon.kill9()
        }
        let store = try KioskStore(path: folder.appendingPathComponent(KioskStore.fileName).path)
        #expect(try store.closeOpenPlays() == 1)  // the play cut by the last kill, as the next start-up would
        let plays = try store.plays()
        #expect(plays.map(\.stopNumber) == acknowledged)
        #expect(plays.allSatisfy { $0.outcome == "interrupted" })  // the open ones were closed at each restart
        #expect(plays.filter { $0.secondsHeard == nil }.count == 6)  // one cut off by each kill
        let check = try store.integrityCheck()
        #expect(check == "ok")
    }

    @Test func aBrokenConfigIsReportedWithFileAndLineAndTheDaemonDoesNotStart() async throws {
        let folder = try makeDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("kiosk.yaml")
        try "tour: moyo-selo\nsame_button: twice\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try await runToEnd(executable, ["daemon", "--config", config.path, "--data", folder.path, "--socket",
                                          folder.appendingPathComponent("c.sock").path])
        #expect(result.status == 2)
        #expect(result.error.contains("\(config.path):2:14: error: same_button: must be one of stop, restart, found 'twice'"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("c.sock").path))
    }

    @Test func sighupReloadsAndTellsSystemdItIsReady() async throws {
        let folder = try makeDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notify = folder.appendingPathComponent("notify.sock").path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = try Socket.unixAddress(notify)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        /// The next notification, read without blocking between short suspensions; "" if none came within `seconds`.
        func message(within seconds: Double = 15) async -> String {
            var text = ""
            _ = await Wait.until(seconds) {
                var buffer = [UInt8](repeating: 0, count: 256)
                let count = recv(fd, &buffer, 256, Int32(MSG_DONTWAIT))
                guard count >= 0 else { return false }
                text = String(decoding: buffer[..<count], as: UTF8.self)
                return true
            }
            return text
        }
        let config = folder.appendingPathComponent("kiosk.yaml")
        try "volume: 40\n".write(to: config, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(folder: folder, arguments: ["--config", config.path],
                                       environment: ["NOTIFY_SOCKET": notify, "WATCHDOG_USEC": "400000"])
        #expect(await message().hasPrefix("READY=1"))
        #expect(await message() == "WATCHDOG=1")
        // From here the test stops reading for a while: the full notify socket must not stall the daemon.
        #expect(try await daemon.ctl("play", "2").status == 0)
        try "volume: 25\nvolume_cap: 30\n".write(to: config, atomically: true, encoding: .utf8)
        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(await eventually { (try? await daemon.ctl("status").output.contains("volume: 30")) == true })
        #expect(try await daemon.ctl("status").output.contains("stop: 2"))  // the clip was not cut
        // A broken config on reload is refused; the daemon keeps running the old one.
        try "volume_cap: loud\n".write(to: config, atomically: true, encoding: .utf8)
        let reload = try await daemon.ctl("reload")
        #expect(reload.status == 1)
        #expect(reload.error.contains("volume_cap"))
        #expect(try await daemon.ctl("status").output.contains("volume: 30"))
        // Reading again from here on: the queue (10 datagrams) is full of watchdog pings by now, and the daemon,
        // which never blocks on it, would drop STOPPING=1 into a full one.
        while await !message(within: 0).isEmpty {}
        kill(daemon.process.processIdentifier, SIGTERM)
        let sawStopping = await Wait.until(15) {
            while true {
                let text = await message(within: 0)
                if text.isEmpty { return false }
                if text == "STOPPING=1" { return true }
            }
        }
        #expect(sawStopping)
        await daemon.terminate()
        #expect(daemon.process.terminationStatus == 0)
    }
}

@Suite(.timeLimit(.minutes(3))) struct SystemdUnitTests {
    /// The shipped unit is valid for systemd (checked with the built binary in place of /usr/local/bin/audiogid)
    /// and declares what the kiosk relies on.
    @Test func theUnitVerifiesAndAsksForNotifyAndTheWatchdog() async throws {
        let unit = try String(contentsOf: repositoryRoot.appendingPathComponent("systemd/audiogid.service"), encoding: .utf8)
        for line in ["Type=notify", "WatchdogSec=", "Restart=on-failure", "ProtectSystem=strict", "StateDirectory=audiogid",
                     "RuntimeDirectory=audiogid", "SupplementaryGroups=audio gpio dialout", "ExecReload=/bin/kill -HUP $MAINPID"] {
            #expect(unit.contains(line), "missing \(line)")
        }
        let folder = URL(fileURLWithPath: "/tmp/agk-unit-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("audiogid.service")
        try unit.replacingOccurrences(of: "/usr/local/bin/audiogid", with: executable).write(to: copy, atomically: true, encoding: .utf8)
        let verify = try await runToEnd("/usr/bin/systemd-analyze", ["verify", copy.path])
        #expect(verify.status == 0 && verify.error.isEmpty, "\(verify.error)")  // it warns on stderr, exit 0
    }
}

@Suite(.timeLimit(.minutes(3))) struct DaemonProcessAbuseTests {
    /// Many clients at once and garbage on the socket, against the real process: it answers throughout and after.
    @Test func concurrentClientsAndBadInputNeverStopTheDaemon() async throws {
        let folder = try makeDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("kiosk.yaml")
        try "same_button: restart\n".write(to: config, atomically: true, encoding: .utf8)  // every OK'd playstop starts a play
        let daemon = try DaemonProcess(folder: folder, arguments: ["--config", config.path])
        #expect(await daemon.ready(), "\(daemon.output)")
        let socket = daemon.socket
        let garbage: [[UInt8]] = [Array(repeating: 0x41, count: 9000), [0xff, 0xfe, 0x0a], Array("\"\"\"\n".utf8),
                                  Array("command_list_begin\nstatus\n".utf8), [0, 0, 0, 10], Array("idle\nstatus\n".utf8)]
        for bytes in garbage {
            let fd = try Socket.connectUnix(socket)
            _ = Socket.sendAll(fd, bytes)
            close(fd)
        }
        let acknowledged = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0 ..< 8 {
                group.addTask {
                    let client = try ControlClient(address: socket)
                    var plays = 0
                    for step in 0 ..< 40 {
                        let line = ["playstop \((worker + step) % 7 + 1)", "status", "bogus", "language next",
                                    "setvol \(step)", "playlistinfo", "stop", "playstop 99"][step % 8]
                        let reply = try client.send(line)
                        if line.hasPrefix("playstop") && reply.ok { plays += 1 }
                    }
                    return plays
                }
            }
            var total = 0
            for try await plays in group { total += plays }
            return total
        }
        #expect(acknowledged > 0)
        #expect(daemon.process.isRunning)
        #expect(try await daemon.ctl("status").status == 0)
        await daemon.terminate()
        let store = try KioskStore(readingOnly: folder.appendingPathComponent(KioskStore.fileName).path)
        #expect(try store.playCount() == acknowledged)
    }
}

@Suite(.timeLimit(.minutes(3))) struct StatsAndStoreProcessTests {
    @Test func statsReadsTheDaemonsLogAsTableCSVJSONAndSVG() async throws {
        let folder = try makeDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let daemon = try DaemonProcess(folder: folder)
        #expect(await daemon.ready(), "\(daemon.output)")
        for words in [["play", "1"], ["lang", "zh"], ["play", "2"], ["play", "1"], ["stop"]] {
            #expect(try await runToEnd(executable, ["ctl", "--socket", daemon.socket] + words).status == 0)
        }
        await daemon.terminate()
        let database = folder.appendingPathComponent(KioskStore.fileName).path
        let table = try await runToEnd(executable, ["stats", "--data", folder.path])
        #expect(table.status == 0)
        #expect(table.output.hasPrefix("Plays (all): 3, completed 0%"))
        let csv = try await runToEnd(executable, ["stats", "--db", database, "--format", "csv"]).output.split(separator: "\n")
        #expect(csv.contains { $0.hasPrefix("stop,1 library,2,0,2,0.0000,") })  // two plays, both cut short
        #expect(csv.contains { $0.hasPrefix("language,ru,1,") } && csv.contains { $0.hasPrefix("language,zh,2,") })
        #expect(csv.contains { $0.hasPrefix("source,socket,3,") })
        let json = try await runToEnd(executable, ["stats", "--db", database, "--format", "json", "--from", "2000-01-01"])
        let decoded = try JSONDecoder().decode(PlayStatistics.self, from: Data(json.output.utf8))
        #expect(decoded.total.plays == 3 && decoded.from == "2000-01-01")
        let svgPath = folder.appendingPathComponent("plays.svg").path
        #expect(try await runToEnd(executable, ["stats", "--db", database, "--format", "svg", "-o", svgPath]).status == 0)
        #expect(try String(contentsOfFile: svgPath, encoding: .utf8).hasPrefix("<svg"))
        let future = try await runToEnd(executable, ["stats", "--db", database, "--from", "2999-01-01"])
        #expect(future.output.hasPrefix("Plays from 2999-01-01: 0"))
        let badDate = try await runToEnd(executable, ["stats", "--db", database, "--from", "yesterday"])
        #expect(badDate.status == 1 && badDate.error.contains("YYYY-MM-DD"))
        #expect(try await runToEnd(executable, ["stats", "--db", folder.appendingPathComponent("none.sqlite").path]).status == 1)
        #expect(try await runToEnd(executable, ["stats", "--db", database, "--format", "pdf"]).status != 0)
    }

    @Test func aDatabaseThatCannotBeOpenedStillLetsTheKioskPlay() async throws {
        let folder = try makeDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A folder where the database file should be: SQLite cannot open it, as with a broken card.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(KioskStore.fileName), withIntermediateDirectories: true)
        let daemon = try DaemonProcess(folder: folder)
        #expect(await daemon.ready(), "\(daemon.output)")
        #expect(try await daemon.ctl("play", "2").status == 0)
        let status = try await daemon.ctl("status").output
        #expect(status.contains("state: play") && status.contains("stop: 2"))
        await daemon.terminate()
        #expect(daemon.output.split(separator: "\n").contains { $0.contains(" critical ") && $0.contains("database not usable") && $0.contains("reason=") })
    }
}

@Suite(.timeLimit(.minutes(3))) struct DaemonConfigurationProcessTests {
    @Test func ctlReachesATCPPortWithAPassword() async throws {
        let folder = try makeDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = Int.random(in: 20000 ... 40000)
        let config = folder.appendingPathComponent("kiosk.yaml")
        try """
            control:
              tcp: {port: \(port)}
              passwords: [{password: guide, permissions: [read, control]}]
            """.write(to: config, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(folder: folder, arguments: ["--config", config.path])
        #expect(await daemon.ready(), "\(daemon.output)")
        let address = "127.0.0.1:\(port)"
        let anonymous = try await runToEnd(executable, ["ctl", "--socket", address, "play", "2"])
        #expect(anonymous.status == 1 && anonymous.error.contains("ACK [4@0]"))
        let wrong = try await runToEnd(executable, ["ctl", "--socket", address, "--password", "nope", "play", "2"])
        #expect(wrong.status == 1 && wrong.error.contains("incorrect password"))
        #expect(try await runToEnd(executable, ["ctl", "--socket", address, "--password", "guide", "play", "2"]).status == 0)
        let reload = try await runToEnd(executable, ["ctl", "--socket", address, "--password", "guide", "reload"])
        #expect(reload.status == 1)  // admin only
        #expect(try await daemon.ctl("status").output.contains("stop: 2"))
        await daemon.terminate()
    }

    @Test func aMissingIdlePromptClipStopsTheStartWithTheKeyNamed() async throws {
        let folder = try makeDataFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("kiosk.yaml")
        try "idle_prompt: {after_minutes: 5, clip: {ru: system/prompt.ru.ogg}}\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try await runToEnd(executable, ["daemon", "--config", config.path, "--data", folder.path, "--device", "none",
                                          "--socket", folder.appendingPathComponent("c.sock").path])
        #expect(result.status == 1)
        #expect(result.error.contains("idle_prompt.clip.ru: system/prompt.ru.ogg is not a readable clip"))
    }
}
