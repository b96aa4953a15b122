import AudiogidKiosk
import AudiogidCore
import Foundation
import Synchronization

/// What a connection must do after a command besides sending its reply.
enum MPDAction: Equatable {
    case reply
    /// Carry this out through the kiosk, off the event loop, and reply once it is done and logged.
    case perform(Command)
    case close
    /// Wait for changes in these subsystems (all when empty), answering `noidle` too.
    case idle(Set<MPDSubsystem>)
    /// Read a piece of a stop's picture off the event loop and send it as mpd's binary reply.
    case picture(MPDPicture)
}

/// The settings a client can change for every client of the server, as in mpd.
final class MPDServerState: Sendable {
    /// What `replay_gain_mode` was set to: accepted, and changes nothing (see `replay_gain_status`).
    let replayGainMode = Mutex("off")
}

/// A piece of a picture file a client asked for with `albumart` or `readpicture`.
struct MPDPicture: Equatable {
    var url: URL
    var offset: Int
    var limit: Int
    /// The MIME type `readpicture` names (`albumart` names none).
    var type: String?

    static func mimeType(_ path: String) -> String? {
        switch (path as NSString).pathExtension.lowercased() {
        case "jpg", "jpeg": "image/jpeg"
        case "png": "image/png"
        case "webp": "image/webp"
        case "gif": "image/gif"
        default: nil
        }
    }
}

/// One client's view of the kiosk through the MPD protocol: its permissions, and the answer to each
/// command. Pure request → lines: what changes the kiosk comes back as `.perform` for the connection
/// to run off its event loop; the socket and framing live in `ControlConnection`.
final class MPDSession {  // owned by one connection, used on its event loop only
    static let protocolVersion = "0.23.5"

    let kiosk: Kiosk
    let passwords: [ControlPassword]
    var permissions: Set<ControlPermission>

    /// The tags this client asked `playlistinfo` and friends to show (`tagtypes`), in mpd's order.
    var tagTypes = MPDTag.all
    /// What every client of this server shares, as mpd's clients share its settings.
    let server: MPDServerState
    /// The most bytes of a picture one `albumart`/`readpicture` reply carries (`binarylimit`, mpd's default).
    var binaryLimit = 8192

    init(kiosk: Kiosk, passwords: [ControlPassword], permissions: Set<ControlPermission>, server: MPDServerState = MPDServerState()) {
        self.server = server
        self.kiosk = kiosk
        self.passwords = passwords
        self.permissions = permissions
    }

    func allows(_ name: String) -> Bool {
        guard let spec = MPDCommandSpec.table[name] else { return false }
        return spec.permission.map { permissions.contains($0) } ?? true
    }

