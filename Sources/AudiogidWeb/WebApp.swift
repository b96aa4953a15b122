import AudiogidMessages
import AudiogidControl
import AudiogidStore
import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdBcrypt
import Logging
import NIOCore

/// A command to the kiosk, as the JSON API and the page's forms both give it.
public struct CommandRequest: Codable, Sendable, Equatable {
    /// play, stop, pause, replay, language, volume, volume_up, volume_down, tour.
    public var action: String
    public var stop: Int?
    public var language: String?
    public var volume: Int?
    public var tour: String?

    /// The one protocol line the daemon is sent, or a 400 saying what is missing.
    func protocolLine(volumeCap: Int) throws -> String {
        switch action {
        case "play":
            guard let stop, (0...100_000).contains(stop) else { throw HTTPError(.badRequest, message: "play needs 'stop', a stop number") }
            return "playstop \(stop)"
        case "stop", "replay": return action
        case "pause": return "pause"
        case "volume_up": return "volume up"
        case "volume_down": return "volume down"
        case "volume":
            guard let volume, (0...volumeCap).contains(volume) else {
                throw HTTPError(.badRequest, message: "volume needs 'volume' between 0 and \(volumeCap) (the kiosk's cap)")
            }
            return "setvol \(volume)"
        case "language":
            guard let language, (2...12).contains(language.count), language.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-") }) else {
                throw HTTPError(.badRequest, message: "language needs 'language', a code such as ru or en")
            }
            return "language \(language)"
        case "tour":
            guard let tour, TourID.isSafe(tour) else { throw HTTPError(.badRequest, message: "tour needs 'tour', a tour id") }
            return "tour \(tour)"
        default:
            throw HTTPError(.badRequest, message: "unknown action '\(action)'; one of play, stop, pause, replay, language, volume, volume_up, volume_down, tour")
        }
    }
}

/// What `POST /api/login` takes.
struct LoginRequest: Codable { var user: String; var password: String }
/// What `POST /api/clock` takes: the browser's clock, milliseconds since 1970.
struct ClockRequest: Codable { var epochMs: Int64 }

/// The staff web page: its routes, pages and API over one `WebEnvironment`.
public struct WebApp: Sendable {
    public let environment: WebEnvironment
    public let live: LiveStatus
    public let link: KioskLink
    public let throttle: LoginThrottle
    let sessions: SessionStorage<WebSession>
    let logger: Logger
    /// Checked against when the user name is unknown, so a wrong name takes as long as a wrong password.
    let decoyHash: String

    public init(environment: WebEnvironment, live: LiveStatus, throttle: LoginThrottle = LoginThrottle(), logger: Logger) {
        self.environment = environment
        self.live = live
        self.link = KioskLink(socket: environment.socket)
        self.throttle = throttle
        self.logger = logger
        sessions = SessionStorage(MemoryPersistDriver(), configuration: .init(sessionCookieParameters: .init(
            name: "audiogid_session", path: "/", secure: environment.secureCookies, sameSite: .strict)))
        let cost = environment.settings.users.values.first.flatMap { UInt8($0.passwordHash.dropFirst(4).prefix(2)) } ?? 12
        decoyHash = Bcrypt.hash(UUID().uuidString, cost: cost)
    }

    static let sessionLifetime: Duration = .seconds(12 * 3600)

