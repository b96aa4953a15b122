import Foundation
import Testing

/// What Debian's mpd 0.23 answered, step by step, recorded by scripts/record-mpd-fixtures.sh over the demo
/// tour's Russian clips: what the compatibility tests hold the kiosk's answers against.
struct MPDFixture {
    struct Step {
        var command: String
        var reply: [String]
    }

    static let shared = MPDFixture()
    let steps: [String: Step]

    init() {
        let file = repositoryRoot.appendingPathComponent("Tests/AudiogidKioskTests/Fixtures/mpd-0.23.transcript")
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        var steps: [String: Step] = [:]
        var label: String?
        var current = Step(command: "", reply: [])
        func finish() { if let label { steps[label] = current } }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) where !line.isEmpty {
            if line.hasPrefix("## ") {
                finish()
                label = String(line.dropFirst(3))
                current = Step(command: "", reply: [])
            } else if line.hasPrefix("> ") {
                current.command = String(line.dropFirst(2))
            } else if !line.hasPrefix("# ") {
                current.reply.append(line)
            }
        }
        finish()
        self.steps = steps
    }

    /// The step recorded under `label`; a test naming a step the transcript lacks fails rather than passes.
    func step(_ label: String, sourceLocation: SourceLocation = #_sourceLocation) -> Step {
        guard let step = steps[label] else {
            Issue.record("no step '\(label)' in the mpd transcript", sourceLocation: sourceLocation)
            return Step(command: "", reply: [])
        }
        return step
    }

    /// mpd's ACK line for the step, or nil when it answered OK.
    func ack(_ label: String) -> String? { step(label).reply.last.flatMap { $0.hasPrefix("ACK ") ? $0 : nil } }

    /// The value of `key` in mpd's reply to the step.
    func value(_ label: String, _ key: String) -> String? {
        step(label).reply.first { $0.hasPrefix(key + ": ") }.map { String($0.dropFirst(key.count + 2)) }
    }

    /// The keys of mpd's `key: value` lines, in order, for comparing the shape of a reply.
    func keys(_ label: String) -> [String] { Self.keys(of: step(label).reply) }

    static func keys(of lines: [String]) -> [String] {
        lines.compactMap { line in line.range(of: ": ").map { String(line[..<$0.lowerBound]) } }
    }
}

/// Runs a python-mpd2 script against `socket`: `client` is connected when `body` starts; what it prints is
/// returned. python-mpd2 is the library most Python MPD clients (and Home Assistant) are built on.
func pythonMPD(_ socket: String, _ body: String, timeout: Double = 20) throws -> ProcessResult {
    let script = """
    import sys, mpd
    client = mpd.MPDClient()
    client.timeout = 10
    client.connect(sys.argv[1])
    \(body)
    """
    return try run("/usr/bin/env", ["python3", "-c", script, socket], timeout: timeout)
}
