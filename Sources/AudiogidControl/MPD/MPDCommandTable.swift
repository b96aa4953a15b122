import AudiogidKiosk

/// What the kiosk makes of one MPD command: who may send it, how many arguments it takes (as mpd 0.23's
/// command table has them, so a miscount gets mpd's own ACK), and whether it does anything here.
struct MPDCommandSpec {
    enum Support: Equatable {
        /// Answered as mpd does, over the tour's queue.
        case supported
        /// Accepted and answered, but changes nothing: the kiosk has no such thing (a library, outputs to add...).
        case noOp
        /// Answered with mpd's "not supported here" ACK (code 5, the command named), giving the reason.
        case refused(String)
    }

    /// nil = anyone, before a password (mpd lets every client ping, close and log in).
    var permission: ControlPermission?
    var minArguments: Int
    /// nil = no upper limit.
    var maxArguments: Int?
    var support: Support

    /// The ACK for a wrong count, worded as mpd words it.
    func checkArgumentCount(_ count: Int, name: String) throws(MPDError) {
        if let maxArguments, minArguments == maxArguments, count != minArguments {
            throw MPDError(.argument, "wrong number of arguments for \"\(name)\"")
        }
        if count < minArguments { throw MPDError(.argument, "too few arguments for \"\(name)\"") }
        if let maxArguments, count > maxArguments { throw MPDError(.argument, "too many arguments for \"\(name)\"") }
    }
}

extension MPDCommandSpec {
    private static func read(_ min: Int, _ max: Int?, _ support: Support = .supported) -> MPDCommandSpec {
        MPDCommandSpec(permission: .read, minArguments: min, maxArguments: max, support: support)
    }
    private static func control(_ min: Int, _ max: Int?, _ support: Support = .supported) -> MPDCommandSpec {
        MPDCommandSpec(permission: .control, minArguments: min, maxArguments: max, support: support)
    }
    private static func admin(_ min: Int, _ max: Int?, _ support: Support = .supported) -> MPDCommandSpec {
        MPDCommandSpec(permission: .admin, minArguments: min, maxArguments: max, support: support)
    }
    private static func anyone(_ min: Int, _ max: Int?) -> MPDCommandSpec {
        MPDCommandSpec(permission: nil, minArguments: min, maxArguments: max, support: .supported)
    }

    private static let queueIsTheRoute = "the queue is the tour's route; change the tour instead"
    private static let noLibrary = "a kiosk has no music library, only its tours"
    private static let noStoredPlaylists = "stored playlists are disabled: the queue is the tour's route"
    private static let noStickers = "sticker database is disabled"
    private static let onePartition = "the kiosk has one partition"

