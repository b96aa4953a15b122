import AudiogidMessages
import AudiogidCore
import AudiogidKiosk
import AudiogidManifest
import AudiogidStore
import AudiogidTestSupport
import Crypto
import AudiogidWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The staff rig's daemon and live status, with the visitor listener in front of them.
final class VisitorRig: @unchecked Sendable {
    let rig: WebRig
    let feed = VisitorFeed()
    let app: VisitorApp

    init(url: String? = "http://10.42.0.1/", limit: Int = 240) throws {
        rig = try WebRig()
        feed.follow(rig.live)
        app = VisitorApp(environment: rig.web.environment, settings: VisitorSettings(listen: "127.0.0.1:0", url: url), feed: feed,
                         limit: limit, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    func application() -> some ApplicationProtocol { WebServer.visitorApplication(app) }

    /// The clip URL the page gives stop `number` in `language` (`/audio/...?v=...`).
    func clipURL(_ page: String, stop number: Int) throws -> String {
        let marker = "<li data-stop=\"\(number)\" data-clip=\""
        let start = try #require(page.range(of: marker)).upperBound
        return String(page[start...].prefix { $0 != "\"" })
    }

    deinit { feed.stop() }
}

/// The file's SHA-256 in hex. In-process: a child process here (Foundation's Process) has been seen to close a
/// descriptor twice on Linux, which cut the live tests' sockets running beside it.
func sha256(_ path: String) throws -> String {
    SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).map { String(format: "%02x", $0) }.joined()
}

@Suite(.timeLimit(.minutes(3)))
struct VisitorPageTests {
    @Test func thePageSpeaksTheChosenLanguageWithTheStartButtonAndTranscripts() async throws {
        let visitors = try VisitorRig()
        try await visitors.application().test(.router) { client in
            try await client.execute(uri: "/?lang=zh", method: .get, headers: [VisitorGuardHost.name: "10.42.0.1"]) { response in
                #expect(response.status == .ok)
                let page = response.text
                #expect(page.contains("<html lang=\"zh\">"))
                #expect(page.contains("<button id=\"start\" type=\"button\">▶ \(VisitorCatalogue.chinese[.start]!)</button>"))
                #expect(page.contains("图书馆") || page.contains("zh.ogg"), "the stops in Chinese")
                #expect(page.contains(".zh.ogg?v="))
                #expect(page.contains("<details><summary>\(VisitorCatalogue.chinese[.transcript]!)</summary>"))
                for code in ["ru", "zh", "en"] { #expect(page.contains("href=\"/?lang=\(code)\"")) }
                #expect(page.contains("aria-live=\"polite\""))
                #expect(!page.contains("<script>") && !page.contains("style=\""), "nothing inline: the CSP forbids it")
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            }
            // The browser's language when the address names none; the tour's first when it speaks none of them.
            try await client.execute(uri: "/", method: .get, headers: [VisitorGuardHost.name: "10.42.0.1", .acceptLanguage: "en-GB,en;q=0.9"]) { response in
                #expect(response.text.contains("<html lang=\"en\">"))
            }
            try await client.execute(uri: "/", method: .get, headers: [VisitorGuardHost.name: "10.42.0.1", .acceptLanguage: "fr"]) { response in
                #expect(response.text.contains("<html lang=\"ru\">"))
            }
            try await client.execute(uri: "/visitor.js", method: .get, headers: [VisitorGuardHost.name: "10.42.0.1"]) { response in
                #expect(response.status == .ok && response.text.contains("new EventSource('/events')"))
            }
            try await client.execute(uri: "/sw.js", method: .get, headers: [VisitorGuardHost.name: "10.42.0.1"]) { response in
                #expect(response.status == .ok && response.headers[.cacheControl] == "no-cache")
            }
        }
    }

    /// Nothing of the staff page answers on the visitor listener: not its pages, API, login or script.
    @Test(arguments: ["/login", "/api/status", "/api/events", "/api/login", "/stats", "/stats.csv", "/tours", "/kiosk",
                      "/static/live.js", "/tours/moyo-selo/map.svg"])
    func theVisitorListenerExposesNoStaffPage(path: String) async throws {
        let visitors = try VisitorRig()
        try await visitors.application().test(.router) { client in
            try await client.execute(uri: path, method: .get, headers: [VisitorGuardHost.name: "10.42.0.1"]) { #expect($0.status == .notFound) }
            try await client.execute(uri: path, method: .post, headers: [VisitorGuardHost.name: "10.42.0.1", .contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"user":"anna","password":"lighthouse-keeper"}"#)) {
                #expect($0.status == .notFound || $0.status == .methodNotAllowed)
                #expect($0.headers[.setCookie] == nil)
            }
        }
    }

    /// Each system's check, with the host it asks, is sent to the visitor page: the phone then shows the page.
    @Test(arguments: [("connectivitycheck.gstatic.com", "/generate_204"), ("clients3.google.com", "/generate_204"),
                      ("www.google.com", "/gen_204"), ("captive.apple.com", "/hotspot-detect.html"),
                      ("www.apple.com", "/library/test/success.html"), ("www.msftconnecttest.com", "/connecttest.txt"),
                      ("www.msftconnecttest.com", "/redirect"), ("www.msftncsi.com", "/ncsi.txt"),
                      ("detectportal.firefox.com", "/canonical.html")])
    func captivePortalChecksAreRedirectedToThePage(host: String, path: String) async throws {
        let visitors = try VisitorRig()
        try await visitors.application().test(.router) { client in
            try await client.execute(uri: path, method: .get, headers: [VisitorGuardHost.name: host]) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "http://10.42.0.1/")
                #expect(response.headers[.cacheControl] == "no-store")
            }
        }
    }