    public func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: WebGuard(sessions: sessions, logger: logger))
        router.get("/static/style.css") { _, _ in Self.asset(StaticAssets.css, type: "text/css; charset=utf-8") }
        router.get("/static/live.js") { _, _ in Self.asset(StaticAssets.script, type: "text/javascript; charset=utf-8") }

        router.get("/login") { _, context in Self.html(LoginPage().render(context.language)) }
        router.post("/login") { request, context in try await formLogin(request, context) }
        router.post("/logout") { request, context in try await logout(request, context, form: true) }
        router.get("/") { request, context in try await nowPage(context, message: request.uri.queryParameters["message"].map(String.init)) }
        router.post("/command") { request, context in try await formCommand(request, context) }
        router.get("/tours") { request, context in try await toursPage(context, message: doneMessage(request, context.language)) }
        router.get("/tours/:id/map.svg") { _, context in try await mapSVG(context) }
        router.post("/tours/upload") { request, context in try await formUpload(request, context) }
        router.post("/tours/rollback") { request, context in try await formRollback(request, context) }
        router.get("/stats") { request, context in try statsPage(request, context) }
        router.get("/stats.csv") { request, context in try statsFile(request, format: .csv) }
        router.get("/stats.svg") { request, context in try statsFile(request, format: .svg) }
        router.get("/kiosk") { _, context in try await kioskPage(context, message: nil, status: .ok) }
        router.post("/clock") { request, context in try await formClock(request, context) }

        let api = router.group("/api")
        api.post("/login") { request, context in try await apiLogin(request, context) }
        api.post("/logout") { request, context in try await logout(request, context, form: false) }
        api.get("/session") { _, context in try Self.json(context.session) }
        api.get("/status") { _, _ in try Self.json(try await currentStatus()) }
        api.get("/stops") { _, _ in try Self.json(try await daemon { try await link.stops() }) }
        api.post("/command") { request, context in try await apiCommand(request, context) }
        api.get("/events") { _, _ in try events() }
        api.get("/stats") { request, _ in try Self.json(try statistics(try Self.range(request))) }
        api.get("/tours") { _, context in
            let status = live.latest.daemonReachable ? live.latest : (try? await link.status()) ?? .unreachable
            return try Self.json(ToursReply(active: status.tour, tours: tourSummaries(context.language)))
        }
        api.post("/tours/:id/rollback") { request, context in try await apiRollback(request, context) }
        api.post("/packages") { request, context in try await apiUpload(request, context) }
        api.get("/kiosk") { _, _ in try Self.json(facts()) }
        api.post("/clock") { request, context in try await apiClock(request, context) }
        return router
    }

    struct ToursReply: Codable { var active: String; var tours: [TourSummary] }
    struct CommandReply: Codable { var ok: Bool; var status: NowStatus }

    // MARK: - Login

    func verify(_ user: String, _ password: String) async -> WebUser? {
        let account = environment.settings.users[user]
        let hash = account?.passwordHash ?? decoyHash
        // bcrypt takes a quarter of a second by design: off the event loop.
        let matches = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Bcrypt.verify(password, hash: hash)) }
        }
        return matches ? account : nil
    }

    /// The new session's cookie, or the refusal: 429 while the address is held back, 401 for a wrong name or password.
    func logIn(user: String, password: String, context: WebContext) async throws -> (WebSession, Cookie) {
        if let wait = throttle.wait(for: context.peer) {
            throw HTTPError(.tooManyRequests, headers: [.retryAfter: "\(Int(wait.rounded(.up)))"],
                            message: context.language[.tooManyAttempts])
        }
        guard password.utf8.count <= 72, let account = await verify(user, password) else {
            throttle.failed(context.peer)
            logger.notice("web login refused", metadata: ["user": "\(user)", "peer": "\(context.peer)"])
            throw HTTPError(.unauthorized, message: context.language[.wrongPassword])
        }
        throttle.succeeded(context.peer)
        let session = WebSession(user: account.name, role: account.role, csrf: Self.token())
        let cookie = try await sessions.save(session: session, expiresIn: Self.sessionLifetime)
        logger.info("web login", metadata: ["user": "\(account.name)", "peer": "\(context.peer)"])
        return (session, cookie)
    }

    func formLogin(_ request: Request, _ context: WebContext) async throws -> Response {
        let form = try await Form.read(request)
        do {
            let (_, cookie) = try await logIn(user: form["user"] ?? "", password: form["password"] ?? "", context: context)
            var response = Response(status: .seeOther, headers: [.location: "/"])
            response.setCookie(cookie)
            return response
        } catch let error as HTTPError where error.status == .unauthorized || error.status == .tooManyRequests {
            var response = Self.html(LoginPage(message: error.body).render(context.language), status: error.status)
            response.headers.append(contentsOf: error.headers)
            return response
        }
    }

    func apiLogin(_ request: Request, _ context: WebContext) async throws -> Response {
        let login = try await Self.decode(LoginRequest.self, request)
        let (session, cookie) = try await logIn(user: login.user, password: login.password, context: context)
        var response = try Self.json(session)
        response.setCookie(cookie)
        return response
    }

    func logout(_ request: Request, _ context: WebContext, form: Bool) async throws -> Response {
        guard let session = context.session else { throw HTTPError(.unauthorized) }
        if form { try Self.checkToken(try await Form.read(request)["csrf"], session) }
        else { try Self.checkToken(request.headers[Self.csrfHeader], session) }
        var response = form ? Response(status: .seeOther, headers: [.location: "/login"]) : Response(status: .noContent)
        if let expired = try? await sessions.delete(request: request) { response.setCookie(expired) }
        return response
    }

    static let csrfHeader = HTTPFields.Element.Name("X-CSRF-Token")!
    static var missingToken: HTTPError { HTTPError(.forbidden, message: "missing or wrong CSRF token (reload the page)") }

    static func checkToken(_ given: String?, _ session: WebSession) throws {
        guard let given, given.utf8.count == session.csrf.utf8.count,
              zip(given.utf8, session.csrf.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
            throw missingToken
        }
    }

    static func token() -> String {
        (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    // MARK: - Now

    func daemon<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw HTTPError(.serviceUnavailable, message: "\(error)") }
    }

    func currentStatus() async throws -> NowStatus {
        try await daemon { try await link.status() }
    }

    func nowPage(_ context: WebContext, message: String?, status code: HTTPResponse.Status = .ok) async throws -> Response {
        guard let session = context.session else { throw HTTPError(.unauthorized) }
        let status = (try? await link.status()) ?? .unreachable
        let stops = (try? await link.stops()) ?? []
        let page = NowPage(status: status, stops: stops, languages: environment.tours.languages(of: status.tour),
                           volumeCap: environment.volumeCap, message: message)
        let l = context.language
        return Self.html(HTML.page(l[.navNow], active: "now", language: l, session: session, body: page.render(l, session: session)), status: code)
    }

    /// Sends a command; an `ACK` (the kiosk refused, e.g. no such stop) comes back as 409 with the daemon's words.
    func perform(_ command: CommandRequest) async throws -> ControlClient.Reply {
        let line = try command.protocolLine(volumeCap: environment.volumeCap)
        let reply = try await daemon { try await link.send(line) }
        if let ack = reply.ack { throw HTTPError(.conflict, message: Self.refusal(ack)) }
        return reply
    }

    /// `ACK [50@0] {playstop} no stop 99` → `no stop 99`.
    static func refusal(_ ack: String) -> String {
        ack.range(of: "} ").map { String(ack[$0.upperBound...]) } ?? ack
    }

    func formCommand(_ request: Request, _ context: WebContext) async throws -> Response {
        let form = try await Form.read(request)
        let session = try context.requireStaff()
        try Self.checkToken(form["csrf"], session)
        guard let action = form["action"] else { throw HTTPError(.badRequest, message: "the form has no 'action'") }
        let command = CommandRequest(action: action, stop: form["stop"].flatMap { Int($0) }, language: form["language"],
                                     volume: form["volume"].flatMap { Int($0) }, tour: form["tour"])
        do {
            _ = try await perform(command)
        } catch let error as HTTPError where error.status == .conflict || error.status == .serviceUnavailable {
            return action == "tour" ? try await toursPage(context, message: error.body, status: error.status)
                                    : try await nowPage(context, message: error.body, status: error.status)
        }
        return Response(status: .seeOther, headers: [.location: action == "tour" ? "/tours" : "/"])
    }

    func apiCommand(_ request: Request, _ context: WebContext) async throws -> Response {
        let session = try context.requireStaff()
        try Self.checkToken(request.headers[Self.csrfHeader], session)
        let command = try await Self.decode(CommandRequest.self, request)
        _ = try await perform(command)
        return try Self.json(CommandReply(ok: true, status: try await currentStatus()))
    }

    /// Server-Sent Events: the status now, then again at every change the daemon reports.
    func events() throws -> Response {
        guard let stream = live.subscribe() else {
            throw HTTPError(.serviceUnavailable, message: "too many pages are open; close some and reload")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                        body: ResponseBody { writer in
            for await update in stream {
                if let status = update {
                    let data = try encoder.encode(status)
                    try await writer.write(ByteBuffer(string: "event: status\ndata: " + String(decoding: data, as: UTF8.self) + "\n\n"))
                } else {
                    try await writer.write(ByteBuffer(string: ": still here\n\n"))
                }
            }
            try await writer.finish(nil)
        })
    }

    // MARK: - Tours

    func toursPage(_ context: WebContext, message: String?, refusal: PackageRefusalReply? = nil,
                   status code: HTTPResponse.Status = .ok) async throws -> Response {
        guard let session = context.session else { throw HTTPError(.unauthorized) }
        let status = (try? await link.status()) ?? .unreachable
        let l = context.language
        let page = ToursPage(tours: tourSummaries(l), active: status.tour, message: message, refusal: refusal,
                             uploadLimitMB: uploadLimit >> 20)
        return Self.html(HTML.page(l[.navTours], active: "tours", language: l, session: session, body: page.render(l, session: session)), status: code)
    }

    /// The installed tours with their packages' versions and signers.
    func tourSummaries(_ l: Language) -> [TourSummary] {
        environment.tours.summaries(language: l.rawValue, packages: environment.packages.installed(),
                                    signerNames: environment.packages.signerNames())
    }

    func mapSVG(_ context: WebContext) async throws -> Response {
        guard let id = context.parameters.get("id"), TourID.isSafe(id) else {
            throw HTTPError(.badRequest, message: "not a tour id (lower-case letters, digits and dashes)")
        }
        guard environment.tours.ids().contains(id) else { throw HTTPError(.notFound, message: "no tour '\(id)' is installed") }
        let svg: String
        do { svg = try environment.tours.mapSVG(id) } catch {
            throw HTTPError(.notFound, message: "tour \(id) has no map: \(error)")
        }
        var response = Self.asset(svg, type: "image/svg+xml")
        // The engine's SVG styles itself inline; as an image it can run nothing.
        response.headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'"
        return response
    }

    // MARK: - Statistics

    static func range(_ request: Request) throws -> DateRange {
        let query = request.uri.queryParameters
        guard let range = DateRange(from: query["from"].map(String.init), to: query["to"].map(String.init)) else {
            throw HTTPError(.badRequest, message: "dates are written YYYY-MM-DD")
        }
        return range
    }

    /// The play log's figures, read from a read-only connection to the daemon's database (WAL lets both at once).
    func statistics(_ range: DateRange) throws -> PlayStatistics {
        guard FileManager.default.fileExists(atPath: environment.databasePath) else {
            // No database yet (a new kiosk): no plays, the same shape as any report.
            let none = #"{"total":{"key":"total","plays":0,"finished":0,"interrupted":0,"secondsHeard":0},"byStop":[],"byLanguage":[],"bySource":[],"byDay":[],"byMonth":[]}"#
            var empty = try JSONDecoder().decode(PlayStatistics.self, from: Data(none.utf8))
            (empty.from, empty.to) = (range.from, range.to)
            return empty
        }
        do {
            let store = try KioskStore(readingOnly: environment.databasePath)
            defer { try? store.close() }
            return try store.statistics(from: range.from, to: range.to)
        } catch {
            throw HTTPError(.serviceUnavailable, message: "the play log cannot be read: \(error)")
        }
    }

    func statsPage(_ request: Request, _ context: WebContext) throws -> Response {
        guard let session = context.session else { throw HTTPError(.unauthorized) }
        let l = context.language
        let range = try Self.range(request)
        var page = StatsPage(range: range)
        do { page.statistics = try statistics(range) } catch let error as HTTPError { page.problem = error.body }
        return Self.html(HTML.page(l[.navStatistics], active: "stats", language: l, session: session, body: page.render(l)))
    }

    func statsFile(_ request: Request, format: StatisticsReport.Format) throws -> Response {
        let range = try Self.range(request)
        let text = StatisticsReport.render(try statistics(range), as: format, title: "Audiogid plays")
        var response = Self.asset(text, type: format == .csv ? "text/csv; charset=utf-8" : "image/svg+xml")
        if format == .csv {
            let name = "audiogid-plays" + (range.from.map { "-\($0)" } ?? "") + (range.to.map { "-\($0)" } ?? "") + ".csv"
            response.headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        } else {
            response.headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'"
        }
        response.headers[.cacheControl] = "no-store"
        return response
    }

    // MARK: - Kiosk

    func facts() -> KioskFacts {
        KioskFacts.gather(dataDirectory: environment.dataDirectory, configFile: environment.configFile, log: environment.log)
    }

    func kioskPage(_ context: WebContext, message: String?, status code: HTTPResponse.Status) async throws -> Response {
        guard let session = context.session else { throw HTTPError(.unauthorized) }
        let l = context.language
        let page = KioskPage(facts: facts(), message: message)
        return Self.html(HTML.page(l[.navKiosk], active: "kiosk", language: l, session: session, body: page.render(l, session: session)), status: code)
    }

    /// Sets the clock; a refusal (no CAP_SYS_TIME) is said as it is, with 403.
    func setClock(_ epochMs: Int64) throws {
        // 2020..2100: a date outside is a typing slip, not a kiosk's clock.
        guard (1_577_836_800_000...4_102_444_800_000).contains(epochMs) else {
            throw HTTPError(.badRequest, message: "that time is outside 2020–2100")
        }
        do { try environment.setClock(Date(timeIntervalSince1970: Double(epochMs) / 1000)) } catch {
            throw HTTPError(.forbidden, message: "\(error)")
        }
        logger.notice("clock set from the web page", metadata: ["epoch_ms": "\(epochMs)"])
    }

    func formClock(_ request: Request, _ context: WebContext) async throws -> Response {
        let form = try await Form.read(request)
        let session = try context.requireStaff()
        try Self.checkToken(form["csrf"], session)
        // The script fills epoch_ms from the browser's clock; without it, the typed UTC time is used.
        let epoch = form["epoch_ms"].flatMap { Int64($0) } ?? form["time"].flatMap(Self.utcMilliseconds)
        guard let epoch else { throw HTTPError(.badRequest, message: "give the time as YYYY-MM-DDTHH:MM[:SS] (UTC)") }
        do { try setClock(epoch) } catch let error as HTTPError where error.status == .forbidden {
            return try await kioskPage(context, message: error.body, status: .forbidden)
        }
        return try await kioskPage(context, message: context.language[.clockSet], status: .ok)
    }

    func apiClock(_ request: Request, _ context: WebContext) async throws -> Response {
        let session = try context.requireStaff()
        try Self.checkToken(request.headers[Self.csrfHeader], session)
        let clock = try await Self.decode(ClockRequest.self, request)
        try setClock(clock.epochMs)
        return Response(status: .noContent)
    }

    static func utcMilliseconds(_ text: String) -> Int64? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        }
        return nil
    }

    // MARK: - Responses

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "max-age=300"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// A JSON body of at most 16 KB; another content type is 415, malformed JSON 400 with the decoder's reason.
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        try requireContentType(request, "application/json")
        let buffer = try await collect(request, upTo: 16 * 1024)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch {
            throw HTTPError(.badRequest, message: "the body is not the JSON this endpoint takes: \(Self.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _): "missing '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case .dataCorrupted: "not valid JSON"
        default: "\(error)"
        }
    }
}
