import Foundation

/// Where the doctor looks, and what it compares against. Everything the kernel or the system provides (/dev,
/// /proc/asound, /etc/passwd and /etc/group, /run/systemd) is read under `root`, so tests give a made-up tree in a
/// temporary folder where a real device cannot exist; the configuration, data folder and database are real paths.
public struct DoctorSystem: Sendable {
    /// "/" on a kiosk.
    public var root: String
    public var now: Date
    /// The year the program was built: a clock before it is certainly wrong.
    public var buildYear: Int
    /// The account the service runs as (packaging/debian/postinst makes it).
    public var serviceUser: String
    /// Below this, the data folder's disk gets a warning: the play log and a tour update need room.
    public var minimumFreeBytes: Int64
    /// `systemctl`, asked for the services' state when systemd runs here; nil never asks.
    public var systemctl: String?

    public init(root: String = "/", now: Date = Date(), buildYear: Int, serviceUser: String = "audiogid",
                minimumFreeBytes: Int64 = 200 * 1024 * 1024, systemctl: String? = "/usr/bin/systemctl") {
        self.root = root
        self.now = now
        self.buildYear = buildYear
        self.serviceUser = serviceUser
        self.minimumFreeBytes = minimumFreeBytes
        self.systemctl = systemctl
    }

    /// A system path under `root`.
    public func path(_ absolute: String) -> String {
        root == "/" ? absolute : (root as NSString).appendingPathComponent(absolute)
    }

    func read(_ absolute: String) -> String? { try? String(contentsOfFile: path(absolute), encoding: .utf8) }
}
