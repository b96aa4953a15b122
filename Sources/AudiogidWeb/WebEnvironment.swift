import AudiogidMessages
import Foundation
import Logging

/// Everything the web process knows about its kiosk, taken from kiosk.yaml by `audiogid web`.
public struct WebEnvironment: Sendable {
    public var settings: WebSettings
    /// The daemon's control socket.
    public var socket: String
    public var databasePath: String
    public var dataDirectory: String
    public var tours: TourCatalog
    public var configFile: String?
    public var volumeCap: Int
    /// Sets the machine's clock (`SystemClock.set` on a kiosk).
    public var setClock: @Sendable (Date) throws -> Void
    /// The daemon's recent log lines, nil when they cannot be read.
    public var log: @Sendable () -> [String]?
    /// Cookies get `Secure` when the page is served over TLS.
    public var secureCookies: Bool
    /// Installs and rolls back packaged tours as `audiogid install` does.
    public var packages: PackageDesk

    public init(settings: WebSettings, socket: String, databasePath: String, dataDirectory: String, tours: TourCatalog,
                configFile: String?, volumeCap: Int, setClock: @escaping @Sendable (Date) throws -> Void = { try SystemClock.set($0) },
                log: @escaping @Sendable () -> [String]? = { KioskFacts.journal() }, secureCookies: Bool = false,
                packages: PackageDesk? = nil) {
        self.settings = settings
        self.socket = socket
        self.databasePath = databasePath
        self.dataDirectory = dataDirectory
        self.tours = tours
        self.configFile = configFile
        self.volumeCap = volumeCap
        self.setClock = setClock
        self.log = log
        self.secureCookies = secureCookies
        self.packages = packages ?? PackageDesk(dataDirectory: dataDirectory)
    }
}
