import AudiogidCore
import AudiogidDaemon
import Foundation

/// kiosk.yaml read as strictly as the daemon reads it; every finding with its file, line and column.
enum ConfigurationCheck {
    static func run(path: String) -> (KioskFile?, DoctorCheck) {
        guard FileManager.default.fileExists(atPath: path) else {
            return (nil, DoctorCheck("config", .problem, "\(path): no such file",
                                     fix: "install the package's kiosk.yaml again (apt install --reinstall audiogid) or give --config FILE"))
        }
        let (file, findings) = KioskFile.check(path: path)
        let details = findings.map {
            "\($0.location.file):\($0.location.line):\($0.location.column): \($0.severity.rawValue): \($0.message)"
        }
        let errors = findings.filter { $0.severity == .error }.count
        if file == nil || errors > 0 {
            return (nil, DoctorCheck("config", .problem, "\(path): \(errors) error\(errors == 1 ? "" : "s"); the daemon will not start",
                                     details: details, fix: "correct the lines above, then `audiogid check-config \(path)`"))
        }
        if !findings.isEmpty {
            return (file, DoctorCheck("config", .warning, "\(path): \(findings.count) warning\(findings.count == 1 ? "" : "s")",
                                      details: details))
        }
        return (file, DoctorCheck("config", .ok, "\(path): no errors"))
    }
}
