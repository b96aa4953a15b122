import Hummingbird
import NIOCore

/// Each visitor request's context: no session (the page is public), the address it came to (for the
/// captive-portal redirect) and the phone's address (for the play-report limit).
public struct VisitorContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let peer: String
    public let localAddress: String?
    public let localPort: Int?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress ?? "local"
        localAddress = source.channel.localAddress?.ipAddress
        localPort = source.channel.localAddress?.port
    }

    /// Play reports are a few hundred bytes.
    public var maxUploadSize: Int { 4 * 1024 }
}
