import ArgumentParser
import Foundation

/// Text for people, JSON for tools.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

enum JSONOutput {
    static func encode<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// Writes to standard error after flushing standard output, so the two read in order when both go to one pipe.
func printError(_ message: String) {
    fflush(nil)   // nil flushes every output stream, standard output among them
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
