import AudiogidMessages
import AudiogidPOSIX
import AudiogidWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A raw HTTP/1.1 connection, for what a test client that waits for the whole body cannot do: read an event
/// stream as it comes, send headers no client library would, or send a body in parts.
///
/// Its socket calls block, so each runs on a thread of its own, never on one of Swift's few cooperative threads
/// (two on a two-core machine): a test blocked there would starve the very server it waits for.
final class RawHTTP: @unchecked Sendable {  // `received` is touched by one call at a time
    let fd: Int32
    private var received: [UInt8] = []

    init(port: Int) throws {
        fd = try Socket.connectTCP(host: "127.0.0.1", port: port)
        Socket.setTimeout(fd, option: SO_RCVTIMEO, seconds: 0.2)
    }
    deinit { close(fd) }

    func send(_ text: String) async { _ = await send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) async -> Bool {
        await Self.onThread { Socket.sendAll(self.fd, bytes) }
    }

    /// Reads until `found` holds for what has arrived, or `seconds` pass; what has arrived either way.
    func read(within seconds: Double, until found: @escaping @Sendable (String) -> Bool) async -> String {
        await Self.onThread { self.readBlocking(within: seconds, until: found) }
    }

    private func readBlocking(within seconds: Double, until found: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if found(String(decoding: received, as: UTF8.self)) { break }
            var chunk = [UInt8](repeating: 0, count: 8192)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            if count > 0 { received += chunk[..<count] }
        }
        return String(decoding: received, as: UTF8.self)
    }

    static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }
}

@Suite(.timeLimit(.minutes(3)))
struct LiveTests {
    /// A press anywhere (here: a client of the control socket, as mpc or a GPIO button would be) reaches an open
    /// page's event stream. How soon is measured where timing means something: the browser test (scripts/web-e2e.py,
    /// 99–199 ms) and Benchmarks/web-load.sh, not a unit test on a loaded machine.
    @Test func aPressAnywhereReachesTheOpenPage() async throws {
        let rig = try WebRig()
        try await rig.application().test(.live) { client in
            let browser = try await client.logIn()
            let port = try #require(client.port)
            let stream = try RawHTTP(port: port)
            await stream.send("GET /api/events HTTP/1.1\r\nHost: kiosk\r\nCookie: \(browser.cookie)\r\nAccept: text/event-stream\r\n\r\n")
            let first = await stream.read(within: 10) { $0.contains("\"daemonReachable\":true") }
            #expect(first.hasPrefix("HTTP/1.1 200"))
            #expect(first.lowercased().contains("content-type: text/event-stream"))
            #expect(try rig.control("playstop 3").ok)
            let after = await stream.read(within: 5) { $0.contains("\"stop\":3") }
            #expect(after.contains("\"state\":\"play\"") && after.contains("\"stop\":3"))
        }
    }

    @Test func hugeHeadersAreRefusedBeforeAnyHandler() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.live) { client in
            let port = try #require(client.port)
            let connection = try RawHTTP(port: port)
            await connection.send("GET /login HTTP/1.1\r\nHost: kiosk\r\nX-Padding: \(String(repeating: "a", count: 200_000))\r\n\r\n")
            let answer = await connection.read(within: 10) { $0.contains("\r\n\r\n") }
            let code = answer.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            #expect((400...499).contains(code), "\(answer.prefix(80))")
            // The server is still there for the next page.
            try await client.execute(uri: "/login", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func aPageCanLogInAndReadStatusOverRealHTTP() async throws {
        let rig = try WebRig()
        try await rig.application().test(.live) { client in
            let browser = try await client.logIn()
            #expect(try await client.status(browser).tour == "moyo-selo")
        }
    }
}
