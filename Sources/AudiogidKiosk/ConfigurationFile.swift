import AudiogidCore
import AudiogidManifest
import Foundation
import Yams

/// kiosk.yaml could not be used: every problem, each with file, line, column and key.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var problems: [Finding]
    public var description: String { problems.map(\.line).joined(separator: "\n") }

    /// Problems in the order they are written in the file, so a technician fixes them top to bottom.
    public init(problems: [Finding]) {
        self.problems = problems.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
    }
}

/// Reads kiosk.yaml. Unknown keys are errors, not ignored: a misspelt `while_playng` must not
/// silently leave the kiosk on its default.
struct ConfigurationFile {
    static let topKeys = ["data", "database", "tour", "language", "audio", "volume", "volume_cap", "volume_step",
                          "while_playing", "same_button", "auto_advance", "idle_prompt", "opening_hours", "control", "log",
                          "triggers",   // read by AudiogidTriggers' TriggersReader, not here
                          "packages",   // read by AudiogidPackages' PackageSettingsReader, not here
                          "web"]        // read by `audiogid web` (AudiogidWeb's WebSettings), never by the daemon
    static let audioKeys = ["device", "sample_rate", "channels", "period_ms", "periods", "fade_ms", "loudness_target",
                             "paced", "close_when_idle"]
    static let promptKeys = ["after_minutes", "clip"]
    static let controlKeys = ["socket", "tcp", "passwords", "default_permissions", "max_clients", "connection_timeout"]
    static let tcpKeys = ["port", "address"]
    static let passwordKeys = ["password", "permissions"]
    static let logKeys = ["verbose"]

    let file: String
    private var yaml: StrictYAML

    init(file: String) {
        self.file = file
        yaml = StrictYAML(file: file, naming: .dotted)
    }

    var problems: [Finding] { yaml.findings }

    /// Reads `text` (from `file`) over `base`: keys absent from the file keep base's values.
    static func read(_ text: String, file: String, over base: KioskConfiguration) throws(ConfigurationError) -> KioskConfiguration {
        let document: YAMLDocument
        do { document = try YAMLDocument(text: text, file: file) } catch { throw ConfigurationError(problems: [error.finding]) }
        let (configuration, problems) = read(document, over: base)
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return configuration
    }

    /// Reads every section of a composed kiosk.yaml but `triggers:`; never throws, so a caller reading the other
    /// sections too can report every problem of the file at once.
    static func read(_ document: YAMLDocument, over base: KioskConfiguration) -> (KioskConfiguration, [Finding]) {
        var reader = ConfigurationFile(file: document.file)
        var configuration = base
        configuration.file = document.file
        if let root = document.root { reader.apply(root, to: &configuration) }
        return (configuration, reader.problems)
    }

