import AudiogidKiosk
/// MPD's `idle` subsystems: what changed since a client last looked.
public enum MPDSubsystem: String, Sendable, CaseIterable, Hashable {
    case database, update, storedPlaylist = "stored_playlist", playlist, player, mixer, output, options,
         partition, sticker, subscription, message, neighbor, mount
}

extension MPDSubsystem {
    /// The kiosk's change this subsystem reports; nil for the subsystems a kiosk never changes (its database,
    /// stored playlists, stickers...), which an `idle` may wait on all the same, as with MPD.
    var kioskChange: KioskChange? { KioskChange(rawValue: rawValue) }

    init(_ change: KioskChange) {
        // Every KioskChange is named after its subsystem.
        self = MPDSubsystem(rawValue: change.rawValue)!
    }

    /// What to wait for on the kiosk's change board: every change when the client named no subsystem.
    static func kioskInterest(_ interest: Set<MPDSubsystem>) -> Set<KioskChange>? {
        interest.isEmpty ? nil : Set(interest.compactMap(\.kioskChange))
    }
}
