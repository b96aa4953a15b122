import AudiogidCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One client of the control socket, on its own thread: MPD framing, command lists and `idle`.
///
/// A client can only hurt itself: an overlong line, a flood of commands or a command list without
/// end gets an `ACK` and the connection closed; a client that never reads its replies is dropped
/// when a write has been blocked for `writeTimeout`. The player is never waited on by a client.
final class ControlConnection: @unchecked Sendable {  // used by one thread only
    static let maxLineBytes = 4096
    static let maxCommandListLength = 4096
    /// As MPD's `max_command_list_size` (2 MiB there): a list is held whole before it runs, and 32 clients
    /// each holding 4096 lines of 4 KiB would be more memory than a Pi has.
    static let maxCommandListBytes = 1 << 20
    static let writeTimeout = 5.0

    let fd: Int32
    let session: MPDSession
    let board: ChangeBoard
    let readTimeout: Double
    private var buffer: [UInt8] = []
    private var listener: ChangeBoard.Listener?

    init(fd: Int32, session: MPDSession, board: ChangeBoard, readTimeout: Double = 60) {
        self.fd = fd
        self.session = session
        self.board = board
        self.readTimeout = readTimeout
    }

    func run() {
        listener = board.register()
        defer { if let listener { board.unregister(listener) } }
        Socket.setTimeout(fd, option: SO_SNDTIMEO, seconds: Self.writeTimeout)
        // A silent client times out of a read (EAGAIN ends the connection); `idle` waits in poll(), untimed.
        Socket.setTimeout(fd, option: SO_RCVTIMEO, seconds: readTimeout)
        guard send(["OK MPD \(MPDSession.protocolVersion)"]) else { return }
        while let line = nextLine() {
            guard let line else {
                guard send([MPDError(.argument, "invalid UTF-8 in command").ackLine(index: 0, command: "")]) else { return }
                continue
            }
            guard handle(line) else { return }
        }
    }

    /// Handles one line (or a whole command list); false = close the connection.
    private func handle(_ line: String) -> Bool {
        if line == "command_list_begin" || line == "command_list_ok_begin" {
            return runList(okEach: line == "command_list_ok_begin")
        }
        // As MPD: a `noidle` that arrives after the idle already answered gets no reply at all, so a
        // client racing a change does not read a stray OK as the answer to its next command.
        if line == "noidle" { return true }
        let request: MPDRequest
        do { request = try MPDRequest(line: line) } catch {
            return send([error.ackLine(index: 0, command: "")])
        }
        var out: [String] = []
        do {
            switch try session.respond(to: request, into: &out) {
            case .reply:
                return send(out + ["OK"])
            case .close:
                return false
            case .idle(let interest):
                return idle(interest)
            }
        } catch {
            return send(out + [error.ackLine(index: 0, command: request.name)])
        }
    }

    private func runList(okEach: Bool) -> Bool {
        var lines: [String] = []
        var invalidAt: Int?
        var bytes = 0
        while true {
            guard let next = nextLine() else { return false }
            guard let line = next else {
                // Keep reading to the end of the list, then refuse it whole: nothing of a garbled list runs.
                invalidAt = invalidAt ?? lines.count
                lines.append("")
                continue
            }
            if line == "command_list_end" { break }
            bytes += line.utf8.count + 1
            guard lines.count < Self.maxCommandListLength, bytes <= Self.maxCommandListBytes else {
                _ = send([MPDError(.argument, "command list too long").ackLine(index: lines.count, command: "")])
                return false
            }
            lines.append(line)
        }
        if let invalidAt {
            return send([MPDError(.argument, "invalid UTF-8 in command").ackLine(index: invalidAt, command: "")])
        }
        var out: [String] = []
        for (index, line) in lines.enumerated() {
            let request: MPDRequest
            do { request = try MPDRequest(line: line) } catch {
                return send(out + [error.ackLine(index: index, command: "")])
            }
            do throws(MPDError) {
                switch try session.respond(to: request, into: &out) {
                case .reply: break
                case .close: return false
                case .idle: throw MPDError(.argument, "idle is not allowed in a command list")
                }
            } catch {
                return send(out + [error.ackLine(index: index, command: request.name)])
            }
            if okEach { out.append("list_OK") }
        }
        return send(out + ["OK"])
    }

    /// Waits for a change the client is interested in, or its `noidle`.
    private func idle(_ interest: Set<MPDSubsystem>) -> Bool {
        guard let listener else { return send([MPDError(.system, "cannot wait for changes").ackLine(index: 0, command: "idle")]) }
        func answer(_ changed: Set<MPDSubsystem>) -> Bool {
            send(changed.map(\.rawValue).sorted().map { "changed: \($0)" } + ["OK"])
        }
        while true {
            let changed = board.take(listener, interest: interest)
            if !changed.isEmpty { return answer(changed) }
            if buffer.contains(10) {
                // Anything but noidle while idle is a protocol error; MPD closes the connection.
                guard case .some(.some("noidle")) = nextLine() else { return false }
                return answer(board.take(listener, interest: interest))
            }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: listener.eventFD, events: Int16(POLLIN), revents: 0)]
            let ready = Socket.retrying { poll(&fds, 2, -1) }
            guard ready > 0 else { return false }
            if fds[0].revents != 0 {
                guard fill() else { return false }
            }
        }
    }

    /// The next complete line: `.some(nil)` for a line that is not UTF-8, nil when the client left or broke
    /// the framing.
    private func nextLine() -> String?? {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                var bytes = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if bytes.last == 13 { bytes.removeLast() }
                return .some(String(validating: bytes, as: UTF8.self))
            }
            if buffer.count > Self.maxLineBytes {
                _ = send([MPDError(.argument, "line longer than \(Self.maxLineBytes) bytes").ackLine(index: 0, command: "")])
                return nil
            }
            guard fill() else { return nil }
        }
    }

    /// Reads what the client sent; false when it closed or failed.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { raw in Socket.retrying { recv(fd, raw.baseAddress, raw.count, 0) } }
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }

    private func send(_ lines: [String]) -> Bool {
        var text = lines.joined(separator: "\n")
        text.append("\n")
        return Socket.sendAll(fd, Array(text.utf8))
    }
}
