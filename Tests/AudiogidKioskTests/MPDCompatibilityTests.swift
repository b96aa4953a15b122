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
@Suite(.serialized, .timeLimit(.minutes(1))) struct MPDCompatibilityTests {
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
