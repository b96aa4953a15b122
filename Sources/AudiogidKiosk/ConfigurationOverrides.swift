import Foundation

/// Command-line flags that win over kiosk.yaml.
public struct ConfigurationOverrides: Sendable, Equatable {
    public var data: String?
    public var tour: String?
    public var device: String?
    public var socket: String?
    public var verbose: Bool

    public init(data: String? = nil, tour: String? = nil, device: String? = nil, socket: String? = nil, verbose: Bool = false) {
        self.data = data
        self.tour = tour
        self.device = device
        self.socket = socket
        self.verbose = verbose
    }

    public func apply(to configuration: inout KioskConfiguration) {
        if let data { configuration.dataDirectory = data }
        if let tour { configuration.tour = tour }
        if let device { configuration.audio.device = device }
        if let socket { configuration.control.socketPath = socket }
        if verbose { configuration.verbose = true }
    }
}
