import AudiogidKiosk
import AudiogidStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The data folder (the service's user can write it, its disk has room) and the database in it (SQLite's own
/// integrity check).
enum DataFolderCheck {
    static func folder(_ configuration: KioskConfiguration, system: DoctorSystem, accounts: Accounts) -> DoctorCheck {
        let folder = configuration.dataDirectory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            return DoctorCheck("data", .problem, "\(folder): no such folder",
                               fix: "sudo install -d -o \(system.serviceUser) -g \(system.serviceUser) -m 0750 \(folder)")
        }
        if let user = accounts.users[system.serviceUser],
           accounts.access(of: user, to: folder, write: true) != .allowed {
            return DoctorCheck("data", .problem, "\(folder) is not writable by \(system.serviceUser): the play log and state cannot be saved",
                               fix: "sudo chown -R \(system.serviceUser):\(system.serviceUser) \(folder)")
        }
        var space = statvfs()
        guard statvfs(folder, &space) == 0 else {
            return DoctorCheck("data", .problem, "\(folder): cannot read its disk's free space (\(String(cString: strerror(errno))))")
        }
        if space.f_flag & UInt(ST_RDONLY) != 0 {
            return DoctorCheck("data", .problem, "\(folder) is on a read-only file system",
                               fix: "put the data folder on a writable partition (see \"Read-only root\" in kiosk-setup.md)")
        }
        let free = Int64(space.f_bavail) * Int64(space.f_frsize)
        let megabytes = free / (1024 * 1024)
        if free < system.minimumFreeBytes {
            return DoctorCheck("data", .warning, "\(folder): only \(megabytes) MB free",
                               fix: "free space: old tour releases go with `audiogid uninstall`, the journal with `journalctl --vacuum-size=50M`")
        }
        return DoctorCheck("data", .ok, "\(folder): writable, \(megabytes) MB free")
    }

    static func database(_ configuration: KioskConfiguration) -> (KioskStore?, DoctorCheck) {
        let path = configuration.databasePath
        guard FileManager.default.fileExists(atPath: path) else {
            return (nil, DoctorCheck("database", .warning, "\(path): no database yet",
                                     fix: "the daemon makes it at its first start: sudo systemctl start audiogid"))
        }
        do {
            let store = try KioskStore(readingOnly: path)
            let answer = try store.integrityCheck()
            guard answer == "ok" else {
                return (nil, DoctorCheck("database", .problem, "\(path) is damaged", details: [answer], fix: repair(path)))
            }
            return (store, DoctorCheck("database", .ok, "\(path): integrity ok, \(try store.playCount()) plays logged"))
        } catch {
            return (nil, DoctorCheck("database", .problem, "\(path) cannot be read: \(error)", fix: repair(path)))
        }
    }

    private static func repair(_ path: String) -> String {
        "stop the service, move the file aside (sudo mv \(path) \(path).broken) and start it again: a new database is "
            + "made and the clips are indexed again; the old play log stays in the moved file"
    }
}
