import Foundation

/// The services' state, from systemd: the daemon should be enabled and running; the staff page is optional.
enum ServiceCheck {
    static func run(system: DoctorSystem) -> DoctorCheck {
        guard FileManager.default.fileExists(atPath: system.path("/run/systemd/system")), let systemctl = system.systemctl,
              FileManager.default.isExecutableFile(atPath: systemctl) else {
            return DoctorCheck("service", .warning, "systemd is not running here: the services' state is unknown",
                               fix: "on the kiosk itself: systemctl status audiogid")
        }
        let daemon = (active: ask(systemctl, "is-active", "audiogid.service"), enabled: ask(systemctl, "is-enabled", "audiogid.service"))
        let web = (active: ask(systemctl, "is-active", "audiogid-web.service"), enabled: ask(systemctl, "is-enabled", "audiogid-web.service"))
        let details = ["audiogid.service: \(daemon.active), \(daemon.enabled)", "audiogid-web.service: \(web.active), \(web.enabled)"]
        if daemon.active != "active" {
            return DoctorCheck("service", .problem, "the daemon is not running (\(daemon.active))", details: details,
                               fix: "sudo systemctl start audiogid; the reason is in `journalctl -u audiogid -n 30`")
        }
        if daemon.enabled != "enabled" {
            return DoctorCheck("service", .warning, "the daemon runs but will not start at boot (\(daemon.enabled))", details: details,
                               fix: "sudo systemctl enable audiogid")
        }
        return DoctorCheck("service", .ok, "the daemon is running and starts at boot", details: details)
    }

    /// systemctl's one-word answer (`active`, `failed`, `enabled`, `disabled`, ...).
    static func ask(_ systemctl: String, _ verb: String, _ unit: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: systemctl)
        process.arguments = [verb, unit]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "unknown" }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
