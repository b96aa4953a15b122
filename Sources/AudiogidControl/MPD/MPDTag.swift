/// The tags a tour's queue entries carry, as MPD names them: the tour's title is the album, the stop's title the
/// title, its number the track. In mpd's own order, which is the order `tagtypes` and song listings use.
enum MPDTag: String, CaseIterable, Sendable {
    case album = "Album"
    case title = "Title"
    case track = "Track"

    static let all = allCases

    /// mpd matches tag names without regard to case.
    init?(name: String) {
        guard let tag = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else { return nil }
        self = tag
    }

    /// Every tag mpd 0.23 knows (lower-cased): `tagtypes enable Artist` is accepted, as against mpd, and shows nothing.
    static let mpdNames: Set<String> = [
        "artist", "artistsort", "album", "albumsort", "albumartist", "albumartistsort", "title", "track", "name",
        "genre", "date", "originaldate", "composer", "composersort", "performer", "conductor", "work", "movement",
        "movementnumber", "ensemble", "location", "grouping", "comment", "disc", "label", "musicbrainz_artistid",
        "musicbrainz_albumid", "musicbrainz_albumartistid", "musicbrainz_trackid", "musicbrainz_releasetrackid",
        "musicbrainz_workid",
    ]
}
