import AudiogidCore
import AudiogidKiosk
import AudiogidManifest
import AudiogidPackages
import AudiogidTriggers
import Foundation

/// kiosk.yaml, read once: the file is composed one time, its `triggers:` section goes to the trigger reader and
/// the rest to the kiosk's, and the problems of both come back together in the order they are written.
///
/// It lives in the composition root because that is where both readers are visible: AudiogidKiosk and
/// AudiogidTriggers do not depend on each other.
public struct KioskFile: Sendable {
    public var configuration: KioskConfiguration
    public var triggers: TriggersConfig
    public var packages: PackageSettings

    public init(configuration: KioskConfiguration = KioskConfiguration(), triggers: TriggersConfig = TriggersConfig(),
                packages: PackageSettings = PackageSettings()) {
        self.configuration = configuration
        self.triggers = triggers
        self.packages = packages
    }

    /// The whole file, or every problem in it (`ConfigurationError.problems`, sorted by line).
    public static func read(path: String, over base: KioskConfiguration = KioskConfiguration()) throws(ConfigurationError) -> KioskFile {
        let (file, findings) = check(path: path, over: base)
        guard let file, !findings.contains(where: { $0.severity == .error }) else { throw ConfigurationError(problems: findings) }
        return file
    }

    /// What the file says, when it can be composed at all, and every finding in it, sorted by line.
    public static func check(path: String, over base: KioskConfiguration = KioskConfiguration()) -> (KioskFile?, [Finding]) {
        let document: YAMLDocument
        do { document = try YAMLDocument.read(file: path) } catch { return (nil, [error.finding]) }
        let (configuration, kioskFindings) = KioskConfiguration.read(document, over: base)
        let (triggers, triggerFindings) = TriggersReader.read(document)
        let (packages, packageFindings) = PackageSettingsReader.read(document)
        let findings = (kioskFindings + triggerFindings + packageFindings)
            .sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        return (KioskFile(configuration: configuration, triggers: triggers, packages: packages), findings)
    }

    /// Whether `path` is a kiosk config rather than a tour manifest: by its name (`kiosk.yaml`, `*.kiosk.yaml`), or
    /// by top-level keys only a kiosk config has.
    public static func isKioskConfig(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        if name == "kiosk.yaml" || name.hasSuffix(".kiosk.yaml") { return true }
        var isDirectory: ObjCBool = false
        guard name != "tour.yaml", name.hasSuffix(".yaml") || name.hasSuffix(".yml"),
              FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let keys = try? YAMLDocument.read(file: path).topLevelKeys else { return false }
        let kioskOnly: Set<String> = ["triggers", "packages", "audio", "control", "while_playing", "same_button", "volume", "opening_hours", "idle_prompt"]
        return !keys.contains("stops") && !kioskOnly.isDisjoint(with: keys)
    }

    /// One line per part, for a technician checking what the file sets up.
    public var summary: [String] {
        let c = configuration
        var lines = ["tour \(c.tour) from \(c.dataDirectory)" + (c.language.map { ", language \($0)" } ?? "")]
        lines.append("audio device \(c.audio.device), \(c.audio.sampleRate) Hz, volume \(c.volume) (cap \(c.player.volumeCap))")
        lines.append("control socket \(c.control.socketPath)" + (c.control.tcpPort.map { ", tcp \(c.control.tcpAddress):\($0)" } ?? ""))
        lines.append("triggers: " + triggerSummary)
        if let inbox = packages.inbox { lines.append("packages: inbox \(inbox), trusted keys \(packages.trustedKeys)") }
        return lines
    }

    private var triggerSummary: String {
        var parts: [String] = []
        if let gpio = triggers.gpio {
            parts.append("gpio \(gpio.chip) (\(gpio.buttons.count) button\(gpio.buttons.count == 1 ? "" : "s"), " +
                         "\(gpio.leds.count) LED\(gpio.leds.count == 1 ? "" : "s"))")
        }
        for serial in triggers.serial {
            parts.append("serial \(serial.port) (\(serial.match.rules.count) rule\(serial.match.rules.count == 1 ? "" : "s"))")
        }
        if let gps = triggers.gps { parts.append("gps \(gps.port)") }
        if let keypad = triggers.keypad { parts.append("keypad \(keypad.device)") }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
