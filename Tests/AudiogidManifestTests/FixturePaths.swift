import Foundation

/// Paths of the repository and of the test fixtures, found from this file's location so tests run from any folder.
enum FixturePaths {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let library = packageRoot.appendingPathComponent("Tests/AudiogidManifestTests/Fixtures/library")
    static let brokenTours = library.appendingPathComponent("tours")
    static let demoTours = packageRoot.appendingPathComponent("tours")

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("audiogid-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