    @Test func anotherNameIsSentToThePageAndThePagesOwnAddressIsNot() async throws {
        let visitors = try VisitorRig()
        try await visitors.application().test(.router) { client in
            try await client.execute(uri: "/news/today", method: .get, headers: [VisitorGuardHost.name: "example.com"]) { response in
                #expect(response.status == .found && response.headers[.location] == "http://10.42.0.1/")
            }
            for host in ["10.42.0.1", "10.42.0.1:80", "localhost:8080", "[::1]:80"] {
                try await client.execute(uri: "/", method: .get, headers: [VisitorGuardHost.name: host]) { #expect($0.status == .ok, "\(host)") }
            }
        }
    }

    /// Without `web.visitors.url`, the check is sent to the address it arrived on (the kiosk's, on the boat's Wi-Fi).
    @Test func withoutAConfiguredAddressTheRedirectNamesTheListenersOwn() async throws {
        let visitors = try VisitorRig(url: nil)
        try await visitors.application().test(.live) { client in
            let port = try #require(client.port)
            let connection = try RawHTTP(port: port)
            await connection.send("GET /generate_204 HTTP/1.1\r\nHost: connectivitycheck.gstatic.com\r\n\r\n")
            let answer = await connection.offPool(within: 10) { $0.contains("\r\n\r\n") }
            #expect(answer.hasPrefix("HTTP/1.1 302"))
            #expect(answer.lowercased().contains("location: http://127.0.0.1:\(port)/\r\n"), "\(answer)")
        }
    }
}

@Suite(.timeLimit(.minutes(3)))
struct VisitorClipTests {
    @Test func aClipComesWholeOrInRangesWithItsHashAsETag() async throws {
        let visitors = try VisitorRig()
        try await visitors.application().test(.router) { client in
            let page = try await client.execute(uri: "/?lang=ru", method: .get, headers: [VisitorGuardHost.name: "10.42.0.1"]) { $0.text }
            let url = try visitors.clipURL(page, stop: 3)
            let path = String(url.prefix { $0 != "?" })
            let file = visitors.rig.folder.path + path
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            let etag = "\"sha256-\(try sha256(file).prefix(32))\""
            #expect(url.hasSuffix("?v=" + (try sha256(file).prefix(12))))
            try await client.execute(uri: url, method: .get, headers: [VisitorGuardHost.name: "10.42.0.1"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.eTag] == etag)
                #expect(response.headers[.acceptRanges] == "bytes")
                #expect(response.headers[.contentType] == "audio/ogg")
                #expect(Data(buffer: response.body) == bytes)
            }
            try await client.execute(uri: url, method: .get, headers: [VisitorGuardHost.name: "10.42.0.1", .ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified && response.body.readableBytes == 0)
            }
            try await client.execute(uri: url, method: .get, headers: [VisitorGuardHost.name: "10.42.0.1", .range: "bytes=100-199"]) { response in
                #expect(response.status == .partialContent)
                #expect(response.headers[.contentRange] == "bytes 100-199/\(bytes.count)")
                #expect(Data(buffer: response.body) == bytes[100...199])
            }
            try await client.execute(uri: url, method: .get, headers: [VisitorGuardHost.name: "10.42.0.1", .range: "bytes=-10"]) { response in
                #expect(response.status == .partialContent && Data(buffer: response.body) == bytes.suffix(10))
            }
            try await client.execute(uri: url, method: .get, headers: [VisitorGuardHost.name: "10.42.0.1", .range: "bytes=\(bytes.count - 5)-"]) { response in
                #expect(response.status == .partialContent && Data(buffer: response.body) == bytes.suffix(5))
            }
            try await client.execute(uri: url, method: .get, headers: [VisitorGuardHost.name: "10.42.0.1", .range: "bytes=\(bytes.count)-"]) { response in
                #expect(response.status == .rangeNotSatisfiable && response.headers[.contentRange] == "bytes */\(bytes.count)")
            }
            // A range asked "if it is still this file" of an older file gets the whole new one.
            try await client.execute(uri: url, method: .get, headers: [VisitorGuardHost.name: "10.42.0.1", .range: "bytes=0-9", .ifRange: "\"sha256-old\""]) { response in
                #expect(response.status == .ok && response.body.readableBytes == bytes.count)
            }
        }
    }

