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
    /// fill a pipe and block the program while the test waits for it. A program still running after
    /// `seconds` is stopped (SIGTERM, then SIGKILL) and its status returned, so it cannot hang the test.
    public static func runProgram(_ program: URL, _ arguments: [String], environment: [String: String] = [:],
                                  in directory: URL = packageRoot, within seconds: Double = 50) throws -> Result {
        let running = try RunningProgram(program, arguments, environment: environment, in: directory)
        let status = running.exitedBlocking(within: seconds) ?? running.stopBlocking()
        return Result(status: status, stdout: running.stdout, stderr: running.stderr)
    }
}
