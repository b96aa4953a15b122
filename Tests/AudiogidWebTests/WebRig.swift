import AudiogidMessages
import AudiogidControl
import AudiogidCore
import AudiogidKiosk
import AudiogidPackages
import AudiogidStore
import AudiogidWeb
import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import Logging
import Synchronization
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Passwords of the rig's users; hashed at cost 4 so the tests do not spend seconds in bcrypt.
enum Users {
    static let staffPassword = "lighthouse-keeper"
    static let viewerPassword = "just-looking"
    static let settings: [String: WebUser] = [
        "anna": WebUser(name: "anna", passwordHash: Bcrypt.hash(staffPassword, cost: 4), role: .staff),
        "boris": WebUser(name: "boris", passwordHash: Bcrypt.hash(viewerPassword, cost: 4), role: .viewer),
    ]
}

/// The clock setter the rig hands the page: it records what it was asked (the tests run as root on a shared
/// machine, where really setting the clock would upset every other process), or refuses as the kernel does.
final class ClockRecorder: Sendable {
    let asked = Mutex<[Date]>([])
    let refuse: Bool
    init(refuse: Bool = false) { self.refuse = refuse }
    func set(_ date: Date) throws {
        if refuse { throw SystemClock.Refused(description: "the kiosk refused to set its clock: the web process needs root or CAP_SYS_TIME") }
        asked.withLock { $0.append(date) }
    }
}

/// A silent kiosk with its real control socket and store in a temp folder, and the web page in front of it.
final class WebRig: @unchecked Sendable {
    let folder: URL
    let kiosk: Kiosk?
    let server: ControlServer?
    let writer: StoreWriter?
    let configuration: KioskConfiguration
    let live: LiveStatus
    let web: WebApp
    let clock: ClockRecorder

    /// `daemon: false` leaves the socket path dead, as when the daemon is stopped.
    /// Where the page finds the keys it trusts for uploaded packages (`packages.trusted_keys`).
    var trustedKeys: URL { folder.appendingPathComponent("trusted-keys") }
    /// Where uploads arrive while they are written.
    var uploads: URL { folder.appendingPathComponent(".uploads") }