    mutating func apply(_ root: Node, to c: inout KioskConfiguration) {
        guard let fields = fields(root, allowed: Self.topKeys, path: "") else { return }
        let directory = (file as NSString).deletingLastPathComponent
        if let node = fields["data"], let path = string(node, "data") {
            // Relative to the config file, so a kiosk folder can be moved as a whole.
            c.dataDirectory = path.hasPrefix("/") ? path : (directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path))
        }
        if let node = fields["database"], let path = string(node, "database") { c.databaseOverride = path }
        if let node = fields["tour"], let id = string(node, "tour") { c.tour = id }
        if let node = fields["language"], let code = string(node, "language") { c.language = code }
        if let node = fields["volume"], let level = int(node, "volume", 0...100) { c.volume = level }
        if let node = fields["volume_cap"], let level = int(node, "volume_cap", 0...100) { c.player.volumeCap = level }
        if let node = fields["volume_step"], let step = int(node, "volume_step", 1...50) { c.player.volumeStep = step }
        if let node = fields["while_playing"], let policy = choice(node, "while_playing", BusyPolicy.self) { c.player.whileBusy = policy }
        if let node = fields["same_button"], let policy = choice(node, "same_button", SamePressPolicy.self) { c.player.samePress = policy }
        if let node = fields["auto_advance"], let value = bool(node, "auto_advance") { c.player.autoAdvance = value }
        if let node = fields["idle_prompt"] { c.player.idlePrompt = idlePrompt(node) }
        if let node = fields["opening_hours"] { c.player.openingHours = openingHours(node) }
        if let node = fields["audio"], let audio = self.fields(node, allowed: Self.audioKeys, path: "audio") {
            if let node = audio["device"], let device = string(node, "audio.device") { c.audio.device = device }
            if let node = audio["sample_rate"], let rate = int(node, "audio.sample_rate", 8000...192_000) { c.audio.sampleRate = rate }
            if let node = audio["channels"], let channels = int(node, "audio.channels", 1...2) { c.audio.channels = channels }
            if let node = audio["period_ms"], let ms = int(node, "audio.period_ms", 2...200) { c.audio.periodMilliseconds = ms }
            if let node = audio["periods"], let count = int(node, "audio.periods", 2...16) { c.audio.periods = count }
            if let node = audio["fade_ms"], let ms = int(node, "audio.fade_ms", 0...500) { c.audio.fadeMilliseconds = ms }
            if let node = audio["loudness_target"], let value = number(node, "audio.loudness_target", -40...0) { c.audio.targetLUFS = value }
            if let node = audio["paced"], let value = bool(node, "audio.paced") { c.audio.paced = value }
            if let node = audio["close_when_idle"], let value = bool(node, "audio.close_when_idle") { c.audio.closeWhenIdle = value }
        }
        if let node = fields["control"], let control = self.fields(node, allowed: Self.controlKeys, path: "control") {
            var settings = c.control
            if let node = control["socket"], let path = string(node, "control.socket") { settings.socketPath = path }
            if let node = control["max_clients"], let count = int(node, "control.max_clients", 1...1000) { settings.maxClients = count }
            if let node = control["connection_timeout"], let seconds = number(node, "control.connection_timeout", 1...86400) {
                settings.connectionTimeout = seconds
            }
            if let node = control["tcp"], let tcp = self.fields(node, allowed: Self.tcpKeys, path: "control.tcp") {
                if let node = tcp["port"], let port = int(node, "control.tcp.port", 0...65535) { settings.tcpPort = port }
                else if tcp["port"] == nil { problem(node, "control.tcp", "needs a 'port' (MPD's is 6600)") }
                if let node = tcp["address"], let address = string(node, "control.tcp.address") { settings.tcpAddress = address }
            }
            if let node = control["passwords"] {
                settings.passwords = passwords(node)
                settings.defaultPermissions = settings.passwords.isEmpty ? Set(ControlPermission.allCases) : [.read]
            }
            if let node = control["default_permissions"] { settings.defaultPermissions = permissions(node, "control.default_permissions") }
            c.control = settings
        }
        if let node = fields["log"], let log = self.fields(node, allowed: Self.logKeys, path: "log") {
            if let node = log["verbose"], let value = bool(node, "log.verbose") { c.verbose = value }
        }
        if c.volume > c.player.volumeCap, let node = fields["volume"] {
            problem(node, "volume", "\(c.volume) is above volume_cap \(c.player.volumeCap)")
        }
    }

    // MARK: - Sections

    private mutating func idlePrompt(_ node: Node) -> IdlePrompt? {
        if node.scalar?.string == "off" { return nil }
        guard let fields = fields(node, allowed: Self.promptKeys, path: "idle_prompt") else { return nil }
        guard let afterNode = fields["after_minutes"], let minutes = number(afterNode, "idle_prompt.after_minutes", 0.1...1440) else {
            if fields["after_minutes"] == nil { problem(node, "idle_prompt", "needs 'after_minutes'") }
            return nil
        }
        guard let clipNode = fields["clip"] else { problem(node, "idle_prompt", "needs 'clip' (a path under audio/, or one per language)"); return nil }
        var clips: ClipPaths = [:]
        if let path = clipNode.scalar?.string {
            clips["*"] = path
        } else if let mapping = clipNode.mapping {
            for (key, value) in mapping {
                guard let language = key.scalar?.string, let path = string(value, "idle_prompt.clip.\(key.scalar?.string ?? "?")") else { continue }
                clips[language] = path
            }
        } else {
            problem(clipNode, "idle_prompt.clip", "must be a path, or a map of language: path")
        }
        return IdlePrompt(clips: clips, afterSeconds: minutes * 60)
    }

    private mutating func openingHours(_ node: Node) -> [DailyWindow] {
        if node.scalar?.string == "always" { return [] }
        guard let sequence = node.sequence else {
            problem(node, "opening_hours", "must be a list of \"HH:MM-HH:MM\" windows, or 'always'")
            return []
        }
        var windows: [DailyWindow] = []
        for item in sequence {
            guard let text = item.scalar?.string, let window = Self.window(text) else {
                problem(item, "opening_hours", "'\(item.scalar?.string ?? "?")' is not a window like \"09:30-18:00\"")
                continue
            }
            windows.append(window)
        }
        return windows
    }

    static func window(_ text: String) -> DailyWindow? {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = minutes(parts[0]), let end = minutes(parts[1]) else { return nil }
        return DailyWindow(start: start, end: end % (24 * 60))
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...24).contains(hour), (0...59).contains(minute), hour * 60 + minute <= 24 * 60 else { return nil }
        return hour * 60 + minute
    }

    private mutating func passwords(_ node: Node) -> [ControlPassword] {
        guard let sequence = node.sequence else {
            problem(node, "control.passwords", "must be a list of {password: ..., permissions: [read, control, admin]}")
            return []
        }
        var result: [ControlPassword] = []
        for item in sequence {
            guard let fields = fields(item, allowed: Self.passwordKeys, path: "control.passwords") else { continue }
            guard let passwordNode = fields["password"], let password = string(passwordNode, "control.passwords.password") else {
                if fields["password"] == nil { problem(item, "control.passwords", "an entry has no 'password'") }
                continue
            }
            guard !password.contains(where: { $0.isWhitespace || $0 == "\"" }) else {
                problem(passwordNode, "control.passwords.password", "must not contain spaces or quotes")
                continue
            }
            let granted = fields["permissions"].map { permissions($0, "control.passwords.permissions") } ?? Set(ControlPermission.allCases)
            result.append(ControlPassword(password: password, permissions: granted))
        }
        return result
    }

    private mutating func permissions(_ node: Node, _ key: String) -> Set<ControlPermission> {
        guard let sequence = node.sequence else {
            problem(node, key, "must be a list drawn from [read, control, admin]")
            return []
        }
        var result: Set<ControlPermission> = []
        for item in sequence {
            if let permission = choice(item, key, ControlPermission.self) { result.insert(permission) }
        }
        return result
    }

    // MARK: - Values

    private mutating func fields(_ node: Node, allowed: [String], path: String) -> [String: Node]? {
        yaml.fields(node, allowed: allowed, path: path)
    }

    private mutating func string(_ node: Node, _ key: String) -> String? { yaml.string(node, field: key, allowEmpty: false) }

    private mutating func int(_ node: Node, _ key: String, _ range: ClosedRange<Int>) -> Int? { yaml.int(node, field: key, in: range) }

    private mutating func number(_ node: Node, _ key: String, _ range: ClosedRange<Double>) -> Double? {
        yaml.number(node, field: key, in: range)
    }

    private mutating func bool(_ node: Node, _ key: String) -> Bool? { yaml.bool(node, field: key) }

    private mutating func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ key: String, _ type: T.Type) -> T? where T.RawValue == String {
        yaml.choice(node, type, field: key)
    }

    private mutating func problem(_ node: Node, _ key: String, _ message: String) { yaml.invalid(node, field: key, message) }
}

extension KioskConfiguration {
    /// Reads a kiosk.yaml file over the built-in defaults (every section but `triggers:`).
    public static func load(file: String, over base: KioskConfiguration = KioskConfiguration()) throws(ConfigurationError) -> KioskConfiguration {
        let document: YAMLDocument
        do { document = try YAMLDocument.read(file: file) } catch { throw ConfigurationError(problems: [error.finding]) }
        let (configuration, problems) = read(document, over: base)
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return configuration
    }

    /// The kiosk's sections of a kiosk.yaml composed once by the caller, with every problem found in them
    /// (`triggers:` is left to its own reader).
    public static func read(_ document: YAMLDocument, over base: KioskConfiguration = KioskConfiguration()) -> (KioskConfiguration, [Finding]) {
        ConfigurationFile.read(document, over: base)
    }
}
