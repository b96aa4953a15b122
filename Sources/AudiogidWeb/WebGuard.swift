import AudiogidMessages
import AudiogidCore
import Foundation
import Hummingbird
import HummingbirdAuth
import Logging

/// What every request passes first: the page's language, the session, the login wall, and the headers that keep
/// a browser from running anything but /static/live.js. Refusals thrown by handlers become 4xx answers here, with
/// the same headers as any other answer.
struct WebGuard: RouterMiddleware {
    typealias Context = WebContext
    let sessions: SessionStorage<WebSession>
    let logger: Logger

    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var context = context
        var chosen: Language?
        if let asked = request.uri.queryParameters["lang"].flatMap({ Language(rawValue: String($0)) }) {
            context.language = asked
            chosen = asked
        } else if let kept = request.cookies["lang"].flatMap({ Language(rawValue: $0.value) }) {
            context.language = kept
        } else {
            context.language = Language.negotiate(request.headers[.acceptLanguage])
        }
        if let session = try? await sessions.load(request: request) {
            context.session = session
        }
        let path = request.uri.path
        let open = path == "/login" || path == "/api/login" || path.hasPrefix("/static/")
        var response: Response
        do {
            if !open, context.session == nil {
                if path.hasPrefix("/api/") { throw HTTPError(.unauthorized, message: "log in first (POST /api/login)") }
                response = Response(status: .seeOther, headers: [.location: "/login"])
            } else {
                response = try await next(request, context)
            }
        } catch let error as HTTPError {
            response = Self.errorResponse(error, language: context.language, html: !path.hasPrefix("/api/"))
        } catch {
            logger.error("request failed", metadata: ["path": "\(path)", "error": "\(error)"])
            response = Self.errorResponse(HTTPError(.internalServerError, message: "\(error)"), language: context.language, html: !path.hasPrefix("/api/"))
        }
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPFields.Element.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPFields.Element.Name("X-Frame-Options")!] = "DENY"
        if response.headers[.cacheControl] == nil, !path.hasPrefix("/static/") { response.headers[.cacheControl] = "no-store" }
        if let chosen {
            response.setCookie(Cookie(name: "lang", value: chosen.rawValue, maxAge: 365 * 86400, path: "/", httpOnly: true, sameSite: .strict))
        }
        return response
    }

    /// A refusal: JSON `{"error": ...}` for the API, a short page for people.
    static func errorResponse(_ error: HTTPError, language: Language, html: Bool) -> Response {
        var headers = error.headers
        let message = error.body ?? error.status.reasonPhrase
        if html {
            headers[.contentType] = "text/html; charset=utf-8"
            let body = "<p class=\"warning\">\(Markup.escape(message))</p><p><a href=\"/\">\(Markup.escape(language[.back]))</a></p>"
            let page = HTML.page("\(error.status.code) \(error.status.reasonPhrase)", active: "error", language: language, session: nil, body: body)
            return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
        }
        headers[.contentType] = "application/json; charset=utf-8"
        let json = (try? JSONEncoder().encode(["error": message])) ?? Data("{}".utf8)
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
