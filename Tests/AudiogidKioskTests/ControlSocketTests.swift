@testable import AudiogidControl
import AudiogidPOSIX
import AudiogidCore
import Foundation
import Testing
@testable import AudiogidKiosk
#if canImport(Glibc)
import Glibc
#endif

/// The control socket's framing and robustness, over real unix and TCP sockets.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ControlSocketTests {
    @Test func greetingOkAndAckFraming() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        #expect(client.greeting == "OK MPD \(MPDSession.protocolVersion)")
        #expect(try client.send("ping") == ControlClient.Reply(lines: [], ack: nil))
        #expect(try client.send("frobnicate 1").ack == "ACK [5@0] {} unknown command \"frobnicate\"")
        #expect(try client.send("playstop 42").ack == "ACK [50@0] {playstop} no stop 42 in this tour")
        #expect(try client.send("setvol loud").ack == "ACK [2@0] {setvol} Integer expected: loud")
        #expect(try client.send("playstop \"unclosed").ack == "ACK [5@0] {} Missing closing '\"'")
        #expect(try client.send("ping").ok)  // the connection survives its errors
    }

    @Test func statusCarriesAudiogidFields() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        #expect(try client.send("playstop 5").ok)
        let status = try client.send("status")
        #expect(status.value("state") == "play")
        #expect(status.value("song") == "4")
        #expect(status.value("songid") == "5")
        #expect(status.value("stop") == "5")
        #expect(status.value("tour") == "moyo-selo")
        #expect(status.value("language") == "ru")
        #expect(status.value("device") == "none")
        #expect(status.value("underruns") == "0")
        let song = try client.send("currentsong")
        #expect(song.value("Title") == "Дом культуры")
        #expect(song.value("Track") == "5")
        #expect(song.value("Pos") == "4")
        #expect(Double(song.value("duration") ?? "") ?? 0 > 1)
    }

    @Test func languageSwitchFallsBackAndRetitlesTheQueue() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        let before = Int(try client.send("status").value("playlist")!)!
        #expect(try client.send("language en").ok)
        #expect(try client.send("playlistinfo 0").value("Title") == "The Library")
        #expect(Int(try client.send("status").value("playlist")!)! > before)
        #expect(try client.send("plchanges \(before)").lines.filter { $0.hasPrefix("file: ") }.count == 7)
        // Stop 5 (the club) has no English clip: the Russian one plays.
        #expect(try client.send("playstop 5").ok)
        #expect(try client.send("currentsong").value("file") == "moyo-selo/05-club.ru.ogg")
        #expect(try client.send("language de").ack?.hasPrefix("ACK [2@0] {language}") == true)
        #expect(try client.send("language next").ok)
        #expect(rig.kiosk.status.language == "ru")  // en → back to the first
    }

    @Test func commandListsAnswerOnceOrPerCommandAndStopAtTheFirstError() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        #expect(client.sendRaw(Array("command_list_ok_begin\nsetvol 30\nstatus\ncommand_list_end\n".utf8)))
        let okList = try client.readReply()
        #expect(okList.ok)
        #expect(okList.lines.filter { $0 == "list_OK" }.count == 2)
        #expect(okList.value("volume") == "30")
        #expect(client.sendRaw(Array("command_list_begin\nsetvol 40\nbogus\nsetvol 90\ncommand_list_end\n".utf8)))
        let failed = try client.readReply()
        #expect(failed.ack == "ACK [5@1] {} unknown command \"bogus\"")
        #expect(rig.kiosk.status.volume == 40)  // the command after the error did not run
    }

    @Test func anEndlessCommandListIsCutOff() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        let line = "status " + String(repeating: "x", count: 4000) + "\n"
        #expect(client.sendRaw(Array("command_list_begin\n".utf8)))
        var sent = 0
        while sent < 2 << 20, client.sendRaw(Array(line.utf8)) { sent += line.utf8.count }
        // 1 MiB holds 261 of these 4,008-byte lines: the 262nd (index 261) is refused and the connection closed.
        #expect(try client.readReply().ack == "ACK [2@261] {} command list too long")
        #expect(try rig.client().send("ping").ok)
    }

    @Test func idleReportsChangesFromBeforeAndNoidleEndsIt() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        _ = rig.kiosk.submit(.volume(.set(20)), source: .gpio)
        #expect(try client.send("idle").lines == ["changed: mixer"])
        #expect(client.sendRaw(Array("idle player\n".utf8)))
        #expect(client.sendRaw(Array("noidle\n".utf8)))
        #expect(try client.readReply() == ControlClient.Reply(lines: [], ack: nil))
        // A noidle racing an idle that already answered gets no reply: the next reply is the next command's.
        _ = rig.kiosk.submit(.volume(.set(25)), source: .gpio)
        #expect(try client.send("idle mixer").lines == ["changed: mixer"])
        #expect(client.sendRaw(Array("noidle\n".utf8)))
        #expect(try client.send("getvol").lines == ["volume: 25"])
    }

    @Test func overlongLinesAndInvalidUTF8() throws {
        let rig = try KioskRig()
        let bad = try rig.client()
        #expect(bad.sendRaw([0x73, 0x74, 0xff, 0xfe, 10]))
        #expect(try bad.readReply().ack == "ACK [2@0] {} invalid UTF-8 in command")
        #expect(try bad.send("ping").ok)
        // Inside a command list, a garbled line refuses the whole list: nothing of it runs.
        #expect(bad.sendRaw(Array("command_list_begin\nsetvol 11\n".utf8) + [0xc3, 0x28, 10] + Array("command_list_end\n".utf8)))
        #expect(try bad.readReply().ack == "ACK [2@1] {} invalid UTF-8 in command")
        #expect(rig.kiosk.status.volume == 70)
        #expect(try bad.send("ping").ok)
        let long = try rig.client()
        _ = long.sendRaw(Array(repeating: UInt8(ascii: "a"), count: 10_000))
        #expect(try long.readReply().ack == "ACK [2@0] {} line longer than 4096 bytes")
        #expect(throws: (any Error).self) { try long.send("ping") }  // closed
        #expect(try rig.client().send("status").ok)  // the kiosk carries on
    }

    @Test func aClientThatNeverReadsIsDroppedWithoutStallingOthers() async throws {
        let rig = try KioskRig()
        let socket = rig.socket
        // Flood: thousands of status requests whose replies are never read.
        let flooder = try Socket.connectUnix(socket)
        defer { close(flooder) }
        let flood = Array(String(repeating: "status\n", count: 50_000).utf8)
        let flooding = Task.detached { Socket.sendAll(flooder, flood) }
        // The others are timed once the flooder is a client the server is answering.
        #expect(await eventually(5) { rig.server.clientCount == 1 })
        let start = Date()
        for _ in 0..<20 { #expect(try rig.client().send("playstop 2").ok) }
        #expect(Date().timeIntervalSince(start) < 5)
        // Within the write timeout the flooder is dropped.
        #expect(await eventually(ControlConnection.writeTimeout + 5) { rig.server.clientCount == 0 })
        _ = await flooding.value
    }

    @Test func manyClientsAtOnce() async throws {
        let rig = try KioskRig()
        let socket = rig.socket
        try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    let client = try ControlClient(address: socket)
                    var ok = 0
                    for step in 0..<50 {
                        let line = ["playstop \((worker + step) % 7 + 1)", "status", "setvol \(step)", "stop", "playlistinfo"][step % 5]
                        if try client.send(line).ok { ok += 1 }
                    }
                    return ok
                }
            }
            var total = 0
            for try await ok in group { total += ok }
            #expect(total == 16 * 50)
        }
        #expect(try rig.client().send("status").ok)
    }

    /// No thread per client: 200 connected at once, each answered and each woken from `idle`, on the
    /// event loops that served the first one.
    @Test func twoHundredClientsAreServedByAFixedNumberOfThreads() throws {
        let rig = try KioskRig(control: ControlSettings(maxClients: 256))
        #expect(try rig.client().send("ping").ok)  // the event loops exist from here on
        let before = try threadCount()
        var clients: [ControlClient] = []
        for _ in 0..<200 { clients.append(try rig.client()) }
        for client in clients { #expect(try client.send("status").ok) }
        for client in clients { #expect(client.sendRaw(Array("idle mixer\n".utf8))) }
        _ = rig.kiosk.submit(.volume(.set(33)), source: .gpio)
        for client in clients { #expect(try client.readReply().lines == ["changed: mixer"]) }
        let after = try threadCount()
        #expect(rig.server.clientCount >= 200)
        // Other suites run alongside and may start a thread or two; a thread per client would add 200.
        #expect(after - before < 20, "\(before) threads before the 200 clients, \(after) with them")
    }

    /// Requests sent in one burst, mixing commands the kiosk carries out (off the event loop) with answers
    /// read from its state: every reply comes back, in request order.
    @Test func aPipelinedFloodIsAnsweredInRequestOrder() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        let rounds = 2000
        var burst = ""
        for step in 0..<rounds { burst += "setvol \(step % 101)\ngetvol\nping\n" }
        #expect(client.sendRaw(Array(burst.utf8)))
        for step in 0..<rounds {
            #expect(try client.readReply().ok)
            #expect(try client.readReply().lines == ["volume: \(step % 101)"])
            #expect(try client.readReply() == ControlClient.Reply(lines: [], ack: nil))
        }
        #expect(rig.kiosk.status.volume == (rounds - 1) % 101)
    }

    @Test func silentClientsTimeOutButIdleOnesStay() async throws {
        let rig = try KioskRig(control: ControlSettings(connectionTimeout: 1))
        let silent = try rig.client()
        let idle = try rig.client()
        #expect(idle.sendRaw(Array("idle player\n".utf8)))
        #expect(await eventually(5) { rig.server.clientCount == 1 })  // the silent one is gone
        #expect(throws: (any Error).self) { try silent.send("ping") }
        _ = rig.kiosk.submit(.play(.number(1)), source: .gpio)
        #expect(try idle.readReply().lines == ["changed: player"])
    }

    @Test func tooManyClientsAreTurnedAway() throws {
        let rig = try KioskRig(control: ControlSettings(maxClients: 2))
        let a = try rig.client(), b = try rig.client()
        #expect(throws: (any Error).self) { _ = try rig.client() }
        #expect(try a.send("ping").ok && b.send("ping").ok)
    }

    @Test func staleSocketIsReplacedButALiveOneIsRefused() throws {
        let rig = try KioskRig()
        #expect(throws: SystemCallError.self) { _ = try ControlServer.listenUnix(rig.socket) }
        let stale = rig.folder.appendingPathComponent("stale.sock").path
        let fd = try ControlServer.listenUnix(stale)
        close(fd)  // the file stays, nobody listens: as after kill -9
        #expect(FileManager.default.fileExists(atPath: stale))
        let again = try ControlServer.listenUnix(stale)
        close(again)
        var info = stat()
        stat(rig.socket, &info)
        #expect(info.st_mode & 0o777 == 0o660)
        let plain = rig.folder.appendingPathComponent("plain.txt").path
        _ = FileManager.default.createFile(atPath: plain, contents: Data("x".utf8))
        #expect(throws: SystemCallError.self) { _ = try ControlServer.listenUnix(plain) }
    }

    @Test func tcpWithPasswordsGrantsPermissions() throws {
        let control = ControlSettings(tcpPort: 0, passwords: [ControlPassword(password: "guide", permissions: [.read, .control]),
                                                              ControlPassword(password: "staff", permissions: Set(ControlPermission.allCases))])
        let rig = try KioskRig(control: control)
        let port = try #require(rig.server.tcpPort)
        let client = try ControlClient(address: "127.0.0.1:\(port)")
        #expect(try client.send("status").ok)
        #expect(try client.send("playstop 1").ack == "ACK [4@0] {playstop} you don't have permission for \"playstop\"")
        #expect(try client.send("password wrong").ack == "ACK [3@0] {password} incorrect password")
        #expect(try client.send("password guide").ok)
        #expect(try client.send("playstop 1").ok)
        #expect(try client.send("reload").ack?.hasPrefix("ACK [4@0]") == true)
        #expect(try client.send("password staff").ok)
        #expect(try client.send("reload").ok)
        let commands = try client.send("commands").lines
        #expect(commands.contains("command: playstop") && commands.contains("command: reload"))
        // The unix socket (guarded by its file mode) has every permission without a password.
        #expect(try rig.client().send("playstop 2").ok)
        // mpc with MPD's password@host form works over TCP too.
        #expect(try run("/usr/bin/mpc", ["--host", "guide@127.0.0.1", "--port", "\(port)", "play", "3"]).status == 0)
        #expect(rig.kiosk.status.state.play?.position == 2)
    }

    @Test func tcpBindsToLocalhostByName() throws {
        let (fd, port) = try ControlServer.listenTCP(address: "localhost", port: 0)
        defer { close(fd) }
        #expect(port > 0)
        #expect(throws: SystemCallError.self) { _ = try ControlServer.listenTCP(address: "kiosk.local", port: 0) }
    }

    @Test func ctlTranslatesVisitorWords() {
        #expect(ControlClient.protocolLine(forCtl: ["play", "3"]) == "playstop \"3\"")
        #expect(ControlClient.protocolLine(forCtl: ["lang", "zh"]) == "language \"zh\"")
        #expect(ControlClient.protocolLine(forCtl: ["volume", "40"]) == "setvol \"40\"")
        #expect(ControlClient.protocolLine(forCtl: ["volume", "+10"]) == "volume \"10\"")
        #expect(ControlClient.protocolLine(forCtl: ["volume", "-10"]) == "volume \"-10\"")
        #expect(ControlClient.protocolLine(forCtl: ["status"]) == "status")
    }

    @Test func requestQuotingFollowsMPD() throws {
        #expect(try MPDRequest(line: "playstop \"a b\" c") == MPDRequest(name: "playstop", arguments: ["a b", "c"]))
        #expect(try MPDRequest(line: "find \"say \\\"hi\\\"\" x\\y") == MPDRequest(name: "find", arguments: ["say \"hi\"", "x\\y"]))
        #expect(try MPDRequest(line: "\t status  ") == MPDRequest(name: "status"))
        #expect(throws: MPDError.self) { try MPDRequest(line: "  ") }
        #expect(throws: MPDError.self) { try MPDRequest(line: "a \"b\"c") }
        let request = MPDRequest(name: "language", arguments: ["z\"h"])
        #expect(try MPDRequest(line: request.line) == request)
    }
}

@Suite(.timeLimit(.minutes(3))) struct ClientHandshakeTests {
    /// What phone apps and home-automation clients send on connect: answered, not ACKed as unknown.
    @Test func whatClientsSendOnConnectIsAnswered() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        for line in ["binarylimit 8192", "tagtypes", "tagtypes clear", "tagtypes enable Title Track", "commands",
                     "notcommands", "outputs", "status", "stats", "listplaylists", "lsinfo \"\"", "listfiles \"\"",
                     "list album", "plchanges 0", "plchangesposid 0", "playlistinfo 0:3", "currentsong", "channels",
                     "readmessages", "urlhandlers", "decoders", "replay_gain_status", "listpartitions", "listmounts",
                     "count title \"\"", "crossfade 0", "repeat 0", "random 0", "idle"] {
            if line == "idle" {
                #expect(client.sendRaw(Array("idle\nnoidle\n".utf8)))
                #expect(try client.readReply().ok)
                continue
            }
            let reply = try client.send(line)
            #expect(reply.ok, "\(line): \(reply.ack ?? "")")
        }
        #expect(try client.send("albumart \"moyo-selo/01-library.ru.ogg\" 0").ack?.hasPrefix("ACK [50@0] {albumart}") == true)
        #expect(try client.send("random 1").ack?.hasPrefix("ACK [2@0] {random}") == true)
        #expect(try client.send("crossfade 5").ack?.hasPrefix("ACK [2@0] {crossfade}") == true)
        #expect(try client.send("playlistinfo 0:3").lines.filter { $0.hasPrefix("Pos: ") } == ["Pos: 0", "Pos: 1", "Pos: 2"])
        #expect(try client.send("playlistinfo 9").ack == "ACK [2@0] {playlistinfo} Bad song index")
    }
}

/// The threads of this process, as the kernel lists them.
func threadCount() throws -> Int {
    try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count
}
