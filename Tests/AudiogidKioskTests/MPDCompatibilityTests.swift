import AudiogidControl
import AudiogidCore
import AudiogidPOSIX
import Foundation
import Testing
@testable import AudiogidKiosk
#if canImport(Glibc)
import Glibc
#endif

/// The kiosk's socket against what mpd 0.23 answers (Fixtures/mpd-0.23.transcript), through the clients people
/// already own: `mpc` and python-mpd2, and a raw connection where the exact line matters.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MPDCompatibilityTests {
    let mpd = MPDFixture.shared

    /// Sends the command mpd was sent under `label` and returns the kiosk's reply, ACK included.
    func kioskReply(_ client: ControlClient, _ label: String) throws -> ControlClient.Reply {
        try client.send(mpd.step(label).command)
    }

    @Test func ackCodesAndWordingAreMPDs() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        for label in ["currentsong x", "status x", "play 99", "unknown command", "missing quote", "play 1 2",
                      "setvol loud", "seekcur no args", "seek one arg"] {
            let expected = try #require(mpd.ack(label), "mpd answered \(label) with an ACK")
            #expect(try kioskReply(client, label).ack == expected, "\(label)")
        }
        // A command the kiosk refuses gets mpd's "not supported here" code, the command named.
        #expect(try client.send("add \"x.ogg\"").ack?.hasPrefix("ACK [5@0] {add} ") == true)
        #expect(try client.send("sticker get song x y").ack == "ACK [5@0] {sticker} sticker database is disabled")
    }

    @Test func clientsPrintMPDsErrors() throws {
        let rig = try KioskRig()
        // mpc prints the ACK's message; python-mpd2 raises CommandError with it.
        let play = try mpc(rig.socket, "play", "99")
        #expect(play.status != 0)
        #expect(play.error.contains("Bad song index"))
        let python = try pythonMPD(rig.socket, """
        for call in (lambda: client.play(99), lambda: client.currentsong("x"), lambda: client.status("x")):
            try:
                call()
                print("no error")
            except mpd.CommandError as error:
                print(error)
        """)
        #expect(python.status == 0, "\(python.error)")
        #expect(python.output.split(separator: "\n").map(String.init) == [
            "[2@0] {play} Bad song index",
            "[2@0] {currentsong} wrong number of arguments for \"currentsong\"",
            "[2@0] {status} wrong number of arguments for \"status\"",
        ])
    }
}

/// `status` and `currentsong` carry the fields mpd's do, in mpd's order.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MPDStatusCompatibilityTests {
    let mpd = MPDFixture.shared

    /// The kiosk's keys without `volume` (mpd's null output has no mixer) and without Audiogid's own, which follow mpd's.
    func mpdShaped(_ lines: [String]) -> [String] {
        let own: Set<String> = ["volume", "language", "tour", "stop", "device", "device_open", "underruns", "log_writable", "error"]
        return MPDFixture.keys(of: lines).filter { !own.contains($0) }
    }

    @Test func statusAndCurrentsongWhilePlayingAndAfterStop() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        // The same clip mpd was playing: the second stop, in Russian.
        #expect(try client.send("play 1").ok)
        let playing = try client.send("status")
        #expect(mpdShaped(playing.lines) == mpd.keys("status playing"))
        #expect(playing.value("audio") == "22050:f:1")
        let song = try client.send("currentsong")
        #expect(MPDFixture.keys(of: song.lines) == mpd.keys("currentsong"))
        for key in ["file", "Format", "Title", "Album", "Track", "Time", "Pos"] {
            #expect(song.value(key) == mpd.value("currentsong", key), "\(key)")
        }
        #expect(song.value("Last-Modified")?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil)
        // After stop mpd keeps the current song (and the next) in status, and currentsong still names it.
        #expect(try client.send("stop").ok)
        let stopped = try client.send("status")
        #expect(mpdShaped(stopped.lines) == mpd.keys("status after stop"))
        #expect(stopped.value("song") == "1" && stopped.value("nextsong") == "2")
        #expect(try client.send("currentsong").value("Pos") == "1")
    }

    @Test func pythonMPDSeesTheFieldsItReadsFromMPD() throws {
        let rig = try KioskRig()
        let python = try pythonMPD(rig.socket, """
        client.play(1)
        status = client.status()
        song = client.currentsong()
        print(status["audio"], status["songid"] == song["id"], song["format"], "last-modified" in song)
        client.stop()
        status = client.status()
        print(status["state"], status["song"], status["songid"], status["nextsong"], status["nextsongid"])
        """)
        #expect(python.status == 0, "\(python.error)")
        #expect(python.output == "22050:f:1 True 22050:f:1 True\nstop 1 2 2 3\n")
    }

    @Test func mpcCarriesOnFromTheStopKeptAfterStop() throws {
        let rig = try KioskRig()
        #expect(try mpc(rig.socket, "play", "3").status == 0)
        #expect(try mpc(rig.socket, "-f", "%file% %position%", "current").output == "moyo-selo/03-memorial.ru.ogg 3\n")
        #expect(try mpc(rig.socket, "stop").status == 0)
        // mpc's bare `play` sends mpd's bare play: the current song, kept after stop.
        #expect(try mpc(rig.socket, "play").output.contains("[playing] #3/7"))
    }
}

