import AudiogidPOSIX
#if canImport(Glibc)
import Glibc
#endif
import AudiogidCore
import Foundation
import Synchronization
import Testing
@testable import AudiogidTriggers

/// Trigger sources read on the shared SwiftNIO event loops: no thread per device, deadlines and reopen
/// back-off scheduled on the loop, and a start that returns once every device was tried.
@Suite(.timeLimit(.minutes(3))) struct SharedLoopTests {
    let rules = TokenRules([.init(pattern: "^BTN(\\d+)$", command: "play \\1")])

    @Test func bytesSentRightAfterStartReturnsAreDecoded() async throws {
        let dir = temporaryDirectory()
        let port = FakeSerialPort(link: dir + "/ttyUSB0")
        let keypad = dir + "/event-missing"
        var keypadConfig = KeypadConfig(device: keypad)
        keypadConfig.grab = false
        let config = TriggersConfig(serial: [SerialConfig(port: port.link, match: rules)], keypad: keypadConfig)
        let log = EventLog()
        let set = try TriggerSet(config: config, deliver: log.append)
        #expect(set.inputs == [TriggerInput(name: port.link, kind: "serial", connected: false),
                               TriggerInput(name: keypad, kind: "keypad", connected: false)])
        await set.start()
        // The port is open and raw by now: the first bytes are neither lost nor mangled by the line discipline.
        port.send("BTN1\r\n")
        #expect(set.inputs == [TriggerInput(name: port.link, kind: "serial", connected: true),
                               TriggerInput(name: keypad, kind: "keypad", connected: false)])
        #expect(await log.wait { $0.contains { $0.command == "play 1" } })
        #expect(log.all.map(\.input) == ["\(port.link) token BTN1"])
        await set.stop()
        #expect(set.inputs.allSatisfy { !$0.connected })
    }

    @Test func aDeviceThatAppearsAfterStartIsPickedUp() async throws {
        let dir = temporaryDirectory()
        let link = dir + "/ttyACM0"
        let log = EventLog()
        let framing = try SerialFraming("8N1")
        let attempts = Mutex(0)
        let source = TriggerSource(name: link, decoder: SerialTokenDecoder(port: link, matcher: try TokenMatcher(rules.rules)),
                                   backoff: Backoff(initialSeconds: 0.01, maximumSeconds: 0.05),
                                   open: {
                                       attempts.withLock { $0 += 1 }
                                       return try SerialPort.open(link, baud: 9600, framing: framing)
                                   }, deliver: log.append)
        // Returns once the first attempt failed (the retries may have begun by the time this runs on a busy machine).
        await source.start()
        #expect(attempts.withLock { $0 } >= 1)
        // The retries run on the event loop with back-off, not on a thread of the source's own.
        #expect(await log.wait { _ in attempts.withLock { $0 } >= 3 })
        #expect(!source.isConnected)
        let port = FakeSerialPort(link: link)
        #expect(await log.wait { _ in source.isConnected })
        port.send("BTN2\n")
        #expect(await log.wait { $0.contains { $0.command == "play 2" } })
        await source.stop()
        #expect(source.connections == 1)
    }

    @Test func twentySourcesRunOnTheSharedLoopsThreads() async throws {
        let dir = temporaryDirectory()
        let framing = try SerialFraming("8N1")
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let ports = (0..<20).map { FakeSerialPort(link: dir + "/tty\($0)") }
        let readers = Mutex<Set<UInt>>([])
        let log = EventLog()
        let matcher = try TokenMatcher(rules.rules)
        let sources = ports.map { port in
            let link = port.link
            return TriggerSource(name: link, decoder: SerialTokenDecoder(port: link, matcher: matcher),
                                 open: { try SerialPort.open(link, baud: 9600, framing: framing) }) { event in
                readers.withLock { _ = $0.insert(UInt(pthread_self())) }
                log.append(event)
            }
        }
        for source in sources { await source.start() }
        #expect(sources.allSatisfy { $0.isConnected })
        for (index, port) in ports.enumerated() { port.send("BTN\(index)\n") }
        #expect(await log.wait { $0.count == 20 })
        #expect(Set(log.commands) == Set((0..<20).map { "play \($0)" }))
        // A thread per source would have run the handlers on 20 threads. (Not the process's thread count before and
        // after: suites running in parallel start threads of their own, which failed this test under load.)
        #expect(readers.withLock { $0.count } <= cores, "the 20 sources' events arrived on \(readers.withLock { $0.count }) threads")
        for source in sources { await source.stop() }
        #expect(sources.allSatisfy { !$0.isConnected })
    }

    @Test func keypadEntryTimesOutOnTheLoop() async throws {
        let pipe = Pipe()
        let log = EventLog()
        let opened = OneShot(dup(pipe.read))
        let source = TriggerSource(name: "keypad", decoder: KeypadDecoder(device: "k", timeout: 30 * ms),
                                   open: { try opened.take() }, deliver: log.append)
        await source.start()
        #expect(source.isConnected)
        let typed = MonotonicClock().now()
        pipe.send((InputEvent.key(KeyCode.names["KEY_KP4"]!).bytes + InputEvent.sync.bytes
                   + InputEvent.key(KeyCode.names["KEY_KP4"]!, pressed: false).bytes + InputEvent.sync.bytes))
        #expect(await log.wait { $0.contains { $0.input == "k entry 4 timed out" } })
        #expect(MonotonicClock().now() - typed >= 30 * ms)
        await source.stop()
    }

    @Test func blinkingRunsOnTheLoopUntilStopped() async {
        var pattern = LedPattern(leds: [GpioLed(offset: 22, stop: 1), GpioLed(offset: 23, stop: 2)])
        pattern.blinkPeriod = 20 * ms
        let writes = Mutex<[UInt64]>([])
        let leds = GpioLeds(pattern: pattern) { bits, _ in writes.withLock { $0.append(bits) } }
        leds.start()
        leds.show(.paused(stop: 2))
        let log = EventLog()
        // On, off, on, off: four edges of the blink, each a task scheduled on the loop.
        #expect(await log.wait { _ in writes.withLock { w in w.count(where: { $0 == 0b10 }) >= 2 && w.count(where: { $0 == 0 }) >= 2 } })
        await leds.stop()
        #expect(writes.withLock { $0.last } == 0)
    }
}