    @Test(arguments: ["/audio/moyo-selo/not-there.ogg", "/audio/../tours/moyo-selo/tour.yaml", "/audio/%2e%2e/audiogid.sqlite",
                      "/audio/", "/audio/system/no-such-stop.ru.ogg"])
    func onlyTheToursOwnFilesAreServed(path: String) async throws {
        let visitors = try VisitorRig()
        try await visitors.application().test(.router) { client in
            try await client.execute(uri: path, method: .get, headers: [VisitorGuardHost.name: "10.42.0.1"]) { #expect($0.status == .notFound) }
        }
    }
}

@Suite(.timeLimit(.minutes(3)))
struct VisitorEventTests {
    /// Reads the event stream until `found` holds, returning the `id:` and `data:` of each event that arrived.
    static func events(_ text: String) -> [(id: Int, data: String)] {
        // Without the chunk framing's CRs: Swift reads "\r\n" as one character, which no "\n" split would cut.
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\r" })).components(separatedBy: "\n\n").compactMap { block in
            let lines = block.split(separator: "\n")
            guard let id = lines.first(where: { $0.hasPrefix("id: ") }).flatMap({ Int($0.dropFirst(4)) }),
                  let data = lines.first(where: { $0.hasPrefix("data: ") }) else { return nil }
            return (id, String(data.dropFirst(6)))
        }
    }

