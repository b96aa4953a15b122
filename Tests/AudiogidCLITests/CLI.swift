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
    /// but starts instead is stopped (SIGTERM, SIGKILL after ten seconds) and reported, rather than hanging the test.
    static func run(_ arguments: [String], deadline seconds: Double) throws -> TimedResult {
        let program = try RunningProgram(audiogid: arguments)
        if let status = program.exitedBlocking(within: seconds) {
            return TimedResult(status: status, stderr: program.stderr, timedOut: false)
        }
        let status = program.stopBlocking()
        return TimedResult(status: status, stderr: program.stderr, timedOut: true)
    }
}
