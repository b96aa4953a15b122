import Foundation

/// The built `audiogid` executable, run as staff and technicians run it. Shared by every test target that
/// checks a subcommand through the real binary.
public enum BuiltTool {
    /// The repository: tests run the tool from here, where `tours/` and `audio/` are.
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `$AUDIOGID_BINARY` when set; otherwise the `audiogid` beside the test bundle, i.e. from the same build,
    /// whatever the build folder is called.
    public static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["AUDIOGID_BINARY"] { return URL(fileURLWithPath: path) }
        var folder = Bundle.main.bundleURL
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("audiogid")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/audiogid")
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `audiogid ARGUMENTS` to completion from the repository folder.
    public static func run(_ arguments: [String], environment: [String: String] = [:],
                           in directory: URL = packageRoot) throws -> Result {
        try runProgram(executable, arguments, environment: environment, in: directory)
    }

    /// Runs any program to completion. Output goes to files rather than pipes, so a large output can never
    /// fill a pipe and block the program while the test waits for it.
    public static func runProgram(_ program: URL, _ arguments: [String], environment: [String: String] = [:],
                                  in directory: URL = packageRoot) throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("audiogid-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("stdout"), errURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)

        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
