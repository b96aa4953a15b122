import Foundation

/// Resolves the clip paths a manifest names to files inside a library's `audio/` folder, and refuses any
/// path that would leave it: an absolute path, `..` climbing out, or a symlink pointing elsewhere.
/// A kiosk plays what staff copied onto it; it must never read `/etc/passwd` because a manifest said so.
public struct ClipLocator: Sendable {
    public enum Problem: Error, Sendable, Equatable {
        case empty
        case absolute
        case escapes
        case symlinkEscapes(target: String)
        case missing(lookedAt: String)
        case notAFile
    }

    public let audioDirectory: URL
    private let realAudioDirectory: String

    public init(audioDirectory: URL) {
        self.audioDirectory = audioDirectory.standardizedFileURL
        realAudioDirectory = Self.realPath(audioDirectory.path) ?? audioDirectory.standardizedFileURL.path
    }

    /// Where the clip would be, without checking that it is there or safe. For display and playback of a checked tour.
    public func url(for relativePath: String) -> URL {
        audioDirectory.appendingPathComponent(relativePath)
    }

    /// The clip's file, once it is proven to be a regular file inside `audio/`.
    public func resolve(_ relativePath: String) -> Result<URL, Problem> {
        guard !relativePath.isEmpty else { return .failure(.empty) }
        guard !relativePath.hasPrefix("/"), !relativePath.hasPrefix("~") else { return .failure(.absolute) }
        var depth = 0
        for component in relativePath.split(separator: "/", omittingEmptySubsequences: true) {
            if component == ".." { depth -= 1 } else if component != "." { depth += 1 }
            if depth < 0 { return .failure(.escapes) }
        }
        let url = url(for: relativePath)
        guard let real = Self.realPath(url.path) else { return .failure(.missing(lookedAt: url.path)) }
        guard real.hasPrefix(realAudioDirectory + "/") else { return .failure(.symlinkEscapes(target: real)) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return .failure(.notAFile)
        }
        return .success(URL(fileURLWithPath: real))
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