    /// Answers one command, appending its reply lines (without the final `OK`) to `out`.
    func respond(to request: MPDRequest, into out: inout [String]) throws(MPDError) -> MPDAction {
        let name = request.name
        // As mpd: an unknown name, then the permission, then the argument count.
        guard let spec = MPDCommandSpec.table[name] else {
            throw MPDError(.unknown, "unknown command \"\(name)\"", namesCommand: false)
        }
        if let needed = spec.permission, !permissions.contains(needed) {
            throw MPDError(.permission, "you don't have permission for \"\(name)\"")
        }
        let args = request.arguments
        try spec.checkArgumentCount(args.count, name: name)
        if case .refused(let reason) = spec.support { throw MPDError(.unknown, reason) }
        func integer(_ index: Int) throws(MPDError) -> Int {
            guard let value = Int(args[index]) else { throw MPDError(.argument, "Integer expected: \(args[index])") }
            return value
        }
        var toPerform: Command?
        func perform(_ command: Command) { toPerform = command }

        switch name {
        case "ping", "subscribe", "unsubscribe":
            break
        case "clearerror":
            kiosk.clearError()
        case "close":
            return .close
        case "password":
            guard let match = passwords.first(where: { $0.password == args[0] }) else {
                throw MPDError(.password, "incorrect password")
            }
            permissions = match.permissions
        case "commands", "notcommands":
            let allowed = name == "commands"
            for command in MPDCommandSpec.table.keys.sorted() where allows(command) == allowed {
                out.append("command: \(command)")
            }
        case "status":
            out += statusLines(kiosk.status)
        case "currentsong":
            let status = kiosk.status
            if let position = status.current, status.queue.indices.contains(position) {
                out += songLines(status.queue[position], status: status)
            }
        case "playlistinfo", "playlistid", "playlist":
            let status = kiosk.status
            var entries = status.queue
            if name == "playlistid", !args.isEmpty {
                let id = try integer(0)
                entries = entries.filter { $0.id == id }
                guard !entries.isEmpty else { throw MPDError(.noExist, "No such song") }
            } else if let arg = args.first {
                let range = try Self.range(arg, count: entries.count)
                entries = Array(entries[range])
            }
            for entry in entries {
                if name == "playlist" {
                    out.append("\(entry.position):file: \(entry.clip?.path ?? entry.stop.id)")
                } else {
                    out += songLines(entry, status: status)
                }
            }
        case "plchanges", "plchangesposid":
            let version = try integer(0)
            let status = kiosk.status
            // A version newer than the kiosk's comes from before a restart: all of the queue is news to that client.
            var entries = version > status.playlistVersion ? status.queue : status.queue.filter { $0.version > version }
            if args.count == 2 {
                let range = try Self.range(args[1], count: status.queue.count)
                entries = entries.filter { range.contains($0.position) }
            }
            for entry in entries {
                if name == "plchanges" { out += songLines(entry, status: status) }
                else { out += ["cpos: \(entry.position)", "Id: \(entry.id)"] }
            }
        case "stats":
            let status = kiosk.status
            let total = status.queue.compactMap(\.duration).reduce(0, +)
            out += ["artists: 0", "albums: 1", "songs: \(status.queue.count)",
                    "uptime: \(Int(Moment.now().seconds - status.startedAt))", "db_playtime: \(Int(total))",
                    "db_update: \(Int(status.startedAt))", "playtime: \(Int(status.secondsPlayed))"]
        case "outputs":
            let speaker = kiosk.status.speaker
            out += ["outputid: 0", "outputname: \(speaker.device)", "plugin: alsa",
                    "outputenabled: \(speaker.deviceOpen ? 1 : 0)"]
        case "enableoutput", "disableoutput", "toggleoutput":
            guard args[0] == "0" else { throw MPDError(.noExist, "No such audio output") }
            guard name == "enableoutput" else { throw MPDError(.argument, "the kiosk's one output cannot be disabled") }
        case "tagtypes":
            try tagtypes(args, into: &out)
        case "playlistfind", "playlistsearch", "find", "search":
            // The tour is the whole library: a library search looks at the queue too (without queue positions).
            let fuzzy = name.hasSuffix("search")
            let status = kiosk.status
            for entry in try MPDFilter(args, search: fuzzy).matches(in: status, foldCase: fuzzy) {
                let lines = songLines(entry, status: status)
                out += name.hasPrefix("playlist") ? lines : lines.filter { !$0.hasPrefix("Pos: ") && !$0.hasPrefix("Id: ") }
            }
        case "count":
            let status = kiosk.status
            let found = try MPDFilter(args, search: false).matches(in: status, foldCase: false)
            out += ["songs: \(found.count)", "playtime: \(Int(found.compactMap(\.duration).reduce(0, +).rounded()))"]
        case "urlhandlers", "listplaylists", "listall", "listallinfo", "listmounts",
             "listneighbors", "channels", "readmessages", "list", "lsinfo", "decoders", "listfiles", "protocol":
            // Tours are not a music library: listings are empty rather than errors, so clients connect cleanly.
            break
        case "listplaylist", "listplaylistinfo":
            throw MPDError(.noExist, "No such playlist")
        case "albumart", "readpicture":
            guard let offset = Int(args[1]), offset >= 0 else { throw MPDError(.argument, "Integer expected: \(args[1])") }
            let status = kiosk.status
            guard let entry = status.queue.first(where: { $0.clip?.path == args[0] || $0.stop.audio.values.contains(args[0]) }) else {
                throw MPDError(.noExist, "No such song")
            }
            guard let image = entry.stop.image else {
                // As mpd 0.23: a song without a picture is a bare OK for readpicture, "No file exists" for albumart.
                if name == "albumart" { throw MPDError(.noExist, "No file exists") }
                break
            }
            return .picture(MPDPicture(url: kiosk.fileURL(image), offset: offset, limit: binaryLimit,
                                       type: name == "readpicture" ? MPDPicture.mimeType(image) : nil))
        case "binarylimit":
            let limit = try integer(0)
            guard limit >= 64 else { throw MPDError(.argument, "Value too small") }
            binaryLimit = limit
        case "listpartitions":
            out.append("partition: default")
        case "partition":
            // One partition, mpd's `default`: switching to it is fine, to any other is what mpd says of a missing one.
            guard args[0] == "default" else { throw MPDError(.noExist, "partition does not exist") }
        case "crossfade", "mixrampdb", "mixrampdelay":
            // Stops never overlap: fades are the engine's own, so only "none" is accepted.
            guard Double(args[0]) == 0 || args[0] == "nan" else { throw MPDError(.argument, "\(name) stays off: stops never overlap") }
        case "replay_gain_mode":
            guard ["off", "track", "album", "auto"].contains(args[0]) else {
                throw MPDError(.argument, "Unrecognized replay gain mode")
            }
            server.replayGainMode.withLock { $0 = args[0] }
        case "replay_gain_status":
            // Clips carry no ReplayGain tags to apply: the kiosk measures every clip (EBU R128) and plays it at one
            // loudness whatever mode a client sets (docs/protocol.md). One line only: python-mpd2 reads this
            // answer as a single value, and a second line makes it read nothing.
            out.append("replay_gain_mode: \(server.replayGainMode.withLock { $0 })")
        case "getvol":
            out.append("volume: \(kiosk.status.volume)")
        case "config":
            out.append("music_directory: \(kiosk.currentConfiguration.audioDirectory)")
        case "idle":
            var interest: Set<MPDSubsystem> = []
            for arg in args {
                guard let subsystem = MPDSubsystem(rawValue: arg) else { throw MPDError(.argument, "Unrecognized idle event: \(arg)") }
                interest.insert(subsystem)
            }
            return .idle(interest)
        case "noidle":
            break  // inside a command list; a bare one outside idle gets no reply (ControlConnection)
        case "play", "playid":
            if args.isEmpty { perform(.resume) }
            else if name == "play" {
                let position = try integer(0)
                guard position >= 0 else { perform(.resume); break }
                perform(.playPosition(position))
            } else {
                let id = try integer(0)
                guard let position = kiosk.status.queue.firstIndex(where: { $0.id == id }) else {
                    throw MPDError(.noExist, "No such song")
                }
                perform(.playPosition(position))
            }
        case "seek", "seekid", "seekcur":
            let status = kiosk.status
            let time = args[args.count - 1]
            guard let seconds = Double(time), seconds.isFinite else { throw MPDError(.argument, "Float expected: \(time)") }
            var position: Int?
            switch name {
            case "seek":
                let index = try integer(0)
                guard status.queue.indices.contains(index) else { throw MPDError(.argument, "Bad song index") }
                position = index
            case "seekid":
                let id = try integer(0)
                guard let index = status.queue.firstIndex(where: { $0.id == id }) else { throw MPDError(.noExist, "No such song") }
                position = index
            default:
                guard status.state.play != nil else { throw MPDError(.playerSync, "Not playing") }
            }
            // Only seekcur takes +N and -N (from where the clip is); seek and seekid are absolute, as in mpd.
            let relative = name == "seekcur" && (time.hasPrefix("+") || time.hasPrefix("-"))
            guard relative || seconds >= 0 else { throw MPDError(.argument, "Negative value not allowed: \(time)") }
            perform(.seek(SeekRequest(position: position, seconds: seconds, relative: relative)))
        case "playstop":
            perform(Int(args[0]).map { .play(.number($0)) } ?? .play(.id(args[0])))
        case "stop": perform(.stop)
        case "next", "previous":
            // As mpd: only while playing or paused; `next` on the last stop of a route that does not loop stops.
            // (Buttons keep the kiosk's own rule: `next` while stopped starts the route.)
            let cursor = kiosk.cursor
            guard cursor.playing else { throw MPDError(.playerSync, "Not playing") }
            if name == "next", !cursor.routeLoops, let current = cursor.current, current + 1 >= cursor.queueLength {
                perform(.stop)
            } else {
                perform(name == "next" ? .next : .previous)
            }
        case "replay": perform(.replay)
        case "pause":
            switch args.first {
            case nil: perform(.toggle)
            case "1": perform(.pause)
            case "0": perform(.resume)
            default: throw MPDError(.argument, "Boolean (0/1) expected: \(args[0])")
            }
        case "setvol":
            let level = try integer(0)
            guard (0...100).contains(level) else { throw MPDError(.argument, "Invalid volume value") }
            perform(.volume(.set(level)))
        case "volume":
            // `up` and `down` (one configured step) are Audiogid's, for `ctl volume up`.
            if args[0] == "up" || args[0] == "down" { perform(.volume(args[0] == "up" ? .up : .down)); break }
            let delta = try integer(0)
            guard (-100...100).contains(delta) else { throw MPDError(.argument, "Invalid volume value") }
            perform(.volume(.change(delta)))
        case "repeat", "random", "single", "consume":
            guard args[0] == "0" else { throw MPDError(.argument, "a tour plays in route order; \(name) stays off") }
        case "language":
            perform(.language(args[0].lowercased() == "next" ? .next : .code(args[0])))
        case "tour":
            perform(.tour(args[0]))
        case "reload":
            perform(.reload)
        case "phoneplay":
            // From the web process's visitor page: logged as a play with source `phone`, never played here.
            let listener = args[0], language = args[3]
            guard listener.count <= 64, !listener.isEmpty, listener.allSatisfy({ $0.isHexDigit }) else {
                throw MPDError(.argument, "the listener is an anonymous id of hex digits: \(listener)")
            }
            guard (1...12).contains(language.count), language.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-") }) else {
                throw MPDError(.argument, "not a language code: \(language)")
            }
            guard let seconds = Double(args[4]), seconds.isFinite, (0...86_400).contains(seconds) else {
                throw MPDError(.argument, "seconds heard expected: \(args[4])")
            }
            guard args[5] == "finished" || args[5] == "interrupted" else {
                throw MPDError(.argument, "finished or interrupted expected: \(args[5])")
            }
            if let refusal = kiosk.logPhonePlay(listener: listener.lowercased(), tourID: args[1], stopNumber: try integer(2),
                                                language: language, secondsHeard: seconds, finished: args[5] == "finished") {
                throw MPDError(.noExist, refusal)
            }
        default:
            throw MPDError(.unknown, "\(name) is not supported")
        }
        return toPerform.map(MPDAction.perform) ?? .reply
    }

    /// MPD's `START:END` (end exclusive, open when empty) or a single position.
    static func range(_ text: String, count: Int) throws(MPDError) -> Range<Int> {
        if let colon = text.firstIndex(of: ":") {
            let startText = text[..<colon], endText = text[text.index(after: colon)...]
            guard let start = Int(startText), start >= 0, let end = endText.isEmpty ? count : Int(endText), end >= start else {
                throw MPDError(.argument, "Invalid range: \(text)")
            }
            guard start <= count else { throw MPDError(.argument, "Bad song index") }
            return start..<min(end, count)
        }
        guard let position = Int(text) else { throw MPDError(.argument, "Integer expected: \(text)") }
        // As mpd: -1 is the whole queue.
        if position == -1 { return 0..<count }
        guard position >= 0 else { throw MPDError(.argument, "Number is negative: \(text)") }
        guard position < count else { throw MPDError(.argument, "Bad song index") }
        return position..<(position + 1)
    }

    func statusLines(_ status: KioskStatus) -> [String] {
        var lines = ["volume: \(status.volume)", "repeat: 0", "random: 0", "single: 0", "consume: 0",
                     "partition: default", "playlist: \(status.playlistVersion)", "playlistlength: \(status.queue.count)",
                     "mixrampdb: 0"]
        let state: String
        switch status.state {
        case .idle: state = "stop"
        case .playing: state = "play"
        case .paused: state = "pause"
        }
        lines.append("state: \(state)")
        // As mpd, the current song is kept after `stop`: `play` and `next` count from it.
        if let current = status.current, status.queue.indices.contains(current) {
            lines += ["song: \(current)", "songid: \(status.queue[current].id)"]
        }
        if status.state.play != nil {
            let duration = status.duration ?? 0
            lines += ["time: \(Int(status.elapsed.rounded())):\(Int(duration.rounded()))",
                      "elapsed: \(Self.seconds(status.elapsed))", "bitrate: 0", "duration: \(Self.seconds(duration))"]
            if let format = status.playingFormat { lines.append("audio: \(Self.audioFormat(format))") }
        }
        if let current = status.current, current + 1 < status.queue.count {
            lines += ["nextsong: \(current + 1)", "nextsongid: \(status.queue[current + 1].id)"]
        }
        if let error = status.lastError { lines.append("error: \(error.replacingNewlines())") }
        // Audiogid's additions; MPD clients ignore keys they do not know.
        lines += ["language: \(status.language)", "tour: \(status.tourID)"]
        if let number = status.state.play?.stopNumber { lines.append("stop: \(number)") }
        lines += ["device: \(status.speaker.device)", "device_open: \(status.speaker.deviceOpen ? 1 : 0)",
                  "underruns: \(status.speaker.underruns)", "log_writable: \(status.storeWritable ? 1 : 0)"]
        lines += status.missingInputs.map { "input_missing: \($0.replacingNewlines())" }
        return lines
    }

    func songLines(_ entry: QueueEntry, status: KioskStatus) -> [String] {
        var lines = ["file: \(entry.clip?.path ?? "\(status.tourID)/\(entry.stop.id)")"]
        if let modified = entry.modified {
            lines.append("Last-Modified: \(Date(timeIntervalSince1970: modified.rounded(.down)).formatted(.iso8601))")
        }
        if let format = entry.format { lines.append("Format: \(Self.audioFormat(format))") }
        // In the order mpd lists a file's tags when they were written title, album, track (as a tour reads).
        for tag in [MPDTag.title, .album, .track] where tagTypes.contains(tag) {
            switch tag {
            case .album: lines.append("Album: \(status.tourTitle.replacingNewlines())")
            case .title: lines.append("Title: \(entry.title.replacingNewlines())")
            case .track: lines.append("Track: \(entry.stop.number)")
            }
        }
        if let duration = entry.duration {
            lines += ["Time: \(Int(duration.rounded()))", "duration: \(Self.seconds(duration))"]
        }
        lines += ["Pos: \(entry.position)", "Id: \(entry.id)"]
        return lines
    }

    /// mpd's `rate:bits:channels`: the bits of a PCM file, "f" for what decodes to floating point (Vorbis, Opus, MP3).
    static func audioFormat(_ info: ClipInfo) -> String {
        let codec = info.format.uppercased()
        let bits: String
        if codec.contains("PCM_16") { bits = "16" }
        else if codec.contains("PCM_24") { bits = "24" }
        else if codec.contains("PCM_32") { bits = "32" }
        else if codec.contains("PCM_S8") || codec.contains("PCM_U8") { bits = "8" }
        else { bits = "f" }
        return "\(info.sampleRate):\(bits):\(info.channels)"
    }

    /// `tagtypes` and its sub-commands, per connection as in mpd 0.23 (and 0.24's `reset TAG...`: clear, then enable).
    func tagtypes(_ args: [String], into out: inout [String]) throws(MPDError) {
        guard let sub = args.first else {
            out += tagTypes.map { "tagtype: \($0.rawValue)" }
            return
        }
        func named(_ names: ArraySlice<String>) throws(MPDError) -> [MPDTag] {
            guard !names.isEmpty else { throw MPDError(.argument, "Not enough arguments") }
            var tags: [MPDTag] = []
            for name in names {
                if let tag = MPDTag(name: name) { tags.append(tag) }
                else if !MPDTag.mpdNames.contains(name.lowercased()) { throw MPDError(.argument, "Unknown tag type") }
                // A tag mpd knows and a tour does not have (Artist, Genre...): nothing to show either way.
            }
            return tags
        }
        switch sub.lowercased() {
        case "clear": tagTypes = []
        case "all": tagTypes = MPDTag.all
        case "enable": let tags = try named(args.dropFirst()); tagTypes = MPDTag.all.filter { tagTypes.contains($0) || tags.contains($0) }
        case "disable": let tags = try named(args.dropFirst()); tagTypes.removeAll { tags.contains($0) }
        case "reset": let tags = try named(args.dropFirst()); tagTypes = MPDTag.all.filter { tags.contains($0) }
        default: throw MPDError(.argument, "Unknown sub command")
        }
    }

    static func seconds(_ value: Double) -> String {
        String(format: "%.3f", value)
    }
}
