/// MPD's `idle` subsystems: what changed since a client last looked.
public enum MPDSubsystem: String, Sendable, CaseIterable, Hashable {
    case database, update, storedPlaylist = "stored_playlist", playlist, player, mixer, output, options,
         partition, sticker, subscription, message, neighbor, mount
}