    /// Every command of mpd 0.23's protocol, and Audiogid's own (`playstop`, `language`, `replay`, `tour`, `reload`).
    /// docs/protocol.md's command table is this table in words.
    static let table: [String: MPDCommandSpec] = [
        // Connection.
        "ping": anyone(0, 0), "close": anyone(0, nil), "password": anyone(1, 1), "commands": anyone(0, 0),
        "notcommands": anyone(0, 0), "binarylimit": anyone(1, 1), "protocol": anyone(0, nil),
        "tagtypes": read(0, nil), "idle": read(0, nil), "noidle": read(0, 0),
        // Status.
        "status": read(0, 0), "currentsong": read(0, 0), "stats": read(0, 0), "clearerror": control(0, 0),
        "replay_gain_status": read(0, 0), "replay_gain_mode": control(1, 1), "getvol": read(0, 0),
        // Playback.
        "play": control(0, 1), "playid": control(0, 1), "stop": control(0, 0), "pause": control(0, 1),
        "next": control(0, 0), "previous": control(0, 0), "seek": control(2, 2), "seekid": control(2, 2),
        "seekcur": control(1, 1), "setvol": control(1, 1), "volume": control(1, 1),
        // Playback options: only the values a tour plays with are accepted.
        "repeat": control(1, 1), "random": control(1, 1), "single": control(1, 1), "consume": control(1, 1),
        "crossfade": control(1, 1), "mixrampdb": control(1, 1), "mixrampdelay": control(1, 1),
        // The queue.
        "playlistinfo": read(0, 1), "playlistid": read(0, 1), "playlist": read(0, 0), "plchanges": read(1, 2),
        "plchangesposid": read(1, 2), "playlistfind": read(1, nil), "playlistsearch": read(1, nil),
        "add": control(1, 2, .refused(queueIsTheRoute)), "addid": control(1, 2, .refused(queueIsTheRoute)),
        "clear": control(0, 0, .refused(queueIsTheRoute)), "delete": control(1, 1, .refused(queueIsTheRoute)),
        "deleteid": control(1, 1, .refused(queueIsTheRoute)), "move": control(2, 2, .refused(queueIsTheRoute)),
        "moveid": control(2, 2, .refused(queueIsTheRoute)), "shuffle": control(0, 1, .refused(queueIsTheRoute)),
        "swap": control(2, 2, .refused(queueIsTheRoute)), "swapid": control(2, 2, .refused(queueIsTheRoute)),
        "prio": control(2, nil, .refused(queueIsTheRoute)), "prioid": control(2, nil, .refused(queueIsTheRoute)),
        "rangeid": control(2, 2, .refused(queueIsTheRoute)), "addtagid": control(3, 3, .refused(queueIsTheRoute)),
        "cleartagid": control(1, 2, .refused(queueIsTheRoute)),
        // The library: searches look at the queue (the tour is the whole library); the rest is empty.
        "find": read(1, nil), "search": read(1, nil), "count": read(1, nil),
        "list": read(1, nil, .noOp), "listall": read(0, 1, .noOp), "listallinfo": read(0, 1, .noOp),
        "lsinfo": read(0, 1, .noOp), "listfiles": read(0, 1, .noOp), "albumart": read(2, 2),
        "readpicture": read(2, 2), "urlhandlers": read(0, 0, .noOp), "decoders": read(0, 0, .noOp),
        "findadd": control(1, nil, .refused(queueIsTheRoute)), "searchadd": control(1, nil, .refused(queueIsTheRoute)),
        "searchaddpl": control(2, nil, .refused(noStoredPlaylists)),
        "update": admin(0, 1, .refused(noLibrary)), "rescan": admin(0, 1, .refused(noLibrary)),
        "getfingerprint": read(1, 1, .refused(noLibrary)), "readcomments": read(1, 1, .refused(noLibrary)),
        "mount": admin(2, 2, .refused(noLibrary)), "unmount": admin(1, 1, .refused(noLibrary)),
        "listmounts": read(0, 0, .noOp), "listneighbors": read(0, 0, .noOp),
        // Stored playlists.
        "listplaylists": read(0, 0, .noOp), "listplaylist": read(1, 2), "listplaylistinfo": read(1, 2),
        "load": control(1, 3, .refused(noStoredPlaylists)), "save": control(1, 2, .refused(noStoredPlaylists)),
        "rm": control(1, 1, .refused(noStoredPlaylists)), "rename": control(2, 2, .refused(noStoredPlaylists)),
        "playlistadd": control(2, 3, .refused(noStoredPlaylists)), "playlistclear": control(1, 1, .refused(noStoredPlaylists)),
        "playlistdelete": control(2, 2, .refused(noStoredPlaylists)), "playlistmove": control(3, 3, .refused(noStoredPlaylists)),
        "sticker": admin(3, nil, .refused(noStickers)),
        // Outputs and partitions.
        "outputs": read(0, 0), "enableoutput": admin(1, 1), "disableoutput": admin(1, 1), "toggleoutput": admin(1, 1),
        "outputset": admin(3, 3, .refused("the kiosk's output is set in kiosk.yaml")),
        "partition": read(1, 1), "listpartitions": read(0, 0),
        "newpartition": admin(1, 1, .refused(onePartition)), "delpartition": admin(1, 1, .refused(onePartition)),
        "moveoutput": admin(1, 1, .refused(onePartition)),
        // Client to client.
        "subscribe": read(1, 1, .noOp), "unsubscribe": read(1, 1, .noOp), "channels": read(0, 0, .noOp),
        "readmessages": read(0, 0, .noOp), "sendmessage": control(2, 2, .refused("the kiosk has no message channels")),
        "config": admin(0, 0), "kill": admin(0, 0, .refused("the daemon is stopped by systemd, not by a client")),
        // Audiogid's own words.
        "playstop": control(1, 1), "language": control(1, 1), "replay": control(0, 0),
        "tour": admin(1, 1), "reload": admin(0, 0),
        // phoneplay LISTENER TOUR STOP LANGUAGE SECONDS finished|interrupted: a play heard on a visitor's phone.
        "phoneplay": control(6, 6),
    ]
}
