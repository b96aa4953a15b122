import AudiogidPOSIX
#if canImport(Glibc)
import Glibc
#endif
import AudiogidCore
import Foundation
import Synchronization
import Testing
@testable import AudiogidTriggers

@Suite(.timeLimit(.minutes(3))) struct SerialTokenTests {
    static let rules = [
        TokenMatcher.Rule(pattern: "^BTN(\\d+)$", command: "play \\1"),
        TokenMatcher.Rule(pattern: "04A1B2C3", command: "play 7"),
        TokenMatcher.Rule(pattern: "VOL([+-]\\d+)", command: "volume \\1"),
        TokenMatcher.Rule(pattern: "BTN99", command: "stop"),
    ]

    func decoder(repeatIgnore: Double = 2) throws -> SerialTokenDecoder {
        SerialTokenDecoder(port: "/dev/ttyUSB0", matcher: try TokenMatcher(Self.rules), repeatIgnore: .seconds(repeatIgnore))
    }

    @Test func exactTokensWinAndPatternsSubstituteCaptures() throws {
        let m = try TokenMatcher(Self.rules)
        #expect(m.command(for: "BTN3") == "play 3")
        #expect(m.command(for: "BTN12") == "play 12")
        #expect(m.command(for: "04A1B2C3") == "play 7")
        #expect(m.command(for: "VOL-5") == "volume -5")
        // Exact match beats an earlier pattern that also matches.
        #expect(m.command(for: "BTN99") == "stop")
        // Patterns match the whole token.
        #expect(m.command(for: "xBTN3") == nil)
        #expect(m.command(for: "04A1B2C3FF") == nil)
    }

    @Test func brokenPatternIsAConfigError() {
        #expect(throws: TriggerConfigError.self) { try TokenMatcher([.init(pattern: "^BTN(\\d+$", command: "play \\1")]) }
    }

    @Test func cardLeftOnTheReaderIsIgnoredUntilItIsTakenAway() throws {
        var d = try decoder()
        let second: UInt64 = 1_000_000_000
        #expect(d.receive("04A1B2C3", at: 10 * second).command == "play 7")
        // The reader re-sends the UID every half second while the card lies there.
        for t in stride(from: 10.5, through: 20, by: 0.5) {
            #expect(d.receive("04A1B2C3", at: UInt64(t * 1e9)).command == nil)
        }
        #expect(d.receive("BTN2", at: 20 * second + 1).command == "play 2")
        // Taken away for more than repeat_ignore_s, then put back: plays again.
        #expect(d.receive("04A1B2C3", at: 23 * second).command == "play 7")
    }

    @Test func linesAreCutAtTerminatorsAcrossReads() throws {
        var d = try decoder()
        var events = d.decode(Array("BT".utf8)[...], at: 0)
        events += d.decode(Array("N3\r".utf8)[...], at: 0)
        events += d.decode(Array("\nBTN4\n\n  BTN5  \r\n".utf8)[...], at: 0)
        #expect(events.compactMap(\.command) == ["play 3", "play 4", "play 5"])
    }

    @Test func aMegabyteWithoutTerminatorIsDroppedAndTheNextTokenWorks() throws {
        var d = try decoder()
        let chunk = [UInt8](repeating: UInt8(ascii: "A"), count: 65536)
        var events: [TriggerEvent] = []
        for _ in 0..<16 { events += d.decode(chunk[...], at: 0) }
        events += d.decode(Array("\nBTN6\n".utf8)[...], at: 0)
        #expect(events.compactMap(\.command) == ["play 6"])
        #expect(events.first?.input == "/dev/ttyUSB0 discarded 1048576 bytes: line longer than 256 bytes")
    }

    @Test func binaryJunkAndWrongBaudNoiseAreDiscarded() throws {
        var d = try decoder()
        var random = SplitMix64(seed: 42)
        // 9600-baud text read at 115200 looks like this: mostly high bytes and framing garbage, some newlines.
        let noise = (0..<20_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let events = d.decode(noise[...], at: 0) + d.decode(Array("\nBTN8\n".utf8)[...], at: 0)
        #expect(events.compactMap(\.command) == ["play 8"])
        #expect(events.filter { $0.input.contains("discarded") }.count > 10)
    }

    @Test func framingAndBaudAreChecked() throws {
        #expect(try SerialFraming("7e1").description == "7E1")
        #expect(throws: TriggerConfigError.self) { try SerialFraming("9N1") }
        #expect(throws: TriggerConfigError.self) { try SerialFraming("8X1") }
        #expect(SerialPort.speed(for: 9600) != nil)
        #expect(SerialPort.speed(for: 9601) == nil)
    }

    @Test func portIsConfiguredRawOnARealTerminal() throws {
        let dir = temporaryDirectory()
        let port = FakeSerialPort(link: dir + "/ttyUSB0")
        // A pty keeps only the baud and the line discipline flags (the kernel forces it to 8N1).
        let fd = try SerialPort.open(port.link, baud: 19200, framing: SerialFraming("8N1"))
        defer { close(fd) }
        var options = termios()
        #expect(tcgetattr(fd, &options) == 0)
        #expect(cfgetispeed(&options) == speed_t(B19200))
        #expect(options.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
        #expect(options.c_cflag & tcflag_t(CLOCAL) != 0)
        #expect(options.c_iflag & tcflag_t(ICRNL) == 0)
        #expect(options.c_lflag & tcflag_t(ICANON) == 0)
        #expect(options.c_lflag & tcflag_t(ECHO) == 0)
        #expect(throws: SystemCallError.self) { try SerialPort.open(dir + "/ttyUSB9", baud: 9600, framing: SerialFraming("8N1")) }
        // A plain file is not a terminal: refused with the call that failed, not read as tokens.
        #expect(FileManager.default.createFile(atPath: dir + "/plain", contents: Data("BTN1\n".utf8)))
        #expect(throws: SystemCallError("tcgetattr", dir + "/plain", errno: ENOTTY)) {
            try SerialPort.open(dir + "/plain", baud: 9600, framing: SerialFraming("8N1"))
        }
        #expect(throws: TriggerConfigError.self) { try SerialPort.open(port.link, baud: 9601, framing: SerialFraming("8N1")) }
    }

    @Test func unpluggedPortIsPickedUpAgainWhenItReturns() throws {
        let dir = temporaryDirectory()
        let port = FakeSerialPort(link: dir + "/ttyUSB0")
        let log = EventLog()
        let link = port.link
        let framing = try SerialFraming("8N1")
        let attempts = Mutex(0)
        let source = TriggerSource(name: link, decoder: try decoder(), backoff: Backoff(initialSeconds: 0.02, maximumSeconds: 0.1),
                                   open: {
                                       attempts.withLock { $0 += 1 }
                                       return try SerialPort.open(link, baud: 9600, framing: framing)
                                   }, deliver: log.append)
        source.start()
        defer { source.stop() }
        #expect(log.wait { _ in source.isConnected })
        port.send("BTN3\r\n")
        #expect(log.wait { $0.contains { $0.command == "play 3" } })

        port.unplug()   // the USB adapter is pulled: EIO on the reader, the link is gone
        #expect(log.wait { _ in !source.isConnected })
        // A few reopen attempts fail (the back-off's retries, scheduled on the event loop) before the replug.
        #expect(log.wait { _ in attempts.withLock { $0 } >= 4 })
        #expect(source.connections == 1)
        port.plugIn()
        #expect(log.wait { _ in source.isConnected && source.connections == 2 })
        port.send("BTN4\r\n")
        #expect(log.wait { $0.contains { $0.command == "play 4" } })
        #expect(log.commands == ["play 3", "play 4"])
    }

    @Test func portMissingAtStartIsWaitedFor() async throws {
        let dir = temporaryDirectory()
        let link = dir + "/ttyACM0"
        let log = EventLog()
        let framing = try SerialFraming("8N1")
        let source = TriggerSource(name: link, decoder: try decoder(), backoff: Backoff(initialSeconds: 0.02, maximumSeconds: 0.1),
                                   open: { try SerialPort.open(link, baud: 9600, framing: framing) }, deliver: log.append)
        // Returns after the first attempt, which fails: the port is not there yet.
        await source.start()
        #expect(source.connections == 0)
        #expect(!source.isConnected)
        let port = FakeSerialPort(link: link)
        #expect(await log.wait { _ in source.isConnected })
        port.send("BTN5\n")
        #expect(await log.wait { $0.contains { $0.command == "play 5" } })
        await source.stop()
        #expect(!source.isConnected)
    }

    @Test func aFloodedPortDoesNotBlockAnotherSource() throws {
        let dir = temporaryDirectory()
        let noisy = FakeSerialPort(link: dir + "/noisy")
        let quiet = FakeSerialPort(link: dir + "/quiet")
        let log = EventLog()
        let framing = try SerialFraming("8N1")
        let sources = try [noisy.link, quiet.link].map { link in
            TriggerSource(name: link, decoder: try decoder(), open: { try SerialPort.open(link, baud: 9600, framing: framing) },
                          deliver: log.append)
        }
        sources.forEach { $0.start() }
        defer { sources.forEach { $0.stop() } }
        #expect(log.wait { _ in sources.allSatisfy(\.isConnected) })
        let flood = Thread {
            let junk = [UInt8](repeating: 0xFF, count: 1 << 20)
            noisy.send(junk)
            noisy.send("\nBTN1\n")
        }
        flood.start()
        quiet.send("BTN2\n")
        #expect(log.wait { $0.contains { $0.command == "play 2" } })
        #expect(log.wait(seconds: 20) { $0.contains { $0.command == "play 1" } })
    }
}
