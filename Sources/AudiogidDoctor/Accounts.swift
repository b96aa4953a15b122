import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The system's users and groups, from /etc/passwd and /etc/group under the doctor's root (not NSS: a fake tree
/// must answer the same way, and a kiosk keeps its accounts in these files).
struct Accounts {
    struct Group { var name: String; var id: UInt32; var members: Set<String> }
    struct User { var name: String; var id: UInt32; var groupID: UInt32 }

    var users: [String: User] = [:]
    var groups: [Group] = []

    init(system: DoctorSystem) {
        for line in (system.read("/etc/passwd") ?? "").split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 4, let uid = UInt32(fields[2]), let gid = UInt32(fields[3]) else { continue }
            users[fields[0]] = User(name: fields[0], id: uid, groupID: gid)
        }
        for line in (system.read("/etc/group") ?? "").split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 4, let gid = UInt32(fields[2]) else { continue }
            groups.append(Group(name: fields[0], id: gid, members: Set(fields[3].split(separator: ",").map(String.init))))
        }
    }

    func group(id: UInt32) -> Group? { groups.first { $0.id == id } }
    func group(named name: String) -> Group? { groups.first { $0.name == name } }

    /// The groups `user` belongs to: its own and every group listing it.
    func groupIDs(of user: User) -> Set<UInt32> {
        Set(groups.filter { $0.members.contains(user.name) }.map(\.id)).union([user.groupID])
    }

    enum Access: Equatable {
        case allowed
        case missing
        /// The user lacks the file's group: add it (nil when the file's group allows nothing either).
        case needsGroup(String?)
    }

    /// Whether `user` may read (and write, when asked) `path`, by the file's owner, group and mode.
    func access(of user: User, to path: String, write: Bool) -> Access {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        let mode = info.st_mode
        let wanted: (owner: mode_t, group: mode_t, other: mode_t) = write
            ? (S_IRUSR | S_IWUSR, S_IRGRP | S_IWGRP, S_IROTH | S_IWOTH) : (S_IRUSR, S_IRGRP, S_IROTH)
        if user.id == 0 { return .allowed }
        if info.st_uid == user.id && mode & wanted.owner == wanted.owner { return .allowed }
        if groupIDs(of: user).contains(info.st_gid) && mode & wanted.group == wanted.group { return .allowed }
        if mode & wanted.other == wanted.other { return .allowed }
        return .needsGroup(mode & wanted.group == wanted.group ? (group(id: info.st_gid)?.name ?? "\(info.st_gid)") : nil)
    }
}
