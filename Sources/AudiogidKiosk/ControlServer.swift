import AudiogidCore
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// The control socket: a unix-domain socket (mode 0660) and, when configured, a TCP port, each
/// accepting MPD-protocol clients, one thread per client.
public final class ControlServer: @unchecked Sendable {
    private let kiosk: Kiosk
    private let settings: ControlSettings
    private let logger: Logger
    private let lock = NSLock()
    private var listeners: [Int32] = []
    private var clients: Set<Int32> = []
    private var stopped = false
    public private(set) var tcpPort: Int?

    public init(kiosk: Kiosk, settings: ControlSettings, logger: Logger) {
        self.kiosk = kiosk
        self.settings = settings
        self.logger = logger
    }

    /// Binds the sockets and starts accepting. Throws when another live daemon owns the socket path;
    /// a stale socket file left by a crash is replaced.
    public func start() throws(SocketError) {
        let unixFD = try Self.listenUnix(settings.socketPath)
        lock.withLock { listeners.append(unixFD) }
        spawnAcceptor(unixFD, permissions: Set(ControlPermission.allCases), label: settings.socketPath)
        if let port = settings.tcpPort {
            let (tcpFD, bound) = try Self.listenTCP(address: settings.tcpAddress, port: port)
            lock.withLock {
                listeners.append(tcpFD)
                tcpPort = bound
            }
            spawnAcceptor(tcpFD, permissions: settings.defaultPermissions, label: "\(settings.tcpAddress):\(bound)")
        }
    }

    /// Stops accepting, disconnects every client and removes the socket file.
    public func stop() {
        let (listening, connected): ([Int32], Set<Int32>) = lock.withLock {
            stopped = true
            defer { listeners.removeAll() }
            return (listeners, clients)
        }
        for fd in listening { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
        for fd in connected { shutdown(fd, Int32(SHUT_RDWR)) }
        unlink(settings.socketPath)
    }

    public var clientCount: Int { lock.withLock { clients.count } }

    private func spawnAcceptor(_ listenFD: Int32, permissions: Set<ControlPermission>, label: String) {
        let thread = Thread { [self] in acceptLoop(listenFD, permissions: permissions, label: label) }
        thread.name = "audiogid-accept"
        thread.start()
    }

    private func acceptLoop(_ listenFD: Int32, permissions: Set<ControlPermission>, label: String) {
        while true {
            let fd = Socket.retrying { accept(listenFD, nil, nil) }
            if fd < 0 {
                if lock.withLock({ stopped }) { return }
                // EMFILE and friends: wait a little rather than spin.
                logger.error("accept on \(label): \(SocketError("accept"))")
                usleep(100_000)
                continue
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            let admitted = lock.withLock { () -> Bool in
                guard !stopped, clients.count < settings.maxClients else { return false }
                clients.insert(fd)
                return true
            }
            guard admitted else {
                _ = Socket.sendAll(fd, Array("ACK [5@0] {} too many clients\n".utf8))
                close(fd)
                continue
            }
            let session = MPDSession(kiosk: kiosk, passwords: settings.passwords, permissions: permissions)
            let connection = ControlConnection(fd: fd, session: session, board: kiosk.changes,
                                               readTimeout: settings.connectionTimeout)
            let thread = Thread { [self] in
                connection.run()
                lock.withLock { _ = clients.remove(fd) }
                close(fd)
            }
            thread.name = "audiogid-client"
            thread.stackSize = 256 << 10
            thread.start()
        }
    }

    static func listenUnix(_ path: String) throws(SocketError) -> Int32 {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFSOCK else {
                throw SocketError("bind", "\(path) exists and is not a socket; refusing to replace it", errno: EEXIST)
            }
            do {
                let fd = try Socket.connectUnix(path)
                close(fd)
            } catch {
                guard error.errno == ECONNREFUSED else { throw error }
                unlink(path)  // a socket file left by a crash: nobody listens on it
            }
            if lstat(path, &info) == 0 {
                throw SocketError("bind", "\(path) is in use by a running daemon (stop it first, or give another --socket)", errno: EADDRINUSE)
            }
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket") }
        var address = try unixAddress(path, closing: fd)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { let error = SocketError("bind", path); close(fd); throw error }
        chmod(path, 0o660)
        guard listen(fd, 64) == 0 else { let error = SocketError("listen", path); close(fd); throw error }
        return fd
    }

    private static func unixAddress(_ path: String, closing fd: Int32) throws(SocketError) -> sockaddr_un {
        do { return try Socket.unixAddress(path) } catch { close(fd); throw error }
    }

    static func listenTCP(address requested: String, port: Int) throws(SocketError) -> (Int32, Int) {
        let address = requested == "localhost" ? "127.0.0.1" : requested
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(clamping: port).bigEndian)
        guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else {
            close(fd)
            throw SocketError("bind", "\(address) is not an IPv4 address", errno: EINVAL)
        }
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { let error = SocketError("bind", "\(address):\(port)"); close(fd); throw error }
        guard listen(fd, 64) == 0 else { let error = SocketError("listen"); close(fd); throw error }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }
}
