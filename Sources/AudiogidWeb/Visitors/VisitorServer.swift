import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

extension WebServer {
    /// The visitor listener: the same tight HTTP/1.1 limits as the staff page's, on `web.visitors.listen`.
    public static func visitorApplication(_ visitors: VisitorApp, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in })
        -> some ApplicationProtocol {
        Application(router: visitors.router(), server: http1(),
                    configuration: .init(address: .hostname(visitors.settings.host, port: visitors.settings.port),
                                         serverName: "audiogid-visitors"),
                    onServerRunning: onServerRunning, logger: visitors.logger)
    }

    /// Runs the staff page and the visitor page side by side in one service group: SIGTERM stops both, and
    /// one failing to listen (port 80 taken, say) stops the other, so systemd restarts the whole process.
    static func run(staff: some ApplicationProtocol, visitors settings: VisitorSettings, environment: WebEnvironment,
                    live: LiveStatus, logger: Logger) async throws {
        let feed = VisitorFeed()
        feed.follow(live)
        defer { feed.stop() }
        let visitors = visitorApplication(VisitorApp(environment: environment, settings: settings, feed: feed, logger: logger)) { channel in
            logger.info("visitor page listening", metadata: ["address": "\(channel.localAddress?.description ?? "?")"])
        }
        // Shut down first (a group stops its services in reverse order): the phones' and pages' event streams never
        // end by themselves, and the servers wait for their connections to close.
        let closer = StreamCloser(feed: feed, live: live)
        let group = ServiceGroup(configuration: .init(services: [staff, visitors, closer], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
    }
}

/// Ends every open event stream when the process is asked to stop, so SIGTERM does not wait for phones to hang up.
struct StreamCloser: Service {
    let feed: VisitorFeed
    let live: LiveStatus

    func run() async throws {
        try? await gracefulShutdown()
        feed.stop()
        live.stop()
    }
}
