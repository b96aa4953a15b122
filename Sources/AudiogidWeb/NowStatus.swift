import AudiogidMessages
import Foundation

/// The kiosk as the Now page shows it, read from the daemon's `status` (MPD's keys plus Audiogid's own).
public struct NowStatus: Sendable, Equatable, Codable {
    /// `play`, `pause` or `stop`, as MPD says it.
    public var state: String
    public var tour: String
    public var stop: Int?
    public var language: String
    public var volume: Int
    public var elapsed: Double?
    public var duration: Double?
    /// What is left of the clip playing, in seconds.
    public var timeLeft: Double?
    public var device: String
    public var deviceOpen: Bool
    public var underruns: Int
    public var lastError: String?
    public var logWritable: Bool
    /// False when the daemon does not answer: every other field is then a placeholder.
    public var daemonReachable: Bool

    public static let unreachable = NowStatus(state: "stop", tour: "", stop: nil, language: "", volume: 0, elapsed: nil,
                                              duration: nil, timeLeft: nil, device: "", deviceOpen: false, underruns: 0,
                                              lastError: nil, logWritable: false, daemonReachable: false)

    /// From the `key: value` lines of a `status` reply.
    public init(statusLines lines: [String]) {
        var values: [String: String] = [:]
        for line in lines {
            guard let colon = line.range(of: ": ") else { continue }
            let key = String(line[..<colon.lowerBound])
            if values[key] == nil { values[key] = String(line[colon.upperBound...]) }
        }
        state = values["state"] ?? "stop"
        tour = values["tour"] ?? ""
        stop = values["stop"].flatMap { Int($0) }
        language = values["language"] ?? ""
        volume = values["volume"].flatMap { Int($0) } ?? 0
        elapsed = values["elapsed"].flatMap { Double($0) }
        duration = values["duration"].flatMap { Double($0) }
        if let elapsed, let duration, duration > 0 { timeLeft = max(0, duration - elapsed) }
        device = values["device"] ?? ""
        deviceOpen = values["device_open"] == "1"
        underruns = values["underruns"].flatMap { Int($0) } ?? 0
        lastError = values["error"]
        logWritable = values["log_writable"] == "1"
        daemonReachable = true
    }

    init(state: String, tour: String, stop: Int?, language: String, volume: Int, elapsed: Double?, duration: Double?,
         timeLeft: Double?, device: String, deviceOpen: Bool, underruns: Int, lastError: String?, logWritable: Bool,
         daemonReachable: Bool) {
        self.state = state; self.tour = tour; self.stop = stop; self.language = language; self.volume = volume
        self.elapsed = elapsed; self.duration = duration; self.timeLeft = timeLeft; self.device = device
        self.deviceOpen = deviceOpen; self.underruns = underruns; self.lastError = lastError
        self.logWritable = logWritable; self.daemonReachable = daemonReachable
    }
}

/// One stop of the tour playing, as a button on the Now page.
public struct StopButton: Sendable, Equatable, Codable {
    public var number: Int
    public var title: String
}

extension StopButton {
    /// From a `playlistinfo` reply: `Track:` and `Title:` of each entry (an entry starts at `file:`).
    static func list(_ lines: [String]) -> [StopButton] {
        var result: [StopButton] = []
        var number: Int?, title = ""
        func flush() {
            if let number { result.append(StopButton(number: number, title: title)) }
            number = nil; title = ""
        }
        for line in lines {
            if line.hasPrefix("file: ") { flush() }
            else if line.hasPrefix("Track: ") { number = Int(line.dropFirst(7)) }
            else if line.hasPrefix("Title: ") { title = String(line.dropFirst(7)) }
        }
        flush()
        return result
    }
}