    @Test func aPressReachesEveryPhoneAndAReconnectingPhoneGetsOnlyWhatItMissed() async throws {
        let visitors = try VisitorRig()
        try await visitors.application().test(.live) { client in
            let port = try #require(client.port)
            let first = try RawHTTP(port: port)
            await first.send("GET /events HTTP/1.1\r\nHost: 10.42.0.1\r\nAccept: text/event-stream\r\n\r\n")
            // The phone's first event says what the page knows now (the daemon reachable, or not yet).
            let opening = await first.offPool(within: 30) { !Self.events($0).isEmpty }
            #expect(opening.hasPrefix("HTTP/1.1 200") && opening.contains("retry: 1000"))
            let start = try #require(Self.events(opening).last, "\(opening.debugDescription)")
            // How soon is a benchmark's question (Benchmarks/visitors-load.py, scripts/visitors-e2e.py): here, that it comes.
            #expect(try visitors.rig.control("playstop 3").ok)
            let after = await first.offPool(within: 5) { Self.events($0).contains { $0.data.contains("\"stop\":3") } }
            let played = try #require(Self.events(after).last)
            #expect(played.id > start.id && played.data.contains("\"state\":\"play\""))
            // A volume change is nothing a phone acts on: no new event for it.
            #expect(try visitors.rig.control("setvol 40").ok)
            // A phone that has the newest event gets nothing again; then the next change.
            let current = try RawHTTP(port: port)
            await current.send("GET /events HTTP/1.1\r\nHost: 10.42.0.1\r\nLast-Event-ID: \(played.id)\r\n\r\n")
            _ = await current.offPool(within: 5) { $0.contains("retry: 1000") }
            #expect(try visitors.rig.control("stop").ok)
            let resumed = await current.offPool(within: 5) { Self.events($0).contains { $0.data.contains("\"state\":\"stop\"") } }
            #expect(Self.events(resumed).map(\.id) == [played.id + 1], "\(resumed)")
            // One that missed events gets the newest only.
            let behind = try RawHTTP(port: port)
            await behind.send("GET /events HTTP/1.1\r\nHost: 10.42.0.1\r\nLast-Event-ID: \(start.id)\r\n\r\n")
            let caughtUp = await behind.offPool(within: 5) { Self.events($0).count == 1 }
            #expect(Self.events(caughtUp).map(\.id) == [played.id + 1])
        }
    }

    /// A phone joining mid-clip is told where the kiosk is now, not where it was when the stop began.
    @Test func theElapsedTimeIsWhereTheKioskIsWhenTheEventIsWritten() throws {
        let feed = VisitorFeed()
        var status = NowStatus(statusLines: ["state: play", "tour: moyo-selo", "stop: 3", "elapsed: 2.000", "duration: 10.000"])
        let start = ContinuousClock.now - .seconds(3)
        feed.publish(status, at: start)
        let joined = feed.current
        #expect(joined.stop == 3 && joined.id == 1)
        #expect(abs((joined.elapsed ?? 0) - 5) < 0.2, "\(joined)")
        // The same state reported again (a volume change) keeps the event and its clock.
        status.volume = 30
        feed.publish(status, at: start + .seconds(1))
        #expect(feed.current.id == 1)
        // A replay (the position jumping back) is a new event.
        feed.publish(NowStatus(statusLines: ["state: play", "tour: moyo-selo", "stop: 3", "elapsed: 0.100", "duration: 10.000"]))
        #expect(feed.current.id == 2 && (feed.current.elapsed ?? 9) < 1)
        // Never past the clip's end.
        feed.publish(NowStatus(statusLines: ["state: play", "tour: moyo-selo", "stop: 4", "elapsed: 9.000", "duration: 10.000"]),
                     at: .now - .seconds(30))
        #expect(feed.current.elapsed == 10)
    }
}

@Suite(.timeLimit(.minutes(3)))
struct PhonePlayTests {
    static let listener = "0123456789abcdef0123456789abcdef"

    func report(_ fields: String) -> ByteBuffer { ByteBuffer(string: "{\(fields)}") }

