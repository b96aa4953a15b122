import AudiogidMessages
import AudiogidWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite(.timeLimit(.minutes(3)))
struct LoginTests {
    @Test func everyPageButLoginSendsAStrangerToTheLoginForm() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.router) { client in
            for path in ["/", "/tours", "/stats", "/kiosk", "/stats.csv", "/tours/moyo-selo/map.svg"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .seeOther, "\(path)")
                    #expect(response.headers[.location] == "/login")
                }
            }
            for path in ["/api/status", "/api/stops", "/api/stats", "/api/tours", "/api/kiosk", "/api/events", "/api/session"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(path)")
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                }
            }
            try await client.execute(uri: "/login", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("<form method=\"post\" action=\"/login\""))
            }
        }
    }

    @Test func theSessionCookieIsHttpOnlyAndSameSiteStrict() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.router) { client in
            try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "user=anna&password=\(Users.staffPassword)")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/")
                let cookie = response.headers[values: .setCookie].first { $0.hasPrefix("audiogid_session=") } ?? ""
                #expect(cookie.contains("HttpOnly"))
                #expect(cookie.contains("SameSite=Strict"))
            }
        }
    }

    @Test func aWrongPasswordOrUnknownUserIsRefusedWithTheFormAgain() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.router) { client in
            for body in ["user=anna&password=wrong-password", "user=nobody&password=\(Users.staffPassword)"] {
                try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.setCookie] == nil)
                    #expect(response.text.contains("Wrong user name or password."))
                }
            }
            try await client.execute(uri: "/api/login", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"user":"anna","password":"nope"}"#)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.text.contains("\"error\""))
            }
        }
    }

    /// Five wrong passwords from one address hold it back a minute, even for the right password then.
    @Test func loginAttemptsAreLimitedPerAddress() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.router) { client in
            for _ in 0..<5 {
                try await client.execute(uri: "/api/login", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: #"{"user":"anna","password":"guess"}"#)) { #expect($0.status == .unauthorized) }
            }
            try await client.execute(uri: "/api/login", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"user":"anna","password":"\#(Users.staffPassword)"}"#)) { response in
                #expect(response.status == .tooManyRequests)
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 0)
            }
        }
    }

    @Test func loggingOutNeedsTheTokenAndEndsTheSession() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.router) { client in
            let browser = try await client.logIn()
            try await client.execute(uri: "/logout", method: .post, headers: browser.form, body: ByteBuffer(string: "csrf=forged")) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/logout", method: .post, headers: browser.form, body: ByteBuffer(string: "csrf=\(browser.csrf)")) {
                #expect($0.status == .seeOther)
            }
            try await client.execute(uri: "/api/session", method: .get, headers: browser.headers) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func everyAnswerCarriesAContentSecurityPolicyWithoutInlineScript() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.router) { client in
            let browser = try await client.logIn()
            for path in ["/login", "/", "/tours", "/stats", "/kiosk", "/api/status"] {
                try await client.execute(uri: path, method: .get, headers: browser.headers) { response in
                    let policy = response.headers[.contentSecurityPolicy] ?? ""
                    #expect(policy.contains("script-src 'self'"), "\(path)")
                    #expect(!policy.contains("unsafe-inline"), "\(path)")
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                    // The only script is the static file; no inline script or handler attribute on any page.
                    #expect(!response.text.contains("<script>") && !response.text.contains("onclick"), "\(path)")
                }
            }
        }
    }

    @Test func pagesSpeakTheBrowsersLanguageAndSwitchOnRequest() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.router) { client in
            try await client.execute(uri: "/login", method: .get, headers: [.acceptLanguage: "ru-RU,ru;q=0.9"]) { response in
                #expect(response.text.contains("<html lang=\"ru\">"))
                #expect(response.text.contains("Пароль"))
            }
            try await client.execute(uri: "/login?lang=en", method: .get, headers: [.acceptLanguage: "ru"]) { response in
                #expect(response.text.contains("Password"))
                #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("lang=en") })
            }
            try await client.execute(uri: "/login", method: .get, headers: [.acceptLanguage: "ru", .cookie: "lang=en"]) { response in
                #expect(response.text.contains("<html lang=\"en\">"))
            }
        }
    }
}
