import AudiogidKiosk
import AudiogidCore
import Foundation
import NIOCore
import NIOPosix

/// One client of the control socket, on its channel's event loop: MPD framing, command lists and `idle`.
///
/// A client can only hurt itself: an overlong line, a flood of commands or a command list without
/// end gets an `ACK` and the connection closed; a client that never reads its replies stops being
/// read, and is dropped when its replies have been stuck for `writeTimeout`. Replies go out in request
/// order: while a command runs through the kiosk (off the loop), nothing more of this client's input is
/// read or handled.
final class ControlConnection: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let maxLineBytes = 4096
    static let maxCommandListLength = 4096
    /// As MPD's `max_command_list_size` (2 MiB there): a list is held whole before it runs, and 32 clients
    /// each holding 4096 lines of 4 KiB would be more memory than a Pi has.
    static let maxCommandListBytes = 1 << 20
    static let writeTimeout = 5.0

    private enum Mode: Equatable {
        case ready
        /// A command is with the kiosk; the reply (and everything after it) waits for it.
        case running
        case idling(Set<MPDSubsystem>)
        case closing
    }

    private enum Line: Equatable {
        case text(String)
        case notUTF8
    }

    /// A command list being received: it runs only once `command_list_end` arrives.
    private struct CommandList {
        var okEach: Bool
        var lines: [String] = []
        var invalidAt: Int?
        var bytes = 0
    }

    /// A request (one line or a whole list) part way through: where it is and the reply so far.
    private struct Run {
        var lines: [String]
        var isList: Bool
        var okEach: Bool
        var index = 0
        var out: [String] = []
    }

    private let session: MPDSession
    private let board: ChangeBoard
    let listener: ChangeBoard.Listener
    private let readTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    private var executor: EventLoopTaskExecutor?
    private var input = ByteBuffer()
    private var mode = Mode.ready
    private var list: CommandList?
    private var inputClosed = false
    /// A read the channel asked for while this connection was not taking input.
    private var readHeldBack = false
    private var unflushed = false
    private var lastHeard = NIODeadline.now()
    private var silenceCheck: Scheduled<Void>?
    private var writeDeadline: Scheduled<Void>?

    init(session: MPDSession, board: ChangeBoard, readTimeout: Double = 60) {
        self.session = session
        self.board = board
        self.listener = board.register()
        self.readTimeout = .nanoseconds(Int64(readTimeout * 1e9))
    }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        executor = EventLoopTaskExecutor(context.eventLoop)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        board.unregister(listener)
        silenceCheck?.cancel()
        writeDeadline?.cancel()
        mode = .closing
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        send(["OK MPD \(MPDSession.protocolVersion)"])
        flush()
        lastHeard = .now()
        scheduleSilenceCheck(in: readTimeout)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        mode = .closing
        board.unregister(listener)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        input.writeBuffer(&bytes)
        lastHeard = .now()
        handleInput()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            // The client has said all it will: answer what it sent, then close.
            inputClosed = true
            handleInput()
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writeDeadline?.cancel()
            writeDeadline = nil
            handleInput()
        } else if writeDeadline == nil {
            // Replies pile up unread: stop taking requests, and give the client `writeTimeout` to catch up.
            writeDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(Self.writeTimeout * 1e9))) {
                [self] in
                close(immediately: true)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        close()
    }

    /// Holds the channel's reads back while the client is not to be read: backpressure instead of buffering.
    func read(context: ChannelHandlerContext) {
        if takingInput {
            context.read()
        } else {
            readHeldBack = true
        }
    }

    private var takingInput: Bool {
        guard let context, context.channel.isWritable, input.readableBytes <= Self.maxLineBytes else { return false }
        switch mode {
        case .ready, .idling: return true
        case .running, .closing: return false
        }
    }

    private func resumeReading() {
        guard readHeldBack, takingInput, let context else { return }
        readHeldBack = false
        context.read()
    }

    // MARK: - Requests

    /// Handles the complete lines received, as far as the connection may go now.
    private func handleInput() {
        loop: while let context {
            switch mode {
            case .running, .closing:
                break loop
            case .idling(let interest):
                guard let line = nextLine() else { break loop }
                // Anything but noidle while idle is a protocol error; MPD closes the connection.
                guard line == .text("noidle") else { close(); return }
                board.stopWaiting(listener)
                answerIdle(board.take(listener, interest: MPDSubsystem.kioskInterest(interest)))
            case .ready:
                guard context.channel.isWritable, let line = nextLine() else { break loop }
                handle(line)
            }
        }
        if inputClosed, mode != .running, !input.readableBytesView.contains(10) {
            close()
            return
        }
        flush()
        resumeReading()
    }

    private func handle(_ line: Line) {
        if list != nil {
            receiveListLine(line)
            return
        }
        guard case .text(let text) = line else {
            send([MPDError(.argument, "invalid UTF-8 in command").ackLine(index: 0, command: "")])
            return
        }
        switch text {
        case "command_list_begin", "command_list_ok_begin":
            list = CommandList(okEach: text == "command_list_ok_begin")
        case "noidle":
            // As MPD: a `noidle` that arrives after the idle already answered gets no reply at all, so a
            // client racing a change does not read a stray OK as the answer to its next command.
            break
        default:
            proceed(Run(lines: [text], isList: false, okEach: false))
        }
    }

    private func receiveListLine(_ line: Line) {
        guard var current = list else { return }
        switch line {
        case .notUTF8:
            // Keep reading to the end of the list, then refuse it whole: nothing of a garbled list runs.
            current.invalidAt = current.invalidAt ?? current.lines.count
            current.lines.append("")
        case .text("command_list_end"):
            list = nil
            if let invalidAt = current.invalidAt {
                send([MPDError(.argument, "invalid UTF-8 in command").ackLine(index: invalidAt, command: "")])
            } else {
                proceed(Run(lines: current.lines, isList: true, okEach: current.okEach))
            }
            return
        case .text(let text):
            current.bytes += text.utf8.count + 1
            guard current.lines.count < Self.maxCommandListLength, current.bytes <= Self.maxCommandListBytes else {
                list = nil
                send([MPDError(.argument, "command list too long").ackLine(index: current.lines.count, command: "")])
                close()
                return
            }
            current.lines.append(text)
        }
        list = current
    }

    /// Answers the run's commands from where it stands, until it is done or one goes to the kiosk.
    private func proceed(_ start: Run) {
        var run = start
        while run.index < run.lines.count {
            let request: MPDRequest
            do { request = try MPDRequest(line: run.lines[run.index]) } catch {
                send(run.out + [error.ackLine(index: run.index, command: "")])
                return
            }
            do throws(MPDError) {
                switch try session.respond(to: request, into: &run.out) {
                case .reply:
                    break
                case .close:
                    close()
                    return
                case .idle(let interest):
                    guard !run.isList else { throw MPDError(.argument, "idle is not allowed in a command list") }
                    startIdle(interest)
                    return
                case .perform(let command):
                    perform(command, named: request.name, in: run)
                    return
                case .picture(let picture):
                    sendPicture(picture, named: request.name, in: run)
                    return
                }
            } catch {
                send(run.out + [error.ackLine(index: run.index, command: request.name)])
                return
            }
            if run.okEach { run.out.append("list_OK") }
            run.index += 1
        }
        send(run.out + ["OK"])
    }

    /// Runs a command through the kiosk and carries on with the run once it is done and its play-log rows
    /// are written. The command runs on this loop and the wait for the disk holds no thread; loading a
    /// tour reads files for seconds, so `tour` and `reload` go to the blocking-IO pool instead.
    private func perform(_ command: Command, named name: String, in run: Run) {
        guard let context else { return }
        mode = .running
        let kiosk = session.kiosk
        let done: EventLoopFuture<Result<Void, KioskRefusal>>
        switch command {
        case .tour, .reload:
            done = NIOThreadPool.singleton.runIfActive(eventLoop: context.eventLoop) {
                kiosk.performAndWait(command, source: .socket)
            }
        default:
            let promise = context.eventLoop.makePromise(of: Result<Void, KioskRefusal>.self)
            Task(executorPreference: executor) { promise.succeed(await kiosk.perform(command, source: .socket)) }
            done = promise.futureResult
        }
        done.assumeIsolated().whenComplete { [self] outcome in
            guard mode == .running else { return }  // closed meanwhile
            mode = .ready
            lastHeard = .now()
            var run = run
            switch outcome {
            case .success(.success):
                if run.okEach { run.out.append("list_OK") }
                run.index += 1
                proceed(run)
            case .success(.failure(let refusal)):
                send(run.out + [MPDError(refusal).ackLine(index: run.index, command: name)])
            case .failure(let error):
                send(run.out + [MPDError(.system, "\(error)").ackLine(index: run.index, command: name)])
            }
            handleInput()
        }
    }

    /// Reads the asked piece of a picture on the blocking-IO pool (never on the event loop), sends it as mpd's
    /// binary reply (`size`, `type`, `binary: N`, the bytes, a newline) and carries on with the run.
    private func sendPicture(_ picture: MPDPicture, named name: String, in run: Run) {
        guard let context else { return }
        mode = .running
        let read = NIOThreadPool.singleton.runIfActive(eventLoop: context.eventLoop) { () -> (size: Int, piece: [UInt8])? in
            // Only the piece asked for: a client fetches a picture in many pieces.
            guard let file = FileHandle(forReadingAtPath: picture.url.path) else { return nil }
            defer { try? file.close() }
            guard let size = try? file.seekToEnd() else { return nil }
            guard picture.offset < size else { return (Int(size), []) }
            try? file.seek(toOffset: UInt64(picture.offset))
            return (Int(size), [UInt8]((try? file.read(upToCount: picture.limit)) ?? Data()))
        }
        read.assumeIsolated().whenComplete { [self] outcome in
            guard mode == .running else { return }
            mode = .ready
            lastHeard = .now()
            var run = run
            switch outcome {
            case .success(let file?) where picture.offset <= file.size:
                var header = run.out + ["size: \(file.size)"]
                if let type = picture.type { header.append("type: \(type)") }
                header.append("binary: \(file.piece.count)")
                send(header)
                sendBytes(file.piece + [10])
                run.out = []
                if run.okEach { run.out.append("list_OK") }
                run.index += 1
                proceed(run)
            case .success(.some):
                send(run.out + [MPDError(.argument, "Offset too large").ackLine(index: run.index, command: name)])
            case .success(nil), .failure:
                send(run.out + [MPDError(.noExist, "No file exists").ackLine(index: run.index, command: name)])
            }
            handleInput()
        }
    }

    // MARK: - Idle

    private func startIdle(_ interest: Set<MPDSubsystem>) {
        guard let context else { return }
        let loop = context.eventLoop
        let connection = NIOLoopBound(self, eventLoop: loop)
        let changed = board.waitForChanges(listener, interest: MPDSubsystem.kioskInterest(interest)) {
            loop.execute { connection.value.changesArrived() }
        }
        if changed.isEmpty {
            mode = .idling(interest)
        } else {
            answerIdle(changed)
        }
    }

    private func changesArrived() {
        guard case .idling(let interest) = mode else { return }
        answerIdle(board.take(listener, interest: MPDSubsystem.kioskInterest(interest)))
        handleInput()
    }

    private func answerIdle(_ changed: Set<KioskChange>) {
        mode = .ready
        lastHeard = .now()
        send(changed.map { MPDSubsystem($0).rawValue }.sorted().map { "changed: \($0)" } + ["OK"])
    }

    // MARK: - Framing

    /// The next complete line, nil when none is complete yet. A line over `maxLineBytes` is refused
    /// and the connection closed.
    private func nextLine() -> Line? {
        guard let newline = input.readableBytesView.firstIndex(of: 10) else {
            if input.readableBytes > Self.maxLineBytes {
                send([MPDError(.argument, "line longer than \(Self.maxLineBytes) bytes").ackLine(index: 0, command: "")])
                close()
            }
            return nil
        }
        let length = newline - input.readerIndex
        var bytes = input.readBytes(length: length) ?? []
        input.moveReaderIndex(forwardBy: 1)
        if input.readableBytes == 0 { input.clear() }
        if bytes.last == 13 { bytes.removeLast() }
        return String(validating: bytes, as: UTF8.self).map(Line.text) ?? .notUTF8
    }

    private func send(_ lines: [String]) {
        guard let context, mode != .closing else { return }
        var buffer = context.channel.allocator.buffer(capacity: lines.reduce(0) { $0 + $1.utf8.count + 1 })
        for line in lines {
            buffer.writeString(line)
            buffer.writeInteger(UInt8(10))
        }
        context.write(wrapOutboundOut(buffer), promise: nil)
        unflushed = true
    }

    private func sendBytes(_ bytes: [UInt8]) {
        guard let context, mode != .closing else { return }
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
        unflushed = true
    }

    private func flush() {
        guard unflushed, let context else { return }
        unflushed = false
        context.flush()
    }

    /// Closes once what was already written has gone out, so a last `ACK` reaches the client; or at once,
    /// dropping what the client never read.
    private func close(immediately: Bool = false) {
        guard let context else { return }
        if immediately {
            mode = .closing
            context.close(promise: nil)
            return
        }
        guard mode != .closing else { return }
        mode = .closing
        list = nil
        unflushed = false
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).assumeIsolated().whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    // MARK: - Silence

    /// As MPD's `connection_timeout`: a client silent this long outside `idle` (and not waiting on a
    /// command of its own) is disconnected, so forgotten connections cannot use up `maxClients`.
    private func scheduleSilenceCheck(in delay: TimeAmount) {
        guard let context else { return }
        silenceCheck = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
            checkSilence()
        }
    }

    private func checkSilence() {
        switch mode {
        case .closing:
            return
        case .running, .idling:
            lastHeard = .now()
            scheduleSilenceCheck(in: readTimeout)
        case .ready:
            let silent = NIODeadline.now() - lastHeard
            if silent >= readTimeout {
                close(immediately: true)
            } else {
                scheduleSilenceCheck(in: readTimeout - silent)
            }
        }
    }
}
