import AudiogidMessages
import AudiogidTestSupport
import AudiogidWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite(.timeLimit(.minutes(3)))
struct NowTests {
    @Test func theNowPageShowsTheKioskAndAButtonForEveryStop() async throws {
        let rig = try WebRig()
        try await rig.application().test(.router) { client in
            let browser = try await client.logIn()
            try await client.execute(uri: "/", method: .get, headers: browser.headers) { response in
                #expect(response.status == .ok)
                let page = response.text
                #expect(page.contains("data-field=\"state\">stopped<"))
                #expect(page.contains("data-field=\"volume\">50<"))
                let stops = try await client.execute(uri: "/api/stops", method: .get, headers: browser.headers) {
                    try JSONDecoder().decode([StopButton].self, from: Data(buffer: $0.body))
                }
                #expect(stops.count >= 3)
                for stop in stops { #expect(page.contains("name=\"stop\" value=\"\(stop.number)\""), "stop \(stop.number)") }
                for action in ["stop", "pause", "replay", "volume_up", "volume_down"] { #expect(page.contains("value=\"\(action)\"")) }
                #expect(page.contains("max=\"80\""))   // the kiosk's volume cap
            }
        }
    }

    @Test func staffPlayAStopThroughTheAPIAndTheDaemonPlaysIt() async throws {
        let rig = try WebRig()
        try await rig.application().test(.router) { client in
            let browser = try await client.logIn()
            try await client.execute(uri: "/api/command", method: .post, headers: browser.json(),
                                     body: ByteBuffer(string: #"{"action":"play","stop":3}"#)) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("\"stop\":3"))
            }
            #expect(try rig.control("status").value("stop") == "3")
            try await client.execute(uri: "/api/command", method: .post, headers: browser.json(),
                                     body: ByteBuffer(string: #"{"action":"volume","volume":30}"#)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/command", method: .post, headers: browser.json(),
                                     body: ByteBuffer(string: #"{"action":"language","language":"en"}"#)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/command", method: .post, headers: browser.json(),
                                     body: ByteBuffer(string: #"{"action":"pause"}"#)) { #expect($0.status == .ok) }
            let status = try await client.status(browser)
            #expect(status.volume == 30 && status.language == "en" && status.state == "pause" && status.stop == 3)
            try await client.execute(uri: "/api/command", method: .post, headers: browser.json(),
                                     body: ByteBuffer(string: #"{"action":"stop"}"#)) { #expect($0.status == .ok) }
            #expect(try await client.status(browser).state == "stop")
        }
    }

    @Test func theFormsWorkWithoutJavaScript() async throws {
        let rig = try WebRig()
        try await rig.application().test(.router) { client in
            let browser = try await client.logIn()
            try await client.execute(uri: "/command", method: .post, headers: browser.form,
                                     body: ByteBuffer(string: "csrf=\(browser.csrf)&action=play&stop=2")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/")
            }
            #expect(try rig.control("status").value("stop") == "2")
            try await client.execute(uri: "/", method: .get, headers: browser.headers) { response in
                #expect(response.text.contains("data-field=\"state\">playing<"))
            }
        }
    }

    @Test func aRefusalOfTheKioskIsShownInItsOwnWords() async throws {
        let rig = try WebRig()
        try await rig.application().test(.router) { client in
            let browser = try await client.logIn()
            try await client.execute(uri: "/api/command", method: .post, headers: browser.json(),
                                     body: ByteBuffer(string: #"{"action":"play","stop":99}"#)) { response in
                #expect(response.status == .conflict)
                #expect(!response.text.contains("ACK"))
                #expect(response.text.contains("99"))
            }
            try await client.execute(uri: "/command", method: .post, headers: browser.form,
                                     body: ByteBuffer(string: "csrf=\(browser.csrf)&action=play&stop=99")) { response in
                #expect(response.status == .conflict)
                #expect(response.text.contains("class=\"notice\""))
            }
        }
    }

    @Test func withoutTheTokenOrAsAViewerNothingIsPlayed() async throws {
        let rig = try WebRig()
        try await rig.application().test(.router) { client in
            let staff = try await client.logIn()
            var forged = staff
            forged.csrf = String(repeating: "0", count: staff.csrf.count)
            try await client.execute(uri: "/api/command", method: .post, headers: forged.json(),
                                     body: ByteBuffer(string: #"{"action":"play","stop":3}"#)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/command", method: .post, headers: staff.form,
                                     body: ByteBuffer(string: "action=play&stop=3")) { #expect($0.status == .forbidden) }
            let viewer = try await client.logIn("boris", Users.viewerPassword)
            try await client.execute(uri: "/api/command", method: .post, headers: viewer.json(),
                                     body: ByteBuffer(string: #"{"action":"play","stop":3}"#)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/", method: .get, headers: viewer.headers) { response in
                #expect(response.status == .ok)
                #expect(!response.text.contains("action=\"/command\""))
            }
            #expect(try rig.control("status").value("state") == "stop")
        }
    }

    @Test func badRequestsGet4xxAndNeverACrash() async throws {
        let rig = try WebRig()
        try await rig.application().test(.router) { client in
            let browser = try await client.logIn()
            let cases: [(HTTPFields, String, HTTPResponse.Status)] = [
                (browser.json([.contentType: "text/plain"]), #"{"action":"stop"}"#, .unsupportedMediaType),
                (browser.json(), #"{"action": "play", "stop": "#, .badRequest),
                (browser.json(), #"{"action": "play", "stop": "three"}"#, .badRequest),
                (browser.json(), #"{"stop": 3}"#, .badRequest),
                (browser.json(), #"{"action": "explode"}"#, .badRequest),
                (browser.json(), #"{"action": "play"}"#, .badRequest),
                (browser.json(), #"{"action": "volume", "volume": 95}"#, .badRequest),   // above the cap
                (browser.json(), #"{"action": "language", "language": "ru\nstop"}"#, .badRequest),
                (browser.json(), #"{"action": "tour", "tour": "../../etc"}"#, .badRequest),
                (browser.json(), "[" + String(repeating: "1,", count: 20_000) + "1]", .contentTooLarge),
            ]
            for (headers, body, expected) in cases {
                try await client.execute(uri: "/api/command", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == expected, "\(body.prefix(60))")
                }
            }
            try await client.execute(uri: "/command", method: .post, headers: browser.json(), body: ByteBuffer(string: "{}")) {
                #expect($0.status == .unsupportedMediaType)
            }
            try await client.execute(uri: "/api/nothing-here", method: .get, headers: browser.headers) { #expect($0.status == .notFound) }
            // The daemon still answers, untouched.
            #expect(try rig.control("status").value("state") == "stop")
        }
    }

    @Test func withTheDaemonDownThePageSaysSoAndTheAPIAnswers503() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.router) { client in
            let browser = try await client.logIn()
            try await client.execute(uri: "/", method: .get, headers: browser.headers) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("data-field=\"unreachable\""))
            }
            try await client.execute(uri: "/api/status", method: .get, headers: browser.headers) { #expect($0.status == .serviceUnavailable) }
            try await client.execute(uri: "/api/command", method: .post, headers: browser.json(),
                                     body: ByteBuffer(string: #"{"action":"stop"}"#)) { #expect($0.status == .serviceUnavailable) }
        }
    }
}
