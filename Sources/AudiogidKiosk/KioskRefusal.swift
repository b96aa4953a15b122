import AudiogidCore

/// Why the kiosk said no to a command, in the kiosk's own terms. Each front end words it for its
/// listener: the MPD server as an ACK code, a keypad as the "no such stop" sound, `ctl` as text.
public enum KioskRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The player's rules refused it (no such stop, quiet hours, nothing playing, ...).
    case player(PlayerRefusal)
    /// `tour ID`: the tour could not be loaded; the running one plays on.
    case tourNotLoaded(id: String, reason: String)
    /// `reload`: kiosk.yaml or the tour has errors; the running setup plays on.
    case reloadRefused(reason: String)

    public var description: String {
        switch self {
        case .player(let refusal): refusal.description
        case .tourNotLoaded(let id, let reason): "tour \(id) not loaded: \(reason)"
        case .reloadRefused(let reason): "reload refused: \(reason)"
        }
    }

    /// The visitor asked for a stop number the tour does not have.
    public var isUnknownStopNumber: Bool {
        if case .player(.noSuchStop(.number)) = self { return true }
        return false
    }
}

/// The answer to one command, as a trigger source or `ctl` sees it.
public struct CommandReply: Sendable, Equatable {
    public var ok: Bool
    public var message: String

    public static let done = CommandReply(ok: true, message: "")
    public static func refused(_ message: String) -> CommandReply { CommandReply(ok: false, message: message) }
}
