import AudiogidKiosk
import AudiogidCore

extension MPDRequest {
    /// The MPD request that asks the daemon for `command`: how `audiogid ctl`'s words (the one grammar,
    /// `Command(words:)`) travel over the control socket, in words any MPD server also understands
    /// where there are such words, and Audiogid's own (`playstop`, `language`, `tour`) where not.
    init(_ command: Command) {
        switch command {
        case .play(let reference): self.init(name: "playstop", arguments: ["\(reference)"])
        case .playPosition(let index): self.init(name: "play", arguments: [String(index)])
        case .next: self.init(name: "next", arguments: [])
        case .previous: self.init(name: "previous", arguments: [])
        case .replay: self.init(name: "replay", arguments: [])
        case .stop: self.init(name: "stop", arguments: [])
        case .pause: self.init(name: "pause", arguments: ["1"])
        case .resume: self.init(name: "play", arguments: [])
        case .toggle: self.init(name: "pause", arguments: [])
        case .language(.code(let code)): self.init(name: "language", arguments: [code])
        case .language(.next): self.init(name: "language", arguments: ["next"])
        case .volume(.set(let level)): self.init(name: "setvol", arguments: [String(level)])
        case .volume(.change(let delta)): self.init(name: "volume", arguments: [String(delta)])
        case .volume(.up): self.init(name: "volume", arguments: ["up"])
        case .volume(.down): self.init(name: "volume", arguments: ["down"])
        case .tour(let id): self.init(name: "tour", arguments: [id])
        case .reload: self.init(name: "reload", arguments: [])
        case .seek(let request):
            let seconds = (request.relative && request.seconds >= 0 ? "+" : "") + SeekRequest.format(request.seconds)
            if let position = request.position { self.init(name: "seek", arguments: [String(position), seconds]) }
            else { self.init(name: "seekcur", arguments: [seconds]) }
        }
    }
}
