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
/// stream as it comes, or send headers no client library would.
final class RawHTTP {
    let fd: Int32
    private var received: [UInt8] = []

    init(port: Int) throws {
        fd = try Socket.connectTCP(host: "127.0.0.1", port: port)
        Socket.setTimeout(fd, option: SO_RCVTIMEO, seconds: 0.2)
    }
    deinit { close(fd) }

    func send(_ text: String) { _ = Socket.sendAll(fd, Array(text.utf8)) }

    /// Reads until `found` holds for what has arrived, or `seconds` pass; what has arrived either way.
    func read(within seconds: Double, until found: (String) -> Bool) -> String {
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
}

@Suite(.timeLimit(.minutes(1)))
struct LiveTests {
    /// A press anywhere (here: a client of the control socket, as mpc or a GPIO button would be) reaches an open
    /// page's event stream within a second.
    @Test func aPressAnywhereReachesTheOpenPageWithinASecond() async throws {
        let rig = try WebRig()
        try await rig.application().test(.live) { client in
            let browser = try await client.logIn()
            let port = try #require(client.port)
            let stream = try RawHTTP(port: port)
            stream.send("GET /api/events HTTP/1.1\r\nHost: kiosk\r\nCookie: \(browser.cookie)\r\nAccept: text/event-stream\r\n\r\n")
            let first = stream.read(within: 10) { $0.contains("\"daemonReachable\":true") }
            #expect(first.hasPrefix("HTTP/1.1 200"))
            #expect(first.lowercased().contains("content-type: text/event-stream"))
            let pressed = Date()
            #expect(try rig.control("playstop 3").ok)
            let after = stream.read(within: 5) { $0.contains("\"stop\":3") }
            #expect(after.contains("\"state\":\"play\"") && after.contains("\"stop\":3"))
            #expect(Date().timeIntervalSince(pressed) < 1)
        }
    }

    @Test func hugeHeadersAreRefusedBeforeAnyHandler() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.live) { client in
            let port = try #require(client.port)
            let connection = try RawHTTP(port: port)
            connection.send("GET /login HTTP/1.1\r\nHost: kiosk\r\nX-Padding: \(String(repeating: "a", count: 200_000))\r\n\r\n")
            let answer = connection.read(within: 10) { $0.contains("\r\n\r\n") }
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
