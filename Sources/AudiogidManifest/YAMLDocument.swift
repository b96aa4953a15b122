import AudiogidCore
import AudiogidMessages
import Foundation
import Yams

/// A YAML file composed once, so each reader takes its own part of the same tree (kiosk.yaml's `triggers:` for the
/// trigger reader, the rest for the kiosk's) and every finding points into the same text.
// @unchecked: Yams' Node is a plain value tree that is never mutated after composing; it is not marked Sendable.
public struct YAMLDocument: @unchecked Sendable {
    public let file: String
    /// The top node; nil for an empty file (or one holding only comments).
    public let root: Node?

    /// Composes `text` (read from `file`); a syntax error is thrown as a finding at its line and column.
    public init(text: String, file: String) throws(YAMLReadError) {
        self.file = file
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw YAMLReadError(finding: Self.finding(for: error, file: file))
        }
    }

    /// Reads and composes a file no larger than `maximumBytes` that must be UTF-8 text.
    public static func read(file: String, maximumBytes: Int = 1 << 20) throws(YAMLReadError) -> YAMLDocument {
        let start = SourceLocation(file: file, line: 1, column: 1)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue,
              let handle = FileHandle(forReadingAtPath: file) else {
            throw YAMLReadError(finding: Finding(.error, at: start, Wording(.fileUnreadable)))
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maximumBytes + 1)) ?? Data()
        guard data.count <= maximumBytes, !data.contains(0), let text = String(data: data, encoding: .utf8) else {
            throw YAMLReadError(finding: Finding(.error, at: start, Wording(.fileNotSmallUTF8, .number(maximumBytes >> 20))))
        }
        return try YAMLDocument(text: text, file: file)
    }

    /// The keys written at the top of the file, in order (empty when the top is not a mapping).
    public var topLevelKeys: [String] {
        root?.mapping?.compactMap { $0.key.scalar?.string } ?? []
    }

    /// The one mapping from Yams' errors to a finding at the line and column the parser stopped on.
    public static func finding(for error: any Error, file: String) -> Finding {
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard let yaml = error as? YamlError else { return Finding(.error, at: start, Wording(.yamlUnreadable, "\(error)")) }
        switch yaml {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return Finding(.error, at: SourceLocation(file: file, line: mark.line, column: mark.column),
                           Wording(.yamlSyntax, .text(problem)))
        case let .duplicatedKeysInMapping(duplicates, context):
            return Finding(.error, at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                           Wording(.yamlDuplicate, .text(duplicates.map { "'\($0)'" }.joined(separator: ", "))))
        case let .reader(problem, _, _, _):
            return Finding(.error, at: start, Wording(.yamlNotText, .text(problem)))
        default:
            return Finding(.error, at: start, Wording(.yamlUnreadable, "\(yaml)"))
        }
    }
}

/// A YAML file that could not be composed at all: one finding saying where and why.
public struct YAMLReadError: Error, Sendable {
    public var finding: Finding
    public init(finding: Finding) { self.finding = finding }
}
