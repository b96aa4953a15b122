import AudiogidCore
import Foundation
import Testing
@testable import AudiogidKiosk

/// The real `mpc` (Debian package) against the kiosk's real socket: it must work as against MPD.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MPDClientTests {
    @Test func mpcStatusPlaylistPlayCurrentVolume() throws {
        let rig = try KioskRig()
        let status = try mpc(rig.socket, "status")
        #expect(status.status == 0)
        #expect(status.output.contains("volume: 70%"))

        let playlist = try mpc(rig.socket, "playlist")
        #expect(playlist.output.split(separator: "\n").first == "Библиотека")
        #expect(playlist.output.split(separator: "\n").count == 7)

        // mpc counts queue positions from 1: `mpc play 2` is the second stop in route order.
        let play = try mpc(rig.socket, "play", "2")
        #expect(play.status == 0)
        #expect(play.output.contains("[playing] #2/7"))
        #expect(rig.kiosk.status.state.play?.stopID == "school")

        let current = try mpc(rig.socket, "current")
        #expect(current.output.trimmingCharacters(in: .whitespacesAndNewlines) == "Школа")

        #expect(try mpc(rig.socket, "volume", "50").status == 0)
        #expect(rig.kiosk.status.volume == 50)
        #expect(try mpc(rig.socket, "volume", "+5").status == 0)
        #expect(rig.kiosk.status.volume == 55)

        #expect(try mpc(rig.socket, "pause").status == 0)
        #expect(rig.kiosk.status.state.isPaused)
        #expect(try mpc(rig.socket, "stop").status == 0)
        #expect(rig.kiosk.status.state == .idle)
        #expect(try mpc(rig.socket, "play", "9").status != 0)  // no 9th stop: an error, as MPD gives
    }

    @Test func mpcIdleWakesOnAPressFromAnotherSource() async throws {
        let rig = try KioskRig()
        let socket = rig.socket
        let waiter = Task.detached { try mpc(socket, "idle", "player") }
        // Connected is enough: a client hears of every change from the moment it connects.
        #expect(await eventually { rig.server.clientCount == 1 })
        #expect(await rig.kiosk.execute(commandLine: "play 4", source: .gpio) == .done)
        let result = try await waiter.value
        #expect(result.status == 0)
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "player")
    }

    @Test func mpcStatsOutputsAndTagtypesAnswer() throws {
        let rig = try KioskRig()
        #expect(try mpc(rig.socket, "stats").output.contains("Songs:"))
        #expect(try mpc(rig.socket, "outputs").output.contains("Output 1 (none) is enabled"))
        #expect(try mpc(rig.socket, "ls").status == 0)
        #expect(try mpc(rig.socket, "lsplaylists").status == 0)
        // As against mpd: next and previous need something playing.
        #expect(try mpc(rig.socket, "next").error.contains("Not playing"))
        #expect(try mpc(rig.socket, "play", "2").status == 0)
        #expect(try mpc(rig.socket, "next").status == 0)
        #expect(try mpc(rig.socket, "prev").status == 0)
        #expect(rig.kiosk.status.state.play?.position == 1)
    }
}
