import AudiogidControl
import AudiogidCore
import Foundation
import Testing
@testable import AudiogidKiosk

/// The queue's entries as MPD clients read them: song ids, tags per connection, searches, pictures.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MPDQueueEntryTests {
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

    @Test func tagtypesAreEachConnectionsOwn() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        let other = try rig.client()
        // Ours are mpd's, in mpd's order: the tags a tour has.
        let ours = try client.send("tagtypes").lines
        #expect(ours == mpd.step("tagtypes").reply.filter { ["tagtype: Album", "tagtype: Title", "tagtype: Track"].contains($0) })
        for label in ["tagtypes clear", "tagtypes after clear", "tagtypes enable Title", "tagtypes enable bogus", "tagtypes bogus"] {
            let reply = try client.send(mpd.step(label).command)
            #expect(reply.lines + [reply.ack ?? "OK"] == mpd.step(label).reply, "\(label)")
        }
        #expect(MPDFixture.keys(of: try client.send("playlistinfo 0").lines) == mpd.keys("playlistinfo 0 Title only"))
        #expect(try client.send("tagtypes all").ok && client.send("tagtypes disable Album").ok)
        #expect(MPDFixture.keys(of: try client.send("playlistinfo 0").lines) == mpd.keys("playlistinfo 0 without Album"))
        #expect(try client.send("tagtypes clear").ok)
        #expect(MPDFixture.keys(of: try client.send("currentsong").lines).isEmpty)  // nothing current yet
        #expect(MPDFixture.keys(of: try client.send("playlistinfo 0").lines) == mpd.keys("playlistinfo 0 after clear"))
        // The other connection still sees every tag.
        #expect(MPDFixture.keys(of: try other.send("playlistinfo 0").lines) == mpd.keys("playlistinfo 0"))
        // mpd 0.24's reset: only the tags named.
        #expect(try client.send("tagtypes reset Track").ok)
        #expect(try client.send("tagtypes").lines == ["tagtype: Track"])
        let python = try pythonMPD(rig.socket, """
        client.tagtypes("clear")
        client.tagtypes("enable", "Title")
        print(sorted(client.playlistinfo(0)[0].keys()), client.tagtypes())
        """)
        #expect(python.output == "['duration', 'file', 'format', 'id', 'last-modified', 'pos', 'time', 'title'] ['Title']\n", "\(python.error)")
    }

    @Test func searchesLookAtTheQueue() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        for label in ["playlistsearch title", "playlistfind title", "playlistfind title none", "playlistsearch any",
                      "playlistsearch filter", "search title", "search bad tag", "find one arg"] {
            let reply = try client.send(mpd.step(label).command)
            let recorded = mpd.step(label).reply
            #expect(MPDFixture.keys(of: reply.lines) == MPDFixture.keys(of: recorded), "\(label)")
            #expect(reply.ack == recorded.last.flatMap { $0.hasPrefix("ACK") ? $0 : nil }, "\(label)")
            for key in ["file", "Title", "Pos", "Id"] {
                #expect(reply.lines.filter { $0.hasPrefix(key + ": ") } == recorded.filter { $0.hasPrefix(key + ": ") }, "\(label) \(key)")
            }
        }
        #expect(try client.send(mpd.step("find album").command).lines.filter { $0.hasPrefix("file: ") }.count == 7)
        // `mpc searchplay` finds the stop in the queue and plays it.
        let searchplay = try mpc(rig.socket, "searchplay", "Пруд")
        #expect(searchplay.status == 0, "\(searchplay.error)")
        #expect(rig.kiosk.status.state.play?.stopID == "pond")
        #expect(try mpc(rig.socket, "search", "title", "мельн").output == "moyo-selo/06-mill.ru.ogg\n")
        let python = try pythonMPD(rig.socket, """
        print(client.playlistsearch("title", "пруд")[0]["pos"], "pos" in client.search("title", "пруд")[0],
              client.count("album", "Моё село")["songs"], len(client.find("track", "3")))
        """)
        #expect(python.output == "6 False 7 1\n", "\(python.error)")
    }

    @Test func aStopWithoutAPictureAnswersAsMPDDoes() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        for label in ["readpicture", "albumart", "readpicture no such file"] {
            let reply = try client.send(mpd.step(label).command)
            #expect(reply.lines + [reply.ack ?? "OK"] == mpd.step(label).reply, "\(label)")
        }
        let python = try pythonMPD(rig.socket, """
        print(client.readpicture("moyo-selo/07-pond.ru.ogg"))
        try:
            client.albumart("moyo-selo/07-pond.ru.ogg")
        except mpd.CommandError as error:
            print(error)
        """)
        #expect(python.output == "{}\n[50@0] {albumart} No file exists\n", "\(python.error)")
    }

    @Test func aStopsPictureIsServedInPieces() throws {
        let rig = try KioskRig()
        // A picture for the pond (20 000 bytes: three pieces at mpd's default binary limit), named in tour.yaml.
        var picture: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var seed: UInt32 = 7
        while picture.count < 20000 { seed = seed &* 1_103_515_245 &+ 12345; picture.append(UInt8(truncatingIfNeeded: seed >> 16)) }
        try Data(picture).write(to: rig.folder.appendingPathComponent("audio/moyo-selo/pond.png"))
        let manifest = rig.folder.appendingPathComponent("tours/moyo-selo/tour.yaml")
        let yaml = try String(contentsOf: manifest, encoding: .utf8)
        try yaml.replacingOccurrences(of: "    number: 7\n", with: "    number: 7\n    image: moyo-selo/pond.png\n")
            .write(to: manifest, atomically: true, encoding: .utf8)
        let client = try rig.client()
        #expect(try client.send("reload").ok)
        #expect(rig.kiosk.status.queue.last?.stop.image == "moyo-selo/pond.png")
        let python = try pythonMPD(rig.socket, """
        import hashlib
        for command in (client.readpicture, client.albumart):
            reply = command("moyo-selo/07-pond.ru.ogg")
            print(reply.get("type"), len(reply["binary"]), hashlib.sha256(reply["binary"]).hexdigest())
        """)
        let digest = try run("/usr/bin/sha256sum", [rig.folder.appendingPathComponent("audio/moyo-selo/pond.png").path])
            .output.prefix(64)
        #expect(python.output == "image/png 20000 \(digest)\nNone 20000 \(digest)\n", "\(python.error)")
        #expect(try client.send("readpicture \"moyo-selo/07-pond.ru.ogg\" 20001").ack == "ACK [2@0] {readpicture} Offset too large")
    }
}
