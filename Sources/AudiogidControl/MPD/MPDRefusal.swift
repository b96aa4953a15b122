import AudiogidKiosk
/// The kiosk's refusals in MPD's words: the ACK code a client is written against.
extension MPDError {
    init(_ refusal: KioskRefusal) {
        if case .player(.noSuchPosition) = refusal {
            // A queue position past the end, as mpd words it (play, seek and the like).
            self.init(.argument, "Bad song index")
        } else {
            self.init(Self.code(for: refusal), refusal.description)
        }
    }

    static func code(for refusal: KioskRefusal) -> MPDErrorCode {
        switch refusal {
        case .player(let refusal):
            switch refusal {
            case .noSuchStop, .noSuchPosition, .noClip, .endOfTour: .noExist
            case .unknownLanguage: .argument
            case .busy, .quietHours, .notPlaying: .playerSync
            }
        case .tourNotLoaded: .noExist
        case .reloadRefused: .argument
        }
    }
}
