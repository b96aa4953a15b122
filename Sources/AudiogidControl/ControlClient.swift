import AudiogidPOSIX
import AudiogidKiosk
import AudiogidCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal MPD-protocol client: what `audiogid ctl` and the tests speak to the daemon with.
public final class ControlClient {  // one thread at a time
    public struct Reply: Sendable, Equatable {
        /// The `key: value` lines before `OK`, or before the `ACK`.
        public var lines: [String]
        /// The `ACK ...` line when the command failed.
        public var ack: String?

        public var ok: Bool { ack == nil }
        public func value(_ key: String) -> String? {
            lines.first { $0.hasPrefix(key + ": ") }.map { String($0.dropFirst(key.count + 2)) }
        }
    }

    public private(set) var greeting = ""
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to a unix socket path, or `HOST:PORT` for TCP.
    public init(address: String, timeout: Double = 10) throws {
        if !address.hasPrefix("/"), let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) {
            fd = try Socket.connectTCP(host: String(address[..<colon]), port: port)
        } else {
            fd = try Socket.connectUnix(address)
        }
        Socket.setTimeout(fd, option: SO_RCVTIMEO, seconds: timeout)
        Socket.setTimeout(fd, option: SO_SNDTIMEO, seconds: timeout)
        greeting = readLine() ?? ""
        guard greeting.hasPrefix("OK MPD ") else {
            close(fd)
            throw SystemCallError("connect", address, errno: EPROTO, explanation: "\(address) did not greet as an MPD server (\(greeting.isEmpty ? "no answer" : greeting))")
        }
    }

    deinit { close(fd) }

    /// Sends one raw protocol line and reads its reply.
    public func send(_ line: String) throws -> Reply {
        guard Socket.sendAll(fd, Array((line + "\n").utf8)) else { throw SystemCallError("send") }
        return try readReply()
    }

    public func sendRaw(_ bytes: [UInt8]) -> Bool { Socket.sendAll(fd, bytes) }

    public func readReply() throws -> Reply {
        var lines: [String] = []
        while let line = readLine() {
            if line == "OK" { return Reply(lines: lines, ack: nil) }
            if line.hasPrefix("ACK ") { return Reply(lines: lines, ack: line) }
            lines.append(line)
        }
        throw SystemCallError("recv", errno: ECONNRESET, explanation: "the daemon closed the connection")
    }

    private func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let bytes = buffer[..<newline]
                buffer.removeSubrange(...newline)
                return String(decoding: bytes, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { raw in Socket.retrying { recv(fd, raw.baseAddress, raw.count, 0) } }
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// Turns `audiogid ctl` words into one protocol line: `play 3` means stop number 3 (`playstop 3`),
    /// `lang zh` → `language zh`, `volume 40` → `setvol 40`, `volume +10` → `volume 10`; other words
    /// go through as MPD commands, so `ctl playlistinfo` works too.
    public static func protocolLine(forCtl words: [String]) -> String {
        guard !words.isEmpty else { return "status" }
        // A kiosk command in ctl's words (`play 3`, `lang zh`, `volume +10`) is parsed by the one grammar the
        // triggers use too; anything else (`status`, `playlistinfo`, `currentsong`) goes as an MPD command.
        if let command = try? Command(words: words) { return MPDRequest(command).line }
        return MPDRequest(name: words[0], arguments: Array(words.dropFirst())).line
    }
}
