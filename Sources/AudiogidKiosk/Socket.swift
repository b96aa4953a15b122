import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A system call that failed: which one, on what, and errno's words.
public struct SocketError: Error, Sendable, CustomStringConvertible {
    public var function: String
    public var errno: Int32
    public var detail: String

    init(_ function: String, _ detail: String = "", errno code: Int32 = Glibc.errno) {
        self.function = function
        self.errno = code
        self.detail = detail
    }

    public var description: String {
        let what = detail.isEmpty ? "" : " \(detail)"
        return "\(function)\(what): \(String(cString: strerror(errno)))"
    }
}

/// Small wrappers over the socket calls: each retries EINTR and throws errno with the call's name.
enum Socket {
    static func retrying<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }

    /// Fills a `sockaddr_un` for `path`; paths longer than `sun_path` (108 bytes) are refused.
    static func unixAddress(_ path: String) throws(SocketError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { throw SocketError("bind", "\(path) (longer than \(capacity - 1) bytes)", errno: ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    static func connectUnix(_ path: String) throws(SocketError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket") }
        var address = try unixAddress(path)
        let result = retrying {
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
        }
        guard result == 0 else {
            let error = SocketError("connect", path)
            close(fd)
            throw error
        }
        return fd
    }

    static func connectTCP(host: String, port: Int) throws(SocketError) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { close(fd); throw SocketError("inet_pton", host, errno: EINVAL) }
        let result = retrying {
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard result == 0 else {
            let error = SocketError("connect", "\(host):\(port)")
            close(fd)
            throw error
        }
        return fd
    }

    /// Writes everything or fails; MSG_NOSIGNAL so a vanished client is an error, not a SIGPIPE.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                retrying { send(fd, raw.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    static func setTimeout(_ fd: Int32, option: Int32, seconds: Double) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        _ = setsockopt(fd, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }
}
