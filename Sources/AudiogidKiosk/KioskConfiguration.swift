import AudiogidCore
import Foundation

/// What one kiosk.yaml says, after defaults and command-line overrides.
public struct KioskConfiguration: Sendable, Equatable {
    /// Holds `tours/`, `audio/` and the database.
    public var dataDirectory: String
    public var tour: String
    /// The language a visitor hears before choosing one; nil = the tour's default.
    public var language: String?
    public var audio: AudioSettings
    public var volume: Int
    public var player: PlayerSettings
    public var control: ControlSettings
    public var verbose: Bool
    /// Where this configuration was read from, for messages (nil = built-in defaults).
    public var file: String?
    /// The database file, when not `<data>/audiogid.sqlite` (e.g. on a writable partition beside a read-only root).
    public var databaseOverride: String?

    public init(dataDirectory: String = ".", tour: String = "moyo-selo", language: String? = nil,
                audio: AudioSettings = AudioSettings(), volume: Int = 70, player: PlayerSettings = PlayerSettings(volumeCap: 100),
                control: ControlSettings = ControlSettings(), verbose: Bool = false, file: String? = nil) {
        self.dataDirectory = dataDirectory
        self.tour = tour
        self.language = language
        self.audio = audio
        self.volume = volume
        self.player = player
        self.control = control
        self.verbose = verbose
        self.file = file
    }

    public var databasePath: String { databaseOverride ?? (dataDirectory as NSString).appendingPathComponent("audiogid.sqlite") }
    public var toursDirectory: String { (dataDirectory as NSString).appendingPathComponent("tours") }
    public var audioDirectory: String { (dataDirectory as NSString).appendingPathComponent("audio") }
}

public struct AudioSettings: Sendable, Equatable {
    /// An ALSA PCM name (`default`, `plughw:1,0`, `pulse`), or `none` for a kiosk that only keeps time.
    public var device: String
    /// One fixed output format for every clip: DACs mute for up to 2 s on each rate change.
    public var sampleRate: Int
    public var channels: Int
    public var periodMilliseconds: Int
    public var periods: Int
    /// Fade on start, stop and preempt, so a press never clicks.
    public var fadeMilliseconds: Int
    /// Loudness every clip is normalised to, in LUFS (EBU R128); -18 suits speech.
    public var targetLUFS: Double
    /// False only for ALSA's `file` plugin (tests), which takes samples as fast as they come.
    public var paced: Bool
    /// Close the device while nothing plays (battery boxes), at the cost of a wake-up on the next press.
    public var closeWhenIdle: Bool

    public init(device: String = "default", sampleRate: Int = 48000, channels: Int = 2, periodMilliseconds: Int = 10,
                periods: Int = 4, fadeMilliseconds: Int = 6, targetLUFS: Double = -18, paced: Bool = true,
                closeWhenIdle: Bool = false) {
        self.device = device
        self.sampleRate = sampleRate
        self.channels = channels
        self.periodMilliseconds = periodMilliseconds
        self.periods = periods
        self.fadeMilliseconds = fadeMilliseconds
        self.targetLUFS = targetLUFS
        self.paced = paced
        self.closeWhenIdle = closeWhenIdle
    }
}

/// What a client may do, as MPD's per-password permissions.
public enum ControlPermission: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    /// status, queue and stats.
    case read
    /// play, stop, pause, next, volume, language.
    case control
    /// tour, reload, kill.
    case admin
}

public struct ControlPassword: Sendable, Equatable {
    public var password: String
    public var permissions: Set<ControlPermission>

    public init(password: String, permissions: Set<ControlPermission>) {
        self.password = password
        self.permissions = permissions
    }
}

public struct ControlSettings: Sendable, Equatable {
    public var socketPath: String
    /// TCP is off unless a port is given; it binds to `tcpAddress` (localhost unless configured otherwise).
    public var tcpPort: Int?
    public var tcpAddress: String
    public var passwords: [ControlPassword]
    /// What a TCP client may do before sending a password. The unix socket is guarded by its file
    /// mode (0660) and always has every permission.
    public var defaultPermissions: Set<ControlPermission>
    public var maxClients: Int
    /// A client that sends nothing for this long (outside `idle`) is disconnected, as MPD's `connection_timeout`,
    /// so forgotten connections cannot use up `maxClients`.
    public var connectionTimeout: Double

    /// Where the socket is when no config says: systemd's RuntimeDirectory for root (and the unit),
    /// else the user's runtime folder, so `audiogid daemon` and `audiogid ctl` meet without flags.
    public static var defaultSocketPath: String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["AUDIOGID_SOCKET"], !path.isEmpty { return path }
        if getuid() == 0 { return "/run/audiogid/control.sock" }
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { return runtime + "/audiogid.sock" }
        return "/tmp/audiogid-\(getuid()).sock"
    }

    public init(socketPath: String = ControlSettings.defaultSocketPath, tcpPort: Int? = nil, tcpAddress: String = "127.0.0.1",
                passwords: [ControlPassword] = [], defaultPermissions: Set<ControlPermission>? = nil, maxClients: Int = 32,
                connectionTimeout: Double = 60) {
        self.socketPath = socketPath
        self.tcpPort = tcpPort
        self.tcpAddress = tcpAddress
        self.passwords = passwords
        self.defaultPermissions = defaultPermissions ?? (passwords.isEmpty ? Set(ControlPermission.allCases) : [.read])
        self.maxClients = maxClients
        self.connectionTimeout = connectionTimeout
    }
}
