import AudiogidCore
import AudiogidMessages
import Foundation

/// A path the user gave that names no tour.
public struct TourPathError: Error, Sendable, CustomStringConvertible {
    public var path: String
    /// What is wrong with it, by meaning.
    public var problem: Wording
    public var reason: String { problem.english }
    public var description: String { "\(path): \(reason)" }
    /// `PATH: reason` in the staff's language.
    public var wording: Wording { Wording(.pathProblem, .text(path), .wording(problem)) }
    var finding: Finding { Finding(.error, at: SourceLocation(file: path, line: 1, column: 1), problem) }
}

/// Finds manifests: a *library* is a folder holding `tours/` and `audio/` side by side
/// (the repository is one, a kiosk's data folder another).
public enum TourLibrary {
    /// The `audio/` folder a tour's clips live in: its library's, when the tour sits in `<library>/tours/<id>/`;
    /// otherwise an `audio/` folder beside the manifest (an unpacked tour package).
    /// A tour folder with an `audio/` folder of its own (an installed package's release, linked from `tours/ID`) uses that.
    public static func audioDirectory(forTourAt tourDirectory: URL) -> URL {
        var isDirectory: ObjCBool = false
        let own = tourDirectory.appendingPathComponent("audio")
        if FileManager.default.fileExists(atPath: own.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return own.standardizedFileURL
        }
        let parent = tourDirectory.deletingLastPathComponent()
        if parent.lastPathComponent == "tours" {
            return parent.deletingLastPathComponent().appendingPathComponent("audio").standardizedFileURL
        }
        return tourDirectory.appendingPathComponent("audio").standardizedFileURL
    }

    /// The one manifest `path` names: a `tour.yaml`, a tour folder, or a tour id in `./tours/`.
    public static func manifestPath(for path: String, library: String = ".") throws(TourPathError) -> String {
        let manifests = try manifestPaths(for: path)
        if manifests.count == 1 { return manifests[0] }
        if manifests.count > 1 {
            throw TourPathError(path: path, problem: Wording(.pathIsLibrary, .number(manifests.count)))
        }
        throw TourPathError(path: path, problem: Wording(.pathNoTour))
    }

    /// Every manifest `path` names: one for a manifest or a tour folder, all of them for a library.
    public static func manifestPaths(for path: String, library: String = ".") throws(TourPathError) -> [String] {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            let byID = (library as NSString).appendingPathComponent("tours/\(path)/tour.yaml")
            if !path.contains("/"), fileManager.fileExists(atPath: byID) { return [byID] }
            throw TourPathError(path: path, problem: Wording(.pathNotFound))
        }
        guard isDirectory.boolValue else { return [path] }
        let inFolder = (path as NSString).appendingPathComponent("tour.yaml")
        if fileManager.fileExists(atPath: inFolder) { return [inFolder] }
        let tours = (path as NSString).appendingPathComponent("tours")
        if let entries = try? fileManager.contentsOfDirectory(atPath: tours) {
            let found = entries.sorted().map { "\(tours)/\($0)/tour.yaml" }.filter { fileManager.fileExists(atPath: $0) }
            if !found.isEmpty { return found }
        }
        throw TourPathError(path: path, problem: Wording(.pathNothing))
    }
}
