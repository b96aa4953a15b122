import AudiogidMessages
import AudiogidControl
import Foundation
import Logging

/// The daemon did not answer on its control socket (not running, restarting, or the socket is elsewhere).
public struct DaemonUnreachable: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// The web process's one line to the daemon's control socket for commands and status.
///
/// `ControlClient` is blocking, so every exchange runs on a serial queue of its own, off the HTTP event loops; one
/// connection is kept open and made again when the daemon has dropped it (a restart, or its idle-client timeout).
public final class KioskLink: @unchecked Sendable {  // `client` is touched on `queue` only
    public let socket: String
    private let queue = DispatchQueue(label: "audiogid.web.control")
    private var client: ControlClient?

    public init(socket: String) {
        self.socket = socket
    }

    /// Sends one protocol line and returns the daemon's reply (an `ACK` reply is a reply, not an error).
    public func send(_ line: String) async throws(DaemonUnreachable) -> ControlClient.Reply {
        let result: Result<ControlClient.Reply, DaemonUnreachable> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.exchange(line)) }
        }
        return try result.get()
    }

    public func status() async throws(DaemonUnreachable) -> NowStatus {
        NowStatus(statusLines: try await send("status").lines)
    }

    public func stops() async throws(DaemonUnreachable) -> [StopButton] {
        StopButton.list(try await send("playlistinfo").lines)
    }

    /// On `queue`: one try on the open connection, and one on a fresh one when that fails.
    private func exchange(_ line: String) -> Result<ControlClient.Reply, DaemonUnreachable> {
        for attempt in 0..<2 {
            do {
                if client == nil { client = try ControlClient(address: socket, timeout: 5) }
                return .success(try client!.send(line))
            } catch {
                client = nil
                if attempt == 1 { return .failure(DaemonUnreachable(description: "no daemon answers on \(socket): \(error)")) }
            }
        }
        return .failure(DaemonUnreachable(description: "no daemon answers on \(socket)"))
    }
}
