import AudiogidTriggers
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Serial ports (card readers, GPS) and keypads from kiosk.yaml's `triggers:`: present, and open to the service's
/// user, or which group to add it to.
enum DeviceCheck {
    static func run(_ triggers: TriggersConfig, system: DoctorSystem, accounts: Accounts) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        for serial in triggers.serial {
            checks.append(device("serial", serial.port, write: false, system: system, accounts: accounts,
                                 missingFix: "plug the reader in; `ls -l /dev/serial/by-id/` names it the same way after every boot"))
        }
        if let gps = triggers.gps {
            checks.append(device("gps", gps.port, write: false, system: system, accounts: accounts,
                                 missingFix: "plug the receiver in; `ls -l /dev/serial/by-id/` gives a name that survives reboots"))
        }
        if let keypad = triggers.keypad {
            checks.append(device("keypad", keypad.device, write: false, system: system, accounts: accounts,
                                 missingFix: "plug the keypad in; `ls -l /dev/input/by-id/` lists keyboards by a name that survives reboots"))
        }
        return checks
    }

    static func device(_ area: String, _ path: String, write: Bool, system: DoctorSystem, accounts: Accounts,
                       missingFix: String) -> DoctorCheck {
        let local = system.path(path)
        guard FileManager.default.fileExists(atPath: local) else {
            return DoctorCheck(area, .problem, "\(path): not present", fix: missingFix)
        }
        return permission(area, path, local: local, write: write, system: system, accounts: accounts)
            ?? DoctorCheck(area, .ok, "\(path): present, \(system.serviceUser) may open it")
    }

    /// nil when the service's user may open the device; otherwise the check saying which group to add it to.
    static func permission(_ area: String, _ path: String, local: String, write: Bool, system: DoctorSystem,
                           accounts: Accounts) -> DoctorCheck? {
        guard let user = accounts.users[system.serviceUser] else {
            return DoctorCheck(area, .warning, "\(path): present, but there is no user \(system.serviceUser) to check it for",
                               fix: "install the package (it makes the user), or give --user")
        }
        switch accounts.access(of: user, to: local, write: write) {
        case .allowed, .missing: return nil
        case .needsGroup(let group?):
            return DoctorCheck(area, .problem, "\(path): \(system.serviceUser) is not in group \(group), which may open it",
                               fix: "sudo adduser \(system.serviceUser) \(group) && sudo systemctl restart audiogid")
        case .needsGroup(nil):
            return DoctorCheck(area, .problem, "\(path): its mode lets neither \(system.serviceUser) nor its groups open it",
                               fix: "a udev rule giving it a group (e.g. GROUP=\"dialout\", MODE=\"0660\"), then add \(system.serviceUser) to that group")
        }
    }
}
