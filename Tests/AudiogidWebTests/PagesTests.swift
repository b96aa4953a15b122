import AudiogidMessages
import AudiogidCore
import AudiogidStore
import AudiogidWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite(.timeLimit(.minutes(3)))
struct StatisticsPageTests {
    /// Plays written into the daemon's real database file; the page reads them through its own read-only connection.
    func logPlays(_ rig: WebRig) throws {
        let store = try KioskStore(path: rig.configuration.databasePath)
        let day = { (text: String) in ISO8601DateFormatter().date(from: text + "T12:00:00Z")!.timeIntervalSince1970 }
        for (date, stop, language, outcome) in [("2026-05-01", 1, "ru", PlayOutcome.finished), ("2026-05-01", 2, "en", .interrupted),
                                                ("2026-06-10", 1, "ru", .finished)] {
            let id = try store.beginPlay(PlayRecord(startedAt: day(date), tourID: "moyo-selo", stopID: "s\(stop)", stopNumber: stop,
                                                    language: language, source: .gpio))
            try store.endPlay(id: id, outcome: outcome, secondsHeard: 30, endedAt: day(date) + 30)
        }
    }

    @Test func figuresChartAndCSVForADateRange() async throws {
        let rig = try WebRig()
        try logPlays(rig)
        try await rig.application().test(.router) { client in
            let browser = try await client.logIn("boris", Users.viewerPassword)
            try await client.execute(uri: "/api/stats?from=2026-05-01&to=2026-05-31", method: .get, headers: browser.headers) { response in
                #expect(response.status == .ok)
                let statistics = try JSONDecoder().decode(PlayStatistics.self, from: Data(buffer: response.body))
                #expect(statistics.total.plays == 2)
                #expect(statistics.byLanguage.map(\.key).sorted() == ["en", "ru"])
            }
            try await client.execute(uri: "/stats?from=2026-05-01", method: .get, headers: browser.headers) { response in
                #expect(response.text.contains("<img class=\"chart\" src=\"/stats.svg?from=2026-05-01\""))
                #expect(response.text.contains("href=\"/stats.csv?from=2026-05-01\""))
                #expect(response.text.contains("<b>3</b>"))
            }
            try await client.execute(uri: "/stats.csv?to=2026-05-31", method: .get, headers: browser.headers) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(response.headers[.contentDisposition]?.contains("attachment") == true)
                #expect(response.text.hasPrefix("group,key,plays,"))
                #expect(response.text.contains("total,all,2,"))
            }
            try await client.execute(uri: "/stats.svg", method: .get, headers: browser.headers) { response in
                #expect(response.headers[.contentType] == "image/svg+xml")
                #expect(response.text.contains("<svg"))
            }
        }
    }

    @Test func aMalformedDateIs400() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.router) { client in
            let browser = try await client.logIn()
            for query in ["from=yesterday", "to=2026-13-01", "from=2026-1-1", "from=%27%20OR%201=1"] {
                try await client.execute(uri: "/api/stats?\(query)", method: .get, headers: browser.headers) { #expect($0.status == .badRequest, "\(query)") }
                try await client.execute(uri: "/stats?\(query)", method: .get, headers: browser.headers) { #expect($0.status == .badRequest, "\(query)") }
            }
            // No database yet: an empty report, not an error.
            try await client.execute(uri: "/stats", method: .get, headers: browser.headers) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("No plays recorded"))
            }
        }
    }
}

@Suite(.timeLimit(.minutes(3)))
struct ToursPageTests {
    @Test func installedToursTheActiveOneAndASwitch() async throws {
        let rig = try WebRig()
        try await rig.application().test(.router) { client in
            let browser = try await client.logIn()
            try await client.execute(uri: "/tours", method: .get, headers: browser.headers) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("<small>moyo-selo</small> <span class=\"badge\">"))
                #expect(response.text.contains("name=\"tour\" value=\"teplokhodik\""))
            }
            try await client.execute(uri: "/command", method: .post, headers: browser.form,
                                     body: ByteBuffer(string: "csrf=\(browser.csrf)&action=tour&tour=teplokhodik")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/tours")
            }
            #expect(try rig.control("status").value("tour") == "teplokhodik")
            try await client.execute(uri: "/api/tours", method: .get, headers: browser.headers) { response in
                #expect(response.text.contains("\"active\":\"teplokhodik\""))
            }
        }
    }

    @Test func theRouteMapIsTheEnginesSVG() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.router) { client in
            let browser = try await client.logIn()
            try await client.execute(uri: "/tours/moyo-selo/map.svg", method: .get, headers: browser.headers) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/svg+xml")
                #expect(response.text.contains("<svg"))
            }
            try await client.execute(uri: "/tours/no-such-tour/map.svg", method: .get, headers: browser.headers) { #expect($0.status == .notFound) }
        }
    }

    @Test func pathTraversalInAnyURLIsRefused() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.router) { client in
            let browser = try await client.logIn()
            for path in ["/tours/..%2F..%2Fetc/map.svg", "/tours/%2e%2e/map.svg", "/tours/..%2fmoyo-selo/map.svg",
                         "/static/../../etc/passwd", "/static/..%2F..%2Fetc%2Fpasswd", "/../../etc/passwd", "/stats.csv/../../x"] {
                try await client.execute(uri: path, method: .get, headers: browser.headers) { response in
                    #expect((400...499).contains(Int(response.status.code)), "\(path): \(response.status)")
                    #expect(!response.text.contains("root:"))
                }
            }
        }
    }
}