    @Test func aPhonesPlayIsLoggedByTheDaemonAndCountedPerLanguage() async throws {
        let visitors = try VisitorRig()
        try await visitors.application().test(.router) { client in
            let headers: HTTPFields = [VisitorGuardHost.name: "10.42.0.1", .contentType: "application/json"]
            for (listener, language, seconds) in [(Self.listener, "zh", 12.5), (Self.listener, "zh", 3.0),
                                                  ("fedcba9876543210fedcba9876543210", "zh", 8.0), (Self.listener.uppercased().lowercased(), "ru", 4.0)] {
                let body = report(#""listener":"\#(listener)","tour":"moyo-selo","stop":3,"language":"\#(language)","seconds":\#(seconds),"finished":\#(seconds > 8)"#)
                try await client.execute(uri: "/plays", method: .post, headers: headers, body: body) { #expect($0.status == .noContent, "\($0.text)") }
            }
            let writer = try #require(visitors.rig.writer)
            #expect(writer.waitWritten(writer.newest, timeout: 10))
            let store = try KioskStore(readingOnly: visitors.rig.configuration.databasePath)
            defer { try? store.close() }
            let phones = try store.plays().filter { $0.source == "phone" }
            #expect(phones.count == 4)
            #expect(phones.allSatisfy { $0.stopNumber == 3 && $0.tourID == "moyo-selo" && $0.endedAt != nil && $0.listener != nil })
            #expect(phones.first?.outcome == "finished" && phones.first?.secondsHeard == 12.5)
            let statistics = try store.statistics()
            #expect(statistics.phoneListeners == [ListenerCount(key: "zh", listeners: 2, plays: 3, secondsHeard: 23.5),
                                                  ListenerCount(key: "ru", listeners: 1, plays: 1, secondsHeard: 4)])
            #expect(statistics.bySource.contains { $0.key == "phone" && $0.plays == 4 })
            #expect(StatisticsReport.render(statistics, as: .table).contains("phone listeners"))
            #expect(StatisticsReport.render(statistics, as: .csv).contains("phone_listeners,zh,2,,,,23.5"))
        }
    }

