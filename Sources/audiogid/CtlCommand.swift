import AudiogidControl
import ArgumentParser
import AudiogidKiosk
import Foundation

struct CtlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Send one command to the running daemon.",
        discussion: """
            play N (stop number N), play (resume), stop, pause, resume, toggle, next, prev, replay,
            lang CODE | lang next, volume N | +N | -N | up | down, tour ID, reload, status;
            any other words are sent as an MPD command (e.g. playlistinfo, currentsong).
            """)

    @Option(name: .long, help: "Control socket path, or HOST:PORT for TCP.")
    var socket: String?
    @Option(name: .long, help: "Password, when the daemon's TCP port asks for one.")
    var password: String?
    @Argument(help: "The command and its arguments.")
    var words: [String] = ["status"]

    func run() throws {
        let address = socket ?? ControlSettings.defaultSocketPath
        let client: ControlClient
        do {
            client = try ControlClient(address: address)
        } catch {
            FileHandle.standardError.write(Data("""
                audiogid ctl: no daemon answers on \(address) (\(error)).
                Start one with `audiogid daemon` (in the repository, for the demo tour) or `systemctl start audiogid`,
                or give its socket with --socket PATH.

                """.utf8))
            throw ExitCode(3)
        }
        if let password {
            let reply = try client.send("password \(MPDRequest.quote(password))")
            if let ack = reply.ack { FileHandle.standardError.write(Data("audiogid ctl: \(ack)\n".utf8)); throw ExitCode(1) }
        }
        let reply = try client.send(ControlClient.protocolLine(forCtl: words))
        for line in reply.lines { print(line) }
        if let ack = reply.ack {
            FileHandle.standardError.write(Data("audiogid ctl: \(ack)\n".utf8))
            throw ExitCode(1)
        }
    }
}
