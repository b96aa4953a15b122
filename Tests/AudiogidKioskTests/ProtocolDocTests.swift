@testable import AudiogidControl
import Foundation
import Testing

/// docs/protocol.md's command table says of every MPD command what the socket does with it.
@Suite(.timeLimit(.minutes(3))) struct ProtocolDocTests {
    /// Each row of the Commands table: the command names (the first word of each `code` span) and its support column.
    static func rows() throws -> [(names: [String], support: String)] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
        let section = text.components(separatedBy: "\n## Commands\n").last?.components(separatedBy: "\n## ").first ?? ""
        return section.split(separator: "\n").compactMap { line in
            // `\|` is a bar inside a cell (pause [0\|1]), not a column.
            let cells = line.replacingOccurrences(of: "\\|", with: "/").split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5, ["supported", "no-op", "refused"].contains(cells[3]) else { return nil }
            let names = cells[1].split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }
                .compactMap { $0.element.split(separator: " ").first.map(String.init) }
            return (names, cells[3])
        }
    }

    @Test func everyCommandIsInTheTableWithItsSupport() throws {
        let rows = try Self.rows()
        var documented: [String: String] = [:]
        for row in rows { for name in row.names { documented[name] = row.support } }
        let own: Set<String> = ["playstop", "language", "replay", "tour", "reload", "phoneplay"]  // in "Audiogid's own commands"
        for (name, spec) in MPDCommandSpec.table where !own.contains(name) {
            let support: String
            switch spec.support {
            case .supported: support = "supported"
            case .noOp: support = "no-op"
            case .refused: support = "refused"
            }
            #expect(documented[name] == support, "\(name): table says \(support), docs say \(documented[name] ?? "nothing")")
        }
        #expect(Set(documented.keys).subtracting(MPDCommandSpec.table.keys).isEmpty, "documented but unknown: \(Set(documented.keys).subtracting(MPDCommandSpec.table.keys))")
    }

    @Test func refusedCommandsGiveMPDsNotSupportedCode() throws {
        let rig = try KioskRig()
        let client = try rig.client()
        for (name, spec) in MPDCommandSpec.table {
            guard case .refused(let reason) = spec.support else { continue }
            let arguments = Array(repeating: "\"x\"", count: spec.minArguments).joined(separator: " ")
            #expect(try client.send("\(name) \(arguments)").ack == "ACK [5@0] {\(name)} \(reason)")
        }
        // The code and form mpd itself gives a command whose feature it has turned off.
        for (label, command) in [("disabled save", "save x"), ("disabled sticker", "sticker get song x y")] {
            let ours = try client.send(command).ack ?? ""
            let mpds = MPDFixture.shared.ack(label) ?? "-"
            #expect(ours.prefix { $0 != "}" } == mpds.prefix { $0 != "}" }, "\(ours) / \(mpds)")
        }
    }
}
