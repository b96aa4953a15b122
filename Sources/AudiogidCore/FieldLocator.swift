/// Finds where in the manifest a field was written, so a finding can name the file, line and column.
///
/// Fields are named by dotted paths: `id`, `route.start`, `stops[3].number`, `stops[3].audio.zh`.
/// A locator that does not know a path falls back to its parent (`stops[3].audio.zh` → `stops[3].audio`
/// → `stops[3]`), and finally to the start of the file.
public struct FieldLocator: Sendable {
    public var file: String
    public var positions: [String: SourceLocation]
    /// Fields that already have an error about how they were written; later rules stay quiet about them,
    /// so staff see one clear message per mistake.
    public var reported: Set<String>

    public init(file: String, positions: [String: SourceLocation] = [:], reported: Set<String> = []) {
        self.file = file
        self.positions = positions
        self.reported = reported
    }

    public func locate(_ path: String) -> SourceLocation {
        var path = path
        while true {
            if let location = positions[path] { return location }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            path = String(path[..<cut])
        }
        return SourceLocation(file: file, line: 1, column: 1)
    }
}
