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
