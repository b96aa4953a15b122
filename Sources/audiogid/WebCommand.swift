import ArgumentParser
import AudiogidCore
import AudiogidDaemon
import AudiogidKiosk
import AudiogidManifest
import AudiogidPackages
import AudiogidWeb
import Foundation
import Logging

struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Serve the staff web page: run the kiosk, see its tours and statistics from a phone or laptop.",
        discussion: """
            A separate process beside the daemon: it talks to the daemon's control socket and reads the play log
            read-only, so the kiosk keeps playing if the page stops. Logins come from kiosk.yaml's `web.users`
            (make a hash with `audiogid passwd`); it listens on `web.listen` (default 0.0.0.0:8080).
            """)

    @Option(name: .long, help: "kiosk.yaml to read (the daemon's).")
    var config: String
    @Option(name: .long, help: "Listen on HOST:PORT instead of web.listen.")
    var listen: String?
    @Option(name: .long, help: "Data folder holding tours/ and the database (as given to the daemon).")
    var data: String?
    @Option(name: .long, help: "The daemon's control socket (as given to the daemon).")
    var socket: String?

    func run() async throws {
        limitMallocArenas(2)
        // The whole file is checked by the same strict readers the daemon uses, and its web: section by the page's.
        let (file, findings) = KioskFile.check(path: config)
        var webFindings: [Finding] = []
        var settings = WebSettings()
        if let document = try? YAMLDocument.read(file: config) { (settings, webFindings) = WebSettings.read(document) }
        let errors = (findings + webFindings).filter { $0.severity == .error }
        guard var file, errors.isEmpty else {
            FileHandle.standardError.write(Data("audiogid web: the configuration has errors, not starting:\n\(errors.map(\.line).joined(separator: "\n"))\n".utf8))
            throw ExitCode(2)
        }
        guard !settings.users.isEmpty else {
            FileHandle.standardError.write(Data("audiogid web: \(WebSettings.noUsersMessage)\n".utf8))
            throw ExitCode(2)
        }
        if let listen {
            let probe = WebSettings(listen: listen)
            guard listen.contains(":") else { throw ValidationError("--listen takes HOST:PORT") }
            (settings.host, settings.port) = (probe.host, probe.port)
        }
        let level: Logger.Level = file.configuration.verbose ? .debug : .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        // The daemon's --data and --socket win over kiosk.yaml; the page must look where the daemon does.
        ConfigurationOverrides(data: data, socket: socket).apply(to: &file.configuration)
        let c = file.configuration
        // Uploads install as `audiogid install --config` does: its trusted keys and limits, clip index and reload.
        let socketPath = c.control.socketPath
        let packages = PackageDesk(dataDirectory: c.dataDirectory, settings: file.packages,
                                   indexClips: { ClipIndexing.indexer(data: c.dataDirectory, database: c.databasePath)($0) },
                                   reloadDaemon: { DaemonReloader.reload(socket: socketPath) })
        let environment = WebEnvironment(
            settings: settings, socket: c.control.socketPath, databasePath: c.databasePath, dataDirectory: c.dataDirectory,
            tours: TourCatalog(toursDirectory: c.toursDirectory, audioDirectory: c.audioDirectory),
            configFile: config, volumeCap: c.player.volumeCap, packages: packages)
        try await WebServer.run(environment, logger: Logger(label: "audiogid-web"))
    }
}
