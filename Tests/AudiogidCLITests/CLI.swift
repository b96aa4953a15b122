import AudiogidTestSupport
import Foundation

/// The built `audiogid`, and the other programs (sox) the CLI tests measure its answers against.
enum CLI {
    static var packageRoot: URL { BuiltTool.packageRoot }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> BuiltTool.Result {
        try BuiltTool.run(arguments, environment: environment)
    }

    static func tool(_ executable: String, _ arguments: [String]) throws -> String {
        try BuiltTool.runProgram(URL(fileURLWithPath: executable), arguments).stdout
    }
}

extension CLI {
    struct TimedResult {
        var status: Int32
        var stderr: String
        /// True when the program was still running at the deadline and was killed.
        var timedOut: Bool
    }

    /// Runs `audiogid ARGUMENTS` and waits for it to exit, at most `seconds`: a program that should refuse to start
    /// but starts instead is killed and reported, rather than hanging the test.
    static func run(_ arguments: [String], deadline seconds: Double) throws -> TimedResult {
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("audiogid-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let process = Process()
        process.executableURL = BuiltTool.executable
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let timedOut = exited.wait(timeout: .now() + seconds) == .timedOut
        if timedOut {
            // A daemon that started is asked to stop, then killed if it does not within a few seconds.
            process.terminate()
            if exited.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
        }
        return TimedResult(status: process.terminationStatus,
                           stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self), timedOut: timedOut)
    }
}
