import AudiogidControl
import AudiogidCore
import Foundation
import Testing
@testable import AudiogidKiosk

/// Seeking, and errors with `device: none`, through the socket, as mpd clients use them.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MPDPlaybackCompatibilityTests {
    let mpd = MPDFixture.shared

    func elapsed(_ client: ControlClient) throws -> Double {
        Double(try client.send("status").value("elapsed") ?? "") ?? -1
    }

    @Test func seekSeekidAndSeekcurReachTheSpeaker() throws {
        let speaker = SpeakerEndingOnCommand()
        let rig = try KioskRig(speaker: speaker)
        let client = try rig.client()
        for label in ["seek 1 3", "seekid 2 4", "seekcur +3", "seekcur -2", "seekcur 1"] {
            let reply = try client.send(mpd.step(label).command)
            #expect(reply.lines + [reply.ack ?? "OK"] == mpd.step(label).reply, "\(label)")
        }
        // seek 1 3 started the second stop 3 s in; seekid 2 4 (the same entry) jumped to 4 s; then +3, -2, to 1 s.
        let seeks = speaker.seeks
        #expect(seeks.allSatisfy { $0.ofPlaying })
        let seconds = seeks.map(\.seconds)
        #expect(seconds.count == 5 && abs(seconds[0] - 3) < 0.001 && abs(seconds[1] - 4) < 0.001 && abs(seconds[4] - 1) < 0.001, "\(seconds)")
        #expect(seconds[2] >= 7 && seconds[2] < 7.5 && seconds[3] >= seconds[2] - 2 && seconds[3] < seconds[2] - 1.5, "\(seconds)")
        #expect(rig.kiosk.status.state.play?.position == 1)
        let now = try elapsed(client)
        #expect(now >= 1 && now < 1.5)
        for label in ["seek bad position", "seekcur no args", "seek one arg"] {
            #expect(try client.send(mpd.step(label).command).ack == mpd.ack(label), "\(label)")
        }
        // mpc's `seek +3` and python-mpd2's seekcur, as against mpd.
        #expect(try mpc(rig.socket, "seek", "+3").status == 0)
        #expect(try elapsed(client) >= now + 3)
        let python = try pythonMPD(rig.socket, """
        client.seekcur("-1")
        client.seekid(client.currentsong()["id"], 6)
        print(float(client.status()["elapsed"]) >= 6)
        """)
        #expect(python.output == "True\n", "\(python.error)")
        #expect(try client.send("stop").ok)
        #expect(try client.send("seekcur 5").ack == "ACK [55@0] {seekcur} Not playing")
    }

    @Test func withDeviceNoneACorruptClipIsAnErrorInStatus() async throws {
        let rig = try KioskRig(speaker: SilentSpeaker())
        // Broken after the tour was loaded, as a card going bad would break it.
        try Data(repeating: 0x5A, count: 4096).write(to: rig.folder.appendingPathComponent("audio/moyo-selo/03-memorial.ru.ogg"))
        try FileManager.default.removeItem(at: rig.folder.appendingPathComponent("audio/moyo-selo/04-church.ru.ogg"))
        let client = try rig.client()
        #expect(try client.send("playstop 3").ok)
        #expect(await eventually(10) { (try? client.send("status").value("error"))?.contains("03-memorial.ru.ogg") == true })
        #expect(try client.send("status").value("state") == "stop")
        let mpcStatus = try mpc(rig.socket)
        #expect(mpcStatus.output.contains("ERROR: "), "\(mpcStatus.output)")
        #expect(try mpc(rig.socket, "clearerror").status == 0)
        #expect(try client.send("status").value("error") == nil)
        #expect(try client.send("playstop 4").ok)
        // python-mpd2 waits for the player to change (idle), then reads the error, as a client showing it would.
        let python = try pythonMPD(rig.socket, """
        while "error" not in client.status():
            client.idle("player")
        print("04-church.ru.ogg" in client.status()["error"])
        """, timeout: 40)
        let statusAfter = try client.send("status").lines
        #expect(python.output == "True\n", "\(python.output) \(python.error) \(statusAfter)")
    }
}
