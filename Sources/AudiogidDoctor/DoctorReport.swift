/// What `audiogid doctor` found: one check per thing a technician can fix, in plain words.
public struct DoctorCheck: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Equatable, Codable {
        case ok
        /// Works now but will bite later (a card number, the clock, a missing database before the first start).
        case warning
        /// The kiosk will not do its job until this is fixed.
        case problem
    }

    /// What was checked: configuration, data folder, database, sound card, gpio, serial, keypad, clock, service, tour.
    public var area: String
    public var status: Status
    public var message: String
    /// File:line findings and other particulars, one per line.
    public var details: [String]
    /// What to do about it, when there is something to do.
    public var fix: String?

    public init(_ area: String, _ status: Status, _ message: String, details: [String] = [], fix: String? = nil) {
        self.area = area
        self.status = status
        self.message = message
        self.details = details
        self.fix = fix
    }
}

public struct DoctorReport: Sendable, Equatable, Codable {
    public var checks: [DoctorCheck]
    /// True when every check is ok (`audiogid doctor` exits 0).
    public var healthy: Bool { checks.allSatisfy { $0.status == .ok } }

    public init(checks: [DoctorCheck]) { self.checks = checks }

    enum CodingKeys: String, CodingKey { case healthy, checks }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(healthy, forKey: .healthy)
        try container.encode(checks, forKey: .checks)
    }

    public init(from decoder: any Decoder) throws {
        checks = try decoder.container(keyedBy: CodingKeys.self).decode([DoctorCheck].self, forKey: .checks)
    }

    /// One block per check: the status, the area and the message, then details and the fix indented.
    public var text: String {
        var lines: [String] = []
        for check in checks {
            let mark = switch check.status { case .ok: "ok     "; case .warning: "WARNING"; case .problem: "PROBLEM" }
            lines.append("\(mark)  \(check.area.padding(toLength: 12, withPad: " ", startingAt: 0)) \(check.message)")
            lines += check.details.map { "           \($0)" }
            if let fix = check.fix { lines.append("           fix: \(fix)") }
        }
        let bad = checks.filter { $0.status != .ok }.count
        lines.append(bad == 0 ? "all \(checks.count) checks ok" : "\(bad) of \(checks.count) checks need attention")
        return lines.joined(separator: "\n")
    }
}
