import Foundation
import Hummingbird
import Synchronization

/// What a phone reports when a clip it played ends or is cut short: `POST /plays`.
struct PhonePlayReport: Codable, Sendable, Equatable {
    /// The browser's anonymous id: 32 hex digits drawn by the page, kept in its localStorage.
    var listener: String
    var tour: String
    var stop: Int
    /// The language the visitor chose.
    var language: String
    var seconds: Double
    var finished: Bool

    /// The control-socket line that has the daemon log it, once checked against the tour; a 400 or 404 otherwise.
    func protocolLine(tour installed: VisitorTour?) throws -> String {
        guard listener.count == 32, listener.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) else {
            throw HTTPError(.badRequest, message: "listener must be 32 lower-case hex digits")
        }
        guard let installed, installed.id == tour else { throw HTTPError(.notFound, message: "no tour '\(tour)' is installed") }
        guard let stop = installed.stop(stop), let clip = stop.clips[language] else {
            throw HTTPError(.notFound, message: "tour \(tour) has no stop \(self.stop) in '\(language)'")
        }
        // A phone cannot hear more than the clip (a little slack for its clock); anything else is a made-up report.
        let most = (clip.seconds ?? 3600) + 5
        guard seconds.isFinite, (0...most).contains(seconds) else {
            throw HTTPError(.badRequest, message: "seconds must be between 0 and \(Int(most)) for this clip")
        }
        return "phoneplay \(listener) \(tour) \(stop.number) \(language) \(String(format: "%.1f", seconds)) \(finished ? "finished" : "interrupted")"
    }
}

/// Holds back a phone (by its id and by its address) that reports more plays than anyone can hear: a report is
/// one clip, so a few a minute is a busy listener and hundreds are a script filling the play log.
final class PhonePlayLimit: Sendable {
    let perHour: Int
    private let counts = Mutex<(hour: Int, by: [String: Int])>((0, [:]))

    init(perHour: Int = 240) { self.perHour = perHour }

    /// Counts one report from `keys`; false when any of them has used up this hour's.
    func allow(_ keys: [String], now: Date = Date()) -> Bool {
        let hour = Int(now.timeIntervalSince1970 / 3600)
        return counts.withLock { state in
            if state.hour != hour { state = (hour, [:]) }
            guard keys.allSatisfy({ state.by[$0, default: 0] < perHour }) else { return false }
            for key in keys { state.by[key, default: 0] += 1 }
            return true
        }
    }
}