@Suite(.timeLimit(.minutes(3)))
struct KioskPageTests {
    @Test func theKioskPageShowsTheMachineAndHidesSecrets() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.router) { client in
            let browser = try await client.logIn("boris", Users.viewerPassword)
            try await client.execute(uri: "/kiosk", method: .get, headers: browser.headers) { response in
                let page = response.text
                #expect(page.contains("data-server-time=\""))
                #expect(page.contains("audiogid[1]: started"))
                #expect(page.contains("tour: moyo-selo"))
                #expect(!page.contains("s3cret-word"))
                #expect(!page.contains("$2b$"))
                #expect(page.contains("(hidden)"))
                #expect(!page.contains("action=\"/clock\""))   // a viewer cannot set the clock
            }
            try await client.execute(uri: "/api/kiosk", method: .get, headers: browser.headers) { response in
                let facts = try JSONDecoder().decode(KioskFacts.self, from: Data(buffer: response.body))
                #expect((facts.diskTotalBytes ?? 0) > 0)
                #expect((facts.uptimeSeconds ?? 0) > 0)
                #expect(abs(Double(facts.serverTimeMs) / 1000 - Date().timeIntervalSince1970) < 60)
            }
        }
    }

    @Test func staffSetTheClockFromTheBrowsers() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.router) { client in
            let staff = try await client.logIn()
            try await client.execute(uri: "/api/clock", method: .post, headers: staff.json(),
                                     body: ByteBuffer(string: #"{"epochMs": 1796000000000}"#)) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/clock", method: .post, headers: staff.form,
                                     body: ByteBuffer(string: "csrf=\(staff.csrf)&time=2026-11-30T09%3A15%3A00&epoch_ms=")) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("The kiosk&#39;s clock is set."))
            }
            let asked = rig.clock.asked.withLock { $0 }.map { Int64($0.timeIntervalSince1970 * 1000) }
            #expect(asked == [1_796_000_000_000, 1_796_030_100_000])   // 2026-11-30T09:15:00Z
            for body in [#"{"epochMs": 12}"#, #"{"epochMs": "now"}"#] {
                try await client.execute(uri: "/api/clock", method: .post, headers: staff.json(), body: ByteBuffer(string: body)) {
                    #expect($0.status == .badRequest)
                }
            }
            let viewer = try await client.logIn("boris", Users.viewerPassword)
            try await client.execute(uri: "/api/clock", method: .post, headers: viewer.json(),
                                     body: ByteBuffer(string: #"{"epochMs": 1796000000000}"#)) { #expect($0.status == .forbidden) }
            #expect(rig.clock.asked.withLock { $0.count } == 2)
        }
    }

    @Test func aRefusedClockIsSaidPlainly() async throws {
        let rig = try WebRig(daemon: false, refuseClock: true)
        try await rig.application().test(.router) { client in
            let staff = try await client.logIn()
            try await client.execute(uri: "/api/clock", method: .post, headers: staff.json(),
                                     body: ByteBuffer(string: #"{"epochMs": 1796000000000}"#)) { response in
                #expect(response.status == .forbidden)
                #expect(response.text.contains("CAP_SYS_TIME"))
            }
        }
    }

    @Test func secretsAreHiddenInEveryWayTheyAreWritten() {
        let text = """
            control:
              passwords:
                - password: plain-one
                - {password: flow-two, permissions: [read]}
            web:
              users:
                anna: {password: "$2b$12$abc", role: staff}
                boris:
                  password: "$2b$12$def"
            """
        let shown = KioskFacts.hidingSecrets(text)
        for secret in ["plain-one", "flow-two", "$2b$12$abc", "$2b$12$def"] { #expect(!shown.contains(secret)) }
        #expect(shown.contains("permissions: [read]}") && shown.contains("role: staff}"))
    }
}
