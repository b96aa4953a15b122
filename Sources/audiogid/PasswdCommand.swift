import ArgumentParser
import AudiogidWeb
import Foundation
import HummingbirdBcrypt

struct PasswdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Make a login for the staff web page: prints the kiosk.yaml lines holding its bcrypt hash.",
        discussion: """
            Asks for the password twice (or reads one line from standard input with --stdin) and prints
            lines to paste under `web:` in kiosk.yaml. The password itself is stored nowhere.
            """)

    @Option(name: .long, help: "The login name (letters, digits, '.', '_', '-').")
    var user: String
    @Option(name: .long, help: "staff (plays, switches tours, sets the clock) or viewer (looks only).")
    var role: String = "staff"
    @Flag(name: .long, help: "Read the password from standard input (one line) instead of asking.")
    var stdin = false
    @Option(name: .long, help: "bcrypt cost, 10-14; each step doubles the time a guess takes.")
    var cost: UInt8 = 12

    func validate() throws {
        guard WebRole(rawValue: role) != nil else { throw ValidationError("--role is staff or viewer") }
        guard !user.isEmpty, user.count <= 64, user.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw ValidationError("--user is letters, digits, '.', '_' or '-'")
        }
        guard (10...14).contains(cost) else { throw ValidationError("--cost is between 10 and 14") }
    }

    func run() throws {
        let password: String
        if stdin {
            password = readLine(strippingNewline: true) ?? ""
        } else {
            let first = String(cString: getpass("Password for \(user): "))
            let second = String(cString: getpass("Again: "))
            guard first == second else {
                FileHandle.standardError.write(Data("audiogid passwd: the two passwords differ; nothing written\n".utf8))
                throw ExitCode(1)
            }
            password = first
        }
        guard password.count >= 8 else {
            FileHandle.standardError.write(Data("audiogid passwd: use at least 8 characters\n".utf8))
            throw ExitCode(1)
        }
        guard password.utf8.count <= 72 else {
            FileHandle.standardError.write(Data("audiogid passwd: bcrypt reads at most 72 bytes; use a shorter password\n".utf8))
            throw ExitCode(1)
        }
        let hash = Bcrypt.hash(password, cost: cost)
        print("""
            # under `web:` in kiosk.yaml
              users:
                \(user): {password: "\(hash)", role: \(role)}
            """)
    }
}
