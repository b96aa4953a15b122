import Foundation

/// The paths a package may hold: `tour.yaml`, `paths.geojson`, and plain relative paths under `audio/`.
/// Anything that could land outside the release folder, or collide with another entry on a
/// case-insensitive or normalising file system (a FAT USB stick, a Mac), is refused.
enum PackagePath {
    static let topLevelFiles: Set<String> = ["tour.yaml", "paths.geojson"]

    /// nil when `path` is fine, else why not.
    static func problem(_ path: String) -> String? {
        if path.isEmpty { return "the path is empty" }
        if path.utf8.count > 1024 { return "the path is longer than 1024 bytes" }
        if path.hasPrefix("/") || path.hasPrefix("~") { return "the path is absolute" }
        if path.contains("\\") { return "the path contains a backslash" }
        if path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { return "the path contains a control character" }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains("..") { return "the path contains '..'" }
        if components.contains(where: { $0.isEmpty || $0 == "." }) { return "the path has an empty or '.' part" }
        if components.contains(where: { $0.utf8.count > 255 }) { return "a part of the path is longer than 255 bytes" }
        if components.count == 1 {
            return topLevelFiles.contains(path) ? nil : "only tour.yaml, paths.geojson and files under audio/ belong in a package"
        }
        return components[0] == "audio" ? nil : "only tour.yaml, paths.geojson and files under audio/ belong in a package"
    }

    /// What two paths that a file system might treat as one have in common: Swift compares strings by
    /// canonical equivalence (NFC = NFD), and lower-casing folds case.
    static func foldedKey(_ path: String) -> String {
        path.precomposedStringWithCanonicalMapping.lowercased()
    }
}
