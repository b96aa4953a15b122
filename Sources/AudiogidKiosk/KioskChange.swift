/// What about the kiosk changed: what a client waiting for news (the control socket's `idle`, the staff page)
/// is woken for. The names are MPD's subsystem names for the same things, so the control socket maps them 1:1.
public enum KioskChange: String, Sendable, CaseIterable, Hashable {
    /// Playing, paused or stopped; the stop or clip changed.
    case player
    /// The volume.
    case mixer
    /// The queue: the tour's stops, or the language they are described in.
    case playlist
    /// Playback options such as the tour's mode.
    case options
    /// The audio device was lost or came back.
    case output
}