    init(daemon: Bool = true, refuseClock: Bool = false, configText: String? = nil, uploadLimitMB: Int = 200) throws {
        folder = URL(fileURLWithPath: "/tmp/agw-\(UUID().uuidString.prefix(8))")
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: folder.appendingPathComponent("tours"), withIntermediateDirectories: true)
        try fileManager.createDirectory(at: folder.appendingPathComponent("audio"), withIntermediateDirectories: true)
        for id in ["moyo-selo", "teplokhodik"] {
            try fileManager.copyItem(at: repositoryRoot.appendingPathComponent("tours/\(id)"), to: folder.appendingPathComponent("tours/\(id)"))
            try fileManager.copyItem(at: repositoryRoot.appendingPathComponent("audio/\(id)"), to: folder.appendingPathComponent("audio/\(id)"))
        }
        var configuration = KioskConfiguration(dataDirectory: folder.path, tour: "moyo-selo", audio: AudioSettings(device: "none"),
                                               volume: 50, player: PlayerSettings(volumeCap: 80))
        configuration.control = ControlSettings(socketPath: folder.appendingPathComponent("control.sock").path)
        self.configuration = configuration
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        if daemon {
            let store = try KioskStore(path: configuration.databasePath)
            let shelf = TourShelf(toursDirectory: configuration.toursDirectory, audioDirectory: configuration.audioDirectory,
                                  store: store, logger: logger)
            let writer = StoreWriter(store: store)
            writer.start()
            self.writer = writer
            let config = configuration
            // A clip never ends by itself (SilentSpeaker would end it after its duration): "still playing" holds.
            let kiosk = Kiosk(configuration: configuration, tour: try shelf.install("moyo-selo"), speaker: QuietSpeaker(),
                              writer: writer, logger: logger, loadTour: { try shelf.install($0) },
                              reload: { id in (config, try shelf.install(id)) })
            self.kiosk = kiosk
            let server = ControlServer(kiosk: kiosk, settings: configuration.control, logger: logger)
            try server.start()
            self.server = server
        } else {
            kiosk = nil; server = nil; writer = nil
        }
        let configFile = folder.appendingPathComponent("kiosk.yaml").path
        try (configText ?? """
            tour: moyo-selo
            control:
              passwords:
                - {password: s3cret-word, permissions: [read, control]}
            web:
              users:
                anna: {password: "\(Users.settings["anna"]!.passwordHash)", role: staff}

            """).write(toFile: configFile, atomically: true, encoding: .utf8)
        clock = ClockRecorder(refuse: refuseClock)
        let recorder = clock
        // Packages install as `audiogid install` does, and the rig's daemon is told to reload over its real socket.
        let socket = configuration.control.socketPath
        let packages = PackageDesk(dataDirectory: folder.path, settings: PackageSettings(trustedKeys: folder.appendingPathComponent("trusted-keys").path),
                                   reloadDaemon: { Self.reload(socket) })
        let environment = WebEnvironment(
            settings: WebSettings(listen: "127.0.0.1:0", users: Users.settings, uploadLimitMB: uploadLimitMB), socket: configuration.control.socketPath,
            databasePath: configuration.databasePath, dataDirectory: folder.path,
            tours: TourCatalog(toursDirectory: configuration.toursDirectory, audioDirectory: configuration.audioDirectory),
            configFile: configFile, volumeCap: 80, setClock: { try recorder.set($0) },
            log: { ["2026-11-30T08:00:00 kiosk audiogid[1]: started"] }, packages: packages)
        live = LiveStatus(socket: configuration.control.socketPath, logger: logger)
        live.start(heartbeat: 1)
        web = WebApp(environment: environment, live: live, throttle: LoginThrottle(limit: 5, window: 60), logger: logger)
    }

    func application() -> some ApplicationProtocol { WebServer.application(web) }

    /// What `audiogid install` does after a change: `reload` on the control socket; no socket, no daemon.
    static func reload(_ socket: String) -> DaemonReload {
        guard FileManager.default.fileExists(atPath: socket) else { return .notRunning }
        do {
            let reply = try ControlClient(address: socket).send("reload")
            return reply.ack.map { .failed($0) } ?? .reloaded
        } catch {
            return .failed("\(error)")
        }
    }

    func control(_ line: String) throws -> ControlClient.Reply { try ControlClient(address: configuration.control.socketPath).send(line) }

    deinit {
        live.stop()
        server?.stop()
        writer?.finish()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A speaker that plays nothing and never ends a clip by itself.
final class QuietSpeaker: Speaker, Sendable {
    func play(_ clip: SpeakerClip, token: UInt64) {}
    func stop() {}
    func pause() {}
    func resume() {}
    func setVolume(_ level: Int) {}
    var status: SpeakerStatus { SpeakerStatus(device: "none", deviceOpen: true, underruns: 0) }
    func setEventHandler(_ handler: @escaping @Sendable (SpeakerEvent) -> Void) {}
    func shutdown() async {}
}

/// A logged-in browser: its session cookie and CSRF token.
struct Browser: Sendable {
    var cookie: String
    var csrf: String

    var headers: HTTPFields { [.cookie: cookie] }
    func json(_ extra: HTTPFields = [:]) -> HTTPFields {
        var fields: HTTPFields = [.cookie: cookie, .contentType: "application/json", HTTPFields.Element.Name("X-CSRF-Token")!: csrf]
        fields.append(contentsOf: extra)
        return fields
    }
    var form: HTTPFields { [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"] }
}

extension TestClientProtocol {
    /// Logs in through the JSON API and returns the browser's cookie and token.
    func logIn(_ user: String = "anna", _ password: String = Users.staffPassword) async throws -> Browser {
        let body = ByteBuffer(string: #"{"user":"\#(user)","password":"\#(password)"}"#)
        return try await execute(uri: "/api/login", method: .post, headers: [.contentType: "application/json"], body: body) { response in
            #expect(response.status == .ok)
            let setCookie = response.headers[values: .setCookie].first { $0.hasPrefix("audiogid_session=") } ?? ""
            let session = try JSONDecoder().decode(WebSession.self, from: Data(buffer: response.body))
            return Browser(cookie: String(setCookie.split(separator: ";")[0]), csrf: session.csrf)
        }
    }

    func status(_ browser: Browser) async throws -> NowStatus {
        try await execute(uri: "/api/status", method: .get, headers: browser.headers) { response in
            try JSONDecoder().decode(NowStatus.self, from: Data(buffer: response.body))
        }
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}
