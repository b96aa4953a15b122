import AudiogidMessages
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// `audiogid web`: the page's HTTP server and its watch on the daemon, run until SIGTERM or SIGINT.
public enum WebServer {
    /// HTTP/1.1 with tight header limits: a page's requests carry a cookie and a few short headers, and a
    /// megabyte of headers is an attack, answered before any handler runs.
    public static func http1() -> HTTPServerBuilder {
        .http1(configuration: .init(idleTimeout: .seconds(75), httpDecoderConfiguration: .init(
            maxHeaderFieldSize: 8 * 1024, maxHeaderListSize: 32 * 1024, maxHeaderFieldCount: 100)))
    }

    public static func application(_ web: WebApp, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in })
        -> some ApplicationProtocol {
        Application(router: web.router(), server: http1(),
                    configuration: .init(address: .hostname(web.environment.settings.host, port: web.environment.settings.port),
                                         serverName: "audiogid-web"),
                    onServerRunning: onServerRunning, logger: web.logger)
    }

    public static func run(_ environment: WebEnvironment, logger: Logger) async throws {
        let live = LiveStatus(socket: environment.socket, logger: logger)
        live.start()
        defer { live.stop() }
        let web = WebApp(environment: environment, live: live, logger: logger)
        let app = application(web) { channel in
            logger.info("staff web page listening", metadata: ["address": "\(channel.localAddress?.description ?? "?")",
                                                               "daemon": "\(environment.socket)"])
        }
        if let visitors = environment.settings.visitors {
            try await run(staff: app, visitors: visitors, environment: environment, live: live, logger: logger)
            return
        }
        try await app.runService()
    }
}
