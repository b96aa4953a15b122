import AudiogidMessages
import Hummingbird
import NIOCore

/// Who is logged in, with the token their state-changing requests must carry.
public struct WebSession: Codable, Sendable, Equatable {
    public var user: String
    public var role: WebRole
    public var csrf: String
}

/// Each request's context: the session the middleware found, and the peer address the login limit counts by.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var session: WebSession?
    public var sessionID: String?
    public let peer: String
    public var language: Language = .english

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        // The router test framework's channel has no address; all its requests count as one peer.
        peer = source.channel.remoteAddress?.ipAddress ?? "local"
    }

    /// The upper bound of what any handler collects into memory; uploads are streamed to disk instead.
    public var maxUploadSize: Int { 64 * 1024 }

    func requireStaff() throws -> WebSession {
        guard let session else { throw HTTPError(.unauthorized, message: "log in first") }
        guard session.role == .staff else { throw HTTPError(.forbidden, message: "this needs the staff role; \(session.user) is a viewer") }
        return session
    }
}