    @Test(arguments: [
        (#""listener":"not-hex","tour":"moyo-selo","stop":3,"language":"ru","seconds":3,"finished":true"#, HTTPResponse.Status.badRequest),
        (#""listener":"0123456789abcdef0123456789abcdef","tour":"teplokhodik","stop":3,"language":"ru","seconds":3,"finished":true"#, .conflict),
        (#""listener":"0123456789abcdef0123456789abcdef","tour":"moyo-selo","stop":99,"language":"ru","seconds":3,"finished":true"#, .notFound),
        (#""listener":"0123456789abcdef0123456789abcdef","tour":"moyo-selo","stop":3,"language":"xx","seconds":3,"finished":true"#, .notFound),
        (#""listener":"0123456789abcdef0123456789abcdef","tour":"moyo-selo","stop":3,"language":"ru","seconds":5000,"finished":true"#, .badRequest),
        (#""listener":"0123456789abcdef0123456789abcdef","tour":"moyo-selo","stop":3,"language":"ru""#, .badRequest),
    ])
    func aReportThatCannotBeTrueIsRefusedAndNotLogged(fields: String, status: HTTPResponse.Status) async throws {
        let visitors = try VisitorRig()
        try await visitors.application().test(.router) { client in
            try await client.execute(uri: "/plays", method: .post, headers: [VisitorGuardHost.name: "10.42.0.1", .contentType: "application/json"],
                                     body: report(fields)) { #expect($0.status == status, "\($0.text)") }
            let writer = try #require(visitors.rig.writer)
            #expect(writer.waitWritten(writer.newest, timeout: 10))
            let store = try KioskStore(readingOnly: visitors.rig.configuration.databasePath)
            defer { try? store.close() }
            #expect(try store.plays().filter { $0.source == "phone" }.isEmpty)
        }
    }

    @Test func aPhoneReportingMoreThanAnyoneHearsIsHeldBack() async throws {
        let visitors = try VisitorRig(limit: 2)
        try await visitors.application().test(.router) { client in
            let body = report(#""listener":"\#(Self.listener)","tour":"moyo-selo","stop":3,"language":"ru","seconds":3,"finished":false"#)
            var codes: [HTTPResponse.Status] = []
            for _ in 0..<3 {
                codes.append(try await client.execute(uri: "/plays", method: .post, headers: [VisitorGuardHost.name: "10.42.0.1", .contentType: "application/json"], body: body) { $0.status })
            }
            #expect(codes == [.noContent, .noContent, .tooManyRequests])
        }
    }
}

@Suite(.timeLimit(.minutes(3)))
struct VisitorSettingsTests {
    func read(_ text: String) throws -> (WebSettings, [Finding]) {
        WebSettings.read(try YAMLDocument(text: text, file: "kiosk.yaml"))
    }

    @Test func visitorsTrueListensOnPort80AndAMapSetsListenAndURL() throws {
        let (on, none) = try read("web:\n  visitors: true\n")
        #expect(none.isEmpty && on.visitors == VisitorSettings(listen: "0.0.0.0:80"))
        let (off, _) = try read("web:\n  visitors: false\n")
        #expect(off.visitors == nil)
        let (set, findings) = try read("web:\n  visitors: {listen: \"10.42.0.1:8081\", url: \"http://10.42.0.1:8081\"}\n")
        #expect(findings.isEmpty)
        #expect(set.visitors?.host == "10.42.0.1" && set.visitors?.port == 8081 && set.visitors?.url == "http://10.42.0.1:8081/")
    }

    @Test func aBadAddressOrAMisspeltKeyIsAFindingWithItsLine() throws {
        let (_, findings) = try read("web:\n  visitors:\n    listen: \"port eighty\"\n    ulr: \"http://x/\"\n")
        let lines = findings.map(\.line)
        #expect(lines.contains { $0.contains("kiosk.yaml:3") && $0.contains("web.visitors.listen") })
        #expect(lines.contains { $0.contains("kiosk.yaml:4") && $0.contains("web.visitors.ulr") })
    }
}

@Suite(.timeLimit(.minutes(3)))
struct VisitorCatalogueTests {
    @Test(arguments: VisitorLanguage.allCases) func everyVisitorPhraseIsInEveryCatalogue(language: VisitorLanguage) {
        let missing = VisitorPhrase.allCases.filter { language.catalogue[$0]?.isEmpty ?? true }
        #expect(missing.isEmpty, "\(language): \(missing)")
    }

    @Test func eachCatalogueIsItsOwnLanguage() {
        #expect(VisitorCatalogue.russian[.start] != VisitorCatalogue.english[.start])
        #expect(VisitorCatalogue.chinese[.start] != VisitorCatalogue.english[.start])
        #expect(VisitorLanguage(code: "zh-Hans") == .chinese && VisitorLanguage(code: "de") == .english)
    }

    @Test func acceptLanguagePicksTheBestOfTheToursLanguages() {
        #expect(VisitorLanguage.negotiate("zh-CN,zh;q=0.9,en;q=0.5", offered: ["ru", "zh", "en"]) == "zh")
        #expect(VisitorLanguage.negotiate("de-DE,en;q=0.3", offered: ["ru", "zh", "en"]) == "en")
        #expect(VisitorLanguage.negotiate("de", offered: ["ru", "zh", "en"]) == nil)
    }
}

/// `Host:` as a phone sends it (HTTPTypes offers no constant: it moves the header to the request's authority).
enum VisitorGuardHost {
    static let name = HTTPFields.Element.Name("Host")!
}

/// A raw connection's read for the visitor tests: RawHTTP already runs its blocking calls off the cooperative pool.
extension RawHTTP {
    func offPool(within seconds: Double, until found: @escaping @Sendable (String) -> Bool) async -> String {
        await read(within: seconds, until: found)
    }
}
