import ArgumentParser
import AudiogidDoctor
import Foundation

/// `audiogid doctor`: a new kiosk's health check, for the technician (text) or a fleet tool (JSON).
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check this kiosk: configuration, data folder, database, sound card, GPIO, serial ports, keypad, clock, services, tour.",
        discussion: """
        Says in plain words what to fix, with kiosk.yaml's file:line for configuration mistakes.
        Exit status: 0 every check ok, 1 something needs attention (listed), 2 usage error.
        """
    )

    @Option(help: "The kiosk config.")
    var config: String = "/etc/audiogid/kiosk.yaml"

    @Option(help: "The data folder, instead of kiosk.yaml's data: (the service passes /var/lib/audiogid).")
    var data: String?

    @Option(help: "The account the service runs as.")
    var user: String = "audiogid"

    @Option(help: "text or json.")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp("Look for /dev, /proc, /etc and /run under this folder (for tests).", visibility: .hidden))
    var systemRoot: String = "/"

    @Option(help: ArgumentHelp("systemctl to ask for the services' state (for tests).", visibility: .hidden))
    var systemctl: String = "/usr/bin/systemctl"

    func run() throws {
        let system = DoctorSystem(root: systemRoot, buildYear: audiogidBuildYear, serviceUser: user, systemctl: systemctl)
        let report = Doctor.examine(config: config, data: data, system: system)
        switch format {
        case .json: print(try JSONOutput.encode(report))
        case .text: print(report.text)
        }
        if !report.healthy { throw ExitCode(1) }
    }
}
