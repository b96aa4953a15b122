import AudiogidMessages
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the Kiosk page shows about the machine.
public struct KioskFacts: Sendable, Codable, Equatable {
    public var diskFreeBytes: Int64?
    public var diskTotalBytes: Int64?
    public var uptimeSeconds: Double?
    public var versions: [String: String]
    /// The kiosk's clock, milliseconds since 1970, for the page to compare with the browser's.
    public var serverTimeMs: Int64
    public var logLines: [String]?
    public var config: String?

    /// Reads the facts for the data folder at `dataDirectory`, the config file at `configFile`.
    static func gather(dataDirectory: String, configFile: String?, log: () -> [String]?) -> KioskFacts {
        var disk = statvfs()
        let haveDisk = statvfs(dataDirectory, &disk) == 0
        let uptime = (try? String(contentsOfFile: "/proc/uptime", encoding: .utf8))?.split(separator: " ").first.flatMap { Double($0) }
        var versions = ["audiogid": WebVersion.audiogid]
        var names = utsname()
        if uname(&names) == 0 {
            versions["kernel"] = withUnsafeBytes(of: names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        if let release = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8),
           let line = release.split(separator: "\n").first(where: { $0.hasPrefix("PRETTY_NAME=") }) {
            versions["system"] = line.dropFirst(12).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        let config = configFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }.map(Self.hidingSecrets)
        return KioskFacts(diskFreeBytes: haveDisk ? Int64(disk.f_bavail) * Int64(disk.f_frsize) : nil,
                          diskTotalBytes: haveDisk ? Int64(disk.f_blocks) * Int64(disk.f_frsize) : nil,
                          uptimeSeconds: uptime, versions: versions,
                          serverTimeMs: Int64(Date().timeIntervalSince1970 * 1000), logLines: log(), config: config)
    }

    /// kiosk.yaml as shown on the page: the value of every `password:` key (the control socket's passwords and
    /// the page's own hashes) replaced, so a viewer cannot read them off the screen.
    public static func hidingSecrets(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let range = line.range(of: "password:") else { return String(line) }
            let before = line[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            guard before.isEmpty || before == "-" || before.hasSuffix("{") || before.hasSuffix(",") || before.hasSuffix("- {") else {
                return String(line)
            }
            // Keep a flow mapping's closing brace and what follows the secret (`role: staff}`).
            let rest = line[range.upperBound...]
            let tail = rest.firstIndex(of: ",").map { String(rest[$0...]) } ?? (rest.hasSuffix("}") ? "}" : "")
            return line[..<range.upperBound] + " \"(hidden)\"" + tail
        }.joined(separator: "\n")
    }

    /// The daemon's last `count` journal lines, when the journal can be read by this process.
    public static func journal(unit: String = "audiogid.service", count: Int = 200) -> [String]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/journalctl")
        process.arguments = ["-u", unit, "-n", "\(count)", "--no-pager", "-o", "short-iso", "-q"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/journalctl"), (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(count).map(String.init)
    }
}

public enum WebVersion {
    public static let audiogid = "0.9"
}

/// Sets the system clock; refused without root or CAP_SYS_TIME.
public enum SystemClock {
    public struct Refused: Error, Sendable, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public static func set(_ date: Date) throws(Refused) {
        var time = timespec(tv_sec: Int(date.timeIntervalSince1970), tv_nsec: Int((date.timeIntervalSince1970.truncatingRemainder(dividingBy: 1)) * 1e9))
        guard clock_settime(CLOCK_REALTIME, &time) == 0 else {
            let code = errno
            throw Refused(description: code == EPERM
                ? "the kiosk refused to set its clock: the web process needs root or CAP_SYS_TIME (audiogid-web.service grants it)"
                : "the kiosk could not set its clock: \(String(cString: strerror(code)))")
        }
    }
}