/// Listing the queue as mpd does: `playlistinfo -1`, `plchanges` from a version the kiosk has not reached.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MPDQueueCompatibilityTests {
    let mpd = MPDFixture.shared

    @Test func wholeQueueListings() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        let whole = try client.send("playlistinfo -1")
        #expect(MPDFixture.keys(of: whole.lines) == mpd.keys("playlistinfo -1"))
        // A client that saw version 100000 before the daemon restarted gets all of the queue, as from mpd.
        let future = try client.send("plchanges 100000")
        #expect(MPDFixture.keys(of: future.lines) == mpd.keys("plchanges future"))
        #expect(try client.send("plchangesposid 100000").lines == mpd.step("plchangesposid future").reply.dropLast())
        let python = try pythonMPD(rig.socket, """
        print(len(client.playlistinfo(-1)), len(client.plchanges(100000)), len(client.plchanges(client.status()["playlist"])))
        """)
        #expect(python.output == "7 7 0\n", "\(python.error)")
        #expect(try mpc(rig.socket, "playlist").output.split(separator: "\n").count == 7)
    }

    @Test func nextAndPreviousAsMPD() async throws {
        let rig = try KioskRig()
        let client = try rig.client()
        #expect(try client.send("next").ack == mpd.ack("next while stopped"))
        #expect(try client.send("previous").ack == mpd.ack("previous while stopped"))
        #expect(try client.send("play 6").ok)
        #expect(try client.send("next").ok)  // past the last stop: stop, as mpd does
        #expect(try client.send("status").value("state") == "stop")
        #expect(try client.send("play 0").ok)
        #expect(try client.send("previous").ok)  // on the first: starts it again
        #expect(rig.kiosk.status.state.play?.position == 0)
        #expect(try client.send("stop").ok)
        let mpcNext = try mpc(rig.socket, "next")
        #expect(mpcNext.status != 0 && mpcNext.error.contains("Not playing"))
        let python = try pythonMPD(rig.socket, """
        try:
            client.previous()
        except mpd.CommandError as error:
            print(error)
        """)
        #expect(python.output == "[55@0] {previous} Not playing\n", "\(python.error)")
        // Buttons keep the kiosk's own rule: "next" while stopped walks on from the last stop.
        #expect(await rig.kiosk.execute(commandLine: "next", source: .gpio) == .done)
    }
}

/// What the kiosk answers for the things it does not have as mpd has them: one partition, replay gain, too many clients.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MPDSettingsCompatibilityTests {
    let mpd = MPDFixture.shared

    func replies(_ client: ControlClient, _ labels: [String]) throws -> [[String]] {
        try labels.map { label in
            let reply = try client.send(mpd.step(label).command)
            return reply.lines + [reply.ack ?? "OK"]
        }
    }

    @Test func partitionsAndReplayGainAnswerAsMPD() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        let labels = ["partition default", "partition other", "listpartitions", "replay_gain_mode track", "replay_gain_mode bogus"]
        #expect(try replies(client, labels) == labels.map { mpd.step($0).reply })
        // replay_gain_status tells what was set, as mpd does (the kiosk evens loudness out by its own R128 measure).
        #expect(try client.send("replay_gain_status").lines == ["replay_gain_mode: track"])
        #expect(try mpc(rig.socket, "replaygain", "album").status == 0)
        #expect(try mpc(rig.socket, "replaygain").output.contains("album"))
        let python = try pythonMPD(rig.socket, """
        client.replay_gain_mode("auto")
        print(client.replay_gain_status(), client.listpartitions())
        client.partition("default")
        """)
        #expect(python.output == "auto [{'partition': 'default'}]\n", "\(python.error)")
    }

    @Test func pastMaxClientsTheConnectionClosesWithoutAGreeting() async throws {
        let rig = try KioskRig(control: ControlSettings(socketPath: "", maxClients: 1))
        #expect(mpd.step("over max_connections").reply == ["closed without a greeting: True; got b''"])
        let first = try rig.client()
        #expect(await eventually { rig.server.clientCount == 1 })
        let fd = try Socket.connectUnix(rig.socket)
        defer { close(fd) }
        Socket.setTimeout(fd, option: SO_RCVTIMEO, seconds: 10)
        var byte: UInt8 = 0
        #expect(read(fd, &byte, 1) == 0, "closed, nothing sent")
        let mpcOver = try mpc(rig.socket, "status")
        #expect(mpcOver.status != 0 && !mpcOver.error.contains("Malformed"), "\(mpcOver.error)")
        let python = try pythonMPD(rig.socket, "")
        #expect(python.status != 0 && python.error.contains("ConnectionError"), "\(python.error)")
        #expect(try first.send("ping").ok)
    }
}
