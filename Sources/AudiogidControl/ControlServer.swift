import AudiogidPOSIX
import AudiogidKiosk
import AudiogidCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The control socket: a unix-domain socket (mode 0660) and, when configured, a TCP port, each
/// accepting MPD-protocol clients. Every client is served on the shared event loop group's threads
/// (as many as cores, shared with the trigger sources), never a thread of its own.
public final class ControlServer: Sendable {
    private struct State {
        var listeners: [any Channel] = []
        var clients: [ObjectIdentifier: any Channel] = [:]
        var stopped = false
        var tcpPort: Int?
    }

    private let kiosk: Kiosk
    private let settings: ControlSettings
    private let logger: Logger
    private let group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    private let state = Mutex(State())
    private let shared = MPDServerState()

    public init(kiosk: Kiosk, settings: ControlSettings, logger: Logger) {
        self.kiosk = kiosk
        self.settings = settings
        self.logger = logger
    }

    public var tcpPort: Int? { state.withLock { $0.tcpPort } }

    public var clientCount: Int { state.withLock { $0.clients.count } }

    /// Binds the sockets and starts accepting. Throws when another live daemon owns the socket path;
    /// a stale socket file left by a crash is replaced.
    public func start() throws(SystemCallError) {
        let unixFD = try Self.listenUnix(settings.socketPath)
        try serve(unixFD, permissions: Set(ControlPermission.allCases), label: settings.socketPath)
        if let port = settings.tcpPort {
            let (tcpFD, bound) = try Self.listenTCP(address: settings.tcpAddress, port: port)
            try serve(tcpFD, permissions: settings.defaultPermissions, label: "\(settings.tcpAddress):\(bound)")
            state.withLock { $0.tcpPort = bound }
        }
    }

    /// Stops accepting, disconnects every client and removes the socket file.
    public func stop() {
        let (listening, connected) = state.withLock { state in
            state.stopped = true
            defer { state.listeners.removeAll() }
            return (state.listeners, Array(state.clients.values))
        }
        for channel in listening { channel.close(promise: nil) }
        for channel in connected { channel.close(promise: nil) }
        unlink(settings.socketPath)
        // Off the loops, return with the listening sockets closed, so the port can be bound again at once.
        if MultiThreadedEventLoopGroup.currentEventLoop == nil {
            for channel in listening { try? channel.closeFuture.wait() }
        }
    }

    /// Hands a bound, listening socket to the event loops.
    private func serve(_ fd: Int32, permissions: Set<ControlPermission>, label: String) throws(SystemCallError) {
        let logger = logger
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptErrorLogger(label: label, logger: logger))
                }
            }
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 << 10, high: 64 << 10))
            .childChannelInitializer { [self] channel in admit(channel, permissions: permissions) }
        do {
            let channel = try bootstrap.withBoundSocket(fd).wait()
            state.withLock { $0.listeners.append(channel) }
        } catch {
            close(fd)
            throw SystemCallError("listen", label, errno: EIO, explanation: "\(label): listen failed: \(error)")
        }
    }

    /// On the client's event loop, before it is registered: turns it away when full, else gives it a session.
    private func admit(_ channel: any Channel, permissions: Set<ControlPermission>) -> EventLoopFuture<Void> {
        let id = ObjectIdentifier(channel)
        // The connection hears of changes from before it is counted, so a client seen connected misses none.
        let session = MPDSession(kiosk: kiosk, passwords: settings.passwords, permissions: permissions, server: shared)
        let connection = ControlConnection(session: session, board: kiosk.changes, readTimeout: settings.connectionTimeout)
        let admitted = state.withLock { state -> Bool in
            guard !state.stopped, state.clients.count < settings.maxClients else { return false }
            state.clients[id] = channel
            return true
        }
        return channel.eventLoop.makeCompletedFuture {
            guard admitted else {
                kiosk.changes.unregister(connection.listener)
                logger.warning("control client turned away", metadata: ["max_clients": "\(settings.maxClients)"])
                try channel.pipeline.syncOperations.addHandler(TurnAway())
                return
            }
            channel.closeFuture.whenComplete { [self] _ in _ = state.withLock { $0.clients.removeValue(forKey: id) } }
            try channel.pipeline.syncOperations.addHandler(connection)
        }
    }

    static func listenUnix(_ path: String) throws(SystemCallError) -> Int32 {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFSOCK else {
                throw SystemCallError("bind", path, errno: EEXIST, explanation: "\(path) exists and is not a socket; refusing to replace it")
            }
            do {
                let fd = try Socket.connectUnix(path)
                close(fd)
            } catch {
                guard error.errno == ECONNREFUSED else { throw error }
                unlink(path)  // a socket file left by a crash: nobody listens on it
            }
            if lstat(path, &info) == 0 {
                throw SystemCallError("bind", path, errno: EADDRINUSE, explanation: "\(path) is in use by a running daemon (stop it first, or give another --socket)")
            }
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemCallError("socket") }
        var address = try unixAddress(path, closing: fd)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { let error = SystemCallError("bind", path); close(fd); throw error }
        chmod(path, 0o660)
        guard listen(fd, 64) == 0 else { let error = SystemCallError("listen", path); close(fd); throw error }
        return fd
    }

    private static func unixAddress(_ path: String, closing fd: Int32) throws(SystemCallError) -> sockaddr_un {
        do { return try Socket.unixAddress(path) } catch { close(fd); throw error }
    }

    static func listenTCP(address requested: String, port: Int) throws(SystemCallError) -> (Int32, Int) {
        let address = requested == "localhost" ? "127.0.0.1" : requested
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemCallError("socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(clamping: port).bigEndian)
        guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else {
            close(fd)
            throw SystemCallError("bind", address, errno: EINVAL, explanation: "\(address) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { let error = SystemCallError("bind", "\(address):\(port)"); close(fd); throw error }
        guard listen(fd, 64) == 0 else { let error = SystemCallError("listen"); close(fd); throw error }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }
}

/// What a client past `maxClients` gets: the door, without a greeting, as mpd does. Clients then report "connection
/// closed"; an ACK in place of the greeting would read as a malformed greeting ("Malformed connect message" in mpc).
private final class TurnAway: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    func channelActive(context: ChannelHandlerContext) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}

/// Logs what goes wrong accepting clients (EMFILE and friends; NIO backs off by itself) instead of losing it.
private final class AcceptErrorLogger: ChannelInboundHandler {
    typealias InboundIn = any Channel

    let label: String
    let logger: Logger

    init(label: String, logger: Logger) {
        self.label = label
        self.logger = logger
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.error("cannot accept a control client", metadata: ["listener": "\(label)", "error": "\(error)"])
        context.fireErrorCaught(error)
    }
}
