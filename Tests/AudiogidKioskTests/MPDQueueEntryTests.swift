import AudiogidControl
import AudiogidCore
import Foundation
import Testing
@testable import AudiogidKiosk

/// The queue's entries as MPD clients read them.
@Suite(.serialized, .timeLimit(.minutes(1))) struct MPDQueueEntryTests {
    let mpd = MPDFixture.shared

    /// Every (Id, file) pair in a listing.
    static func idsAndFiles(_ lines: [String]) -> [(id: String, file: String)] {
        var pairs: [(String, String)] = []
        var file: String?
        for line in lines {
            if line.hasPrefix("file: ") { file = String(line.dropFirst(6)) }
            if line.hasPrefix("Id: "), let current = file { pairs.append((String(line.dropFirst(4)), current)) }
        }
        return pairs
    }

    @Test func thePlayingEntryDescribesThePlayingClipAcrossALanguageChangeAndIdsNameOneFileEach() throws {
        let speaker = SpeakerEndingOnCommand()
        let rig = try KioskRig(speaker: speaker)
        let client = try rig.client()
        var seen: [String: String] = [:]
        func remember(_ lines: [String]) {
            for (id, file) in Self.idsAndFiles(lines) {
                #expect(seen[id] == nil || seen[id] == file, "id \(id) named \(seen[id] ?? "") and then \(file)")
                seen[id] = file
            }
        }
        remember(try client.send("playlistinfo").lines)
        #expect(try client.send("language en").ok)
        remember(try client.send("playlistinfo").lines)
        #expect(try client.send("play 2").ok)
        let versionBefore = Int(try client.send("status").value("playlist") ?? "") ?? 0
        #expect(try client.send("language ru").ok)
        let status = try client.send("status")
        let song = try client.send("currentsong")
        // Status and currentsong tell of the same clip: the English one that plays on.
        #expect(song.value("file") == "moyo-selo/03-memorial.en.ogg")
        #expect(status.value("duration") == song.value("duration"))
        #expect(status.value("songid") == song.value("Id"))
        #expect(Int(status.value("playlist") ?? "") ?? 0 > versionBefore)
        let queue = try client.send("playlistinfo")
        remember(queue.lines)
        #expect(Self.idsAndFiles(queue.lines).map(\.file) == [
            "moyo-selo/01-library.ru.ogg", "moyo-selo/02-school.ru.ogg", "moyo-selo/03-memorial.en.ogg",
            "moyo-selo/04-church.ru.ogg", "moyo-selo/05-club.ru.ogg", "moyo-selo/06-mill.ru.ogg", "moyo-selo/07-pond.ru.ogg",
        ])
        // Clients that show one clip's title with the status's length see the same clip in both.
        let python = try pythonMPD(rig.socket, """
        status, song = client.status(), client.currentsong()
        print(status["duration"] == song["duration"], status["songid"] == song["id"], song["file"])
        """)
        #expect(python.output == "True True moyo-selo/03-memorial.en.ogg\n", "\(python.error)")
        let total = try mpc(rig.socket, "-f", "%time%", "current").output.trimmingCharacters(in: .whitespacesAndNewlines)
        let statusLine = try mpc(rig.socket).output
        #expect(!total.isEmpty && statusLine.contains("/\(total) "), "mpc's status shows the length of \(total): \(statusLine)")
        // Once the English clip ends, its entry shows the Russian one, under another id, in a newer queue version.
        let version = Int(try client.send("status").value("playlist") ?? "") ?? 0
        #expect(speaker.endClip())
        let after = try client.send("currentsong")
        #expect(after.value("file") == "moyo-selo/03-memorial.ru.ogg")
        #expect(after.value("Id") != song.value("Id"))
        #expect(Int(try client.send("status").value("playlist") ?? "") ?? 0 > version)
        remember(try client.send("plchanges \(version)").lines)
        remember(try client.send("playlistinfo").lines)
        // playid takes the ids as listed.
        let school = try #require(Self.idsAndFiles(try client.send("playlistinfo 1").lines).first)
        #expect(try client.send("playid \(school.id)").ok)
        #expect(rig.kiosk.status.state.play?.stopID == "school")
        #expect(try client.send("playid 9999").ack == mpd.ack("playid 9999"))
    }
}
