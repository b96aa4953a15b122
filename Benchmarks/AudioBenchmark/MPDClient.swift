import Foundation
import Glibc

/// The MPD protocol over mpd's unix socket: what `mpc` sends, without a process start per command, so the
/// reference is timed as favourably as possible.
final class MPDClient {
    private let fd: Int32

    init(socketPath: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(socketPath.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes + [0])
        }
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard ok == 0 else { throw BenchmarkError("cannot connect to mpd at \(socketPath)") }
        _ = try readReply(greeting: true)
    }

    deinit { close(fd) }

    @discardableResult
    func send(_ command: String) throws -> [String] {
        let line = Array((command + "\n").utf8)
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        return try readReply(greeting: false)
    }

    private var pending: [UInt8] = []

    private func readReply(greeting: Bool) throws -> [String] {
        var lines: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            while let nl = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                if greeting { return [line] }
                if line == "OK" { return lines }
                if line.hasPrefix("ACK") { throw BenchmarkError("mpd: \(line)") }
                lines.append(line)
            }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw BenchmarkError("mpd closed the connection") }
            pending.append(contentsOf: buffer[0 ..< n])
        }
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
