import AudiogidControl
import AudiogidCore
import AudiogidMessages
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The public visitor page on its own listener (`web.visitors`): the page, its script, style and service
/// worker, one event stream per phone, the tours' clips and pictures, play reports, and the captive-portal
/// answers. Nothing of the staff page is routed here.
public struct VisitorApp: Sendable {
    public let environment: WebEnvironment
    public let settings: VisitorSettings
    public let feed: VisitorFeed
    let link: KioskLink
    let limit: PhonePlayLimit
    let logger: Logger

    public init(environment: WebEnvironment, settings: VisitorSettings, feed: VisitorFeed, limit: Int = 240, logger: Logger) {
        self.environment = environment
        self.settings = settings
        self.feed = feed
        self.link = KioskLink(socket: environment.socket)
        self.limit = PhonePlayLimit(perHour: limit)
        self.logger = logger
    }

    static let lastEventID = HTTPFields.Element.Name("Last-Event-ID")!

    public func router() -> Router<VisitorContext> {
        let router = Router(context: VisitorContext.self)
        router.add(middleware: VisitorGuard(portal: CaptivePortal(url: settings.url), logger: logger))
        router.get("/") { request, _ in try await page(request) }
        router.get("/visitor.css") { _, _ in WebApp.asset(VisitorAssets.css, type: "text/css; charset=utf-8") }
        router.get("/visitor.js") { _, _ in WebApp.asset(VisitorAssets.script, type: "text/javascript; charset=utf-8") }
        router.get("/sw.js") { _, _ in
            var response = WebApp.asset(VisitorAssets.serviceWorker, type: "text/javascript; charset=utf-8")
            // A phone looks for a new service worker at each visit rather than keeping an old one a day.
            response.headers[.cacheControl] = "no-cache"
            return response
        }
        router.get("/events") { request, _ in try events(request) }
        router.get("/audio/**") { request, context in try await file(request, context) }
        router.head("/audio/**") { request, context in try await file(request, context) }
        router.post("/plays") { request, context in try await play(request, context) }
        return router
    }

    /// The tour the kiosk is playing, and the event a page opened now starts from.
    func now() async -> (VisitorTour?, VisitorEvent) {
        var event = feed.current
        if event.id == 0 {
            // No status has reached the feed yet (the web process has just started): ask the daemon once.
            let status = (try? await link.status()) ?? .unreachable
            event = VisitorEvent(id: 0, tour: status.tour, stop: status.stop, state: status.state, elapsed: status.elapsed,
                                 duration: status.duration, reachable: status.daemonReachable)
        }
        return (event.tour.isEmpty ? nil : await VisitorTour.loading(event.tour, from: environment.tours), event)
    }

    func page(_ request: Request) async throws -> Response {
        let (tour, event) = await now()
        let offered = tour?.languages ?? []
        let asked = request.uri.queryParameters["lang"].map(String.init)
        let language = asked.flatMap { code in offered.first { $0.lowercased() == code.lowercased() } }
            ?? VisitorLanguage.negotiate(request.headers[.acceptLanguage], offered: offered)
            ?? tour?.defaultLanguage ?? asked.map { VisitorLanguage(code: $0).rawValue } ?? "en"
        return WebApp.html(VisitorPage(tour: tour, language: language, event: event).render())
    }

    /// Server-Sent Events: the kiosk's state now (unless `Last-Event-ID` says the phone has it), then each change.
    func events(_ request: Request) throws -> Response {
        let last = request.headers[Self.lastEventID].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard let stream = feed.subscribe(lastEventID: last) else {
            throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "5"], message: "too many phones are listening")
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: ResponseBody { writer in
            // A phone that loses the stream tries again after a second, not the browser's default three.
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            for await message in stream {
                switch message {
                case .event(_, let frame):
                    try await writer.write(ByteBuffer(string: frame))
                case .heartbeat:
                    try await writer.write(ByteBuffer(string: ": still here\n\n"))
                }
            }
            try await writer.finish(nil)
        })
    }

    /// A clip or picture named by the tour playing (or another installed tour): nothing else of the data folder.
    func file(_ request: Request, _ context: VisitorContext) async throws -> Response {
        let path = request.uri.path
        let parts = path.split(separator: "/")
        let named = parts.count >= 3 ? await VisitorTour.loading(String(parts[1]).removingPercentEncoding ?? "", from: environment.tours) : nil
        let playing = named == nil ? await VisitorTour.loading(feed.current.tour, from: environment.tours) : nil
        guard parts.count >= 3, let tour = named ?? playing, let file = tour.files[path] else {
            throw HTTPError(.notFound, message: "no such clip")
        }
        return try await ClipResponse.respond(file, request: request, context: context)
    }

    func play(_ request: Request, _ context: VisitorContext) async throws -> Response {
        let report = try await WebApp.decode(PhonePlayReport.self, request)
        let line = try report.protocolLine(tour: await VisitorTour.loading(report.tour, from: environment.tours))
        guard limit.allow(["listener:" + report.listener, "peer:" + context.peer]) else {
            throw HTTPError(.tooManyRequests, headers: [.retryAfter: "3600"], message: "too many plays reported this hour")
        }
        let reply: ControlClient.Reply
        do { reply = try await link.send(line) } catch { throw HTTPError(.serviceUnavailable, message: "\(error)") }
        if let ack = reply.ack { throw HTTPError(.conflict, message: WebApp.refusal(ack)) }
        return Response(status: .noContent)
    }
}

/// What every visitor request passes first: the captive-portal redirect, then the handler, then the headers
/// that keep a browser from running anything but this page's own script and service worker.
struct VisitorGuard: RouterMiddleware {
    typealias Context = VisitorContext
    let portal: CaptivePortal
    let logger: Logger

    /// Hummingbird moves `Host:` to the request's authority; a test client may still send it as a header.
    static let host = HTTPFields.Element.Name("Host")!
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self' blob:; connect-src 'self'; worker-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func handle(_ request: Request, context: VisitorContext, next: (Request, VisitorContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if let location = portal.redirect(path: path, host: request.headers[Self.host] ?? request.head.authority,
                                          localAddress: context.localAddress, localPort: context.localPort) {
            return CaptivePortal.response(to: location)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = Self.errorResponse(error)
        } catch {
            logger.error("visitor request failed", metadata: ["path": "\(path)", "error": "\(error)"])
            response = Self.errorResponse(HTTPError(.internalServerError, message: "\(error)"))
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPFields.Element.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPFields.Element.Name("X-Frame-Options")!] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    static func errorResponse(_ error: HTTPError) -> Response {
        var headers = error.headers
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: error.status, headers: headers,
                        body: .init(byteBuffer: ByteBuffer(string: (error.body ?? error.status.reasonPhrase) + "\n")))
    }
}
