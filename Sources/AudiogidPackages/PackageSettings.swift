import AudiogidCore
import AudiogidManifest
import Foundation
import Yams

/// kiosk.yaml's `packages:` section: where the kiosk takes packages from and whom it trusts.
///
///     packages:
///       inbox: /media/audiogid        # install every *.audiogid that appears here
///       trusted_keys: /etc/audiogid/trusted-keys
///       require_signature: true
///       limits: {max_entries: 20000, max_total_mb: 8192, max_file_mb: 2048, max_ratio: 20}
public struct PackageSettings: Sendable, Equatable {
    public var inbox: String?
    public var trustedKeys: String
    public var requireSignature: Bool
    public var limits: PackageLimits

    public init(inbox: String? = nil, trustedKeys: String = TrustPolicy.defaultKeysDirectory, requireSignature: Bool = true,
                limits: PackageLimits = PackageLimits()) {
        self.inbox = inbox
        self.trustedKeys = trustedKeys
        self.requireSignature = requireSignature
        self.limits = limits
    }

    /// The trusted keys as the settings name them; a key file that cannot be read is an error.
    public func trustPolicy() throws(MinisignError) -> TrustPolicy {
        try TrustPolicy.directory(trustedKeys, requireSignature: requireSignature)
    }
}

/// Reads `packages:` with the strict rules of the rest of kiosk.yaml (unknown keys are errors with a line).
public struct PackageSettingsReader {
    static let sectionKeys = ["inbox", "trusted_keys", "require_signature", "limits"]
    static let limitKeys = ["max_entries", "max_total_mb", "max_file_mb", "max_ratio"]

    private var yaml: StrictYAML

    /// The `packages:` section of a composed kiosk.yaml; paths are relative to the file's folder.
    public static func read(_ document: YAMLDocument) -> (PackageSettings, [Finding]) {
        guard let section = document.root?.mapping?["packages"], section.null == nil else { return (PackageSettings(), []) }
        var reader = PackageSettingsReader(yaml: StrictYAML(file: document.file, naming: .dotted))
        var settings = PackageSettings()
        let directory = (document.file as NSString).deletingLastPathComponent
        let absolute = { (path: String) in
            path.hasPrefix("/") || directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
        }
        if let fields = reader.yaml.fields(section, allowed: sectionKeys, path: "packages") {
            if let node = fields["inbox"], let path = reader.yaml.string(node, field: "packages.inbox", allowEmpty: false) {
                settings.inbox = absolute(path)
            }
            if let node = fields["trusted_keys"], let path = reader.yaml.string(node, field: "packages.trusted_keys", allowEmpty: false) {
                settings.trustedKeys = absolute(path)
            }
            if let node = fields["require_signature"], let value = reader.yaml.bool(node, field: "packages.require_signature") {
                settings.requireSignature = value
            }
            if let node = fields["limits"], let limits = reader.yaml.fields(node, allowed: limitKeys, path: "packages.limits") {
                if let node = limits["max_entries"], let value = reader.yaml.int(node, field: "packages.limits.max_entries", in: 1...1_000_000) {
                    settings.limits.maxEntries = value
                }
                if let node = limits["max_total_mb"], let value = reader.yaml.int(node, field: "packages.limits.max_total_mb", in: 1...1_000_000) {
                    settings.limits.maxTotalBytes = Int64(value) << 20
                }
                if let node = limits["max_file_mb"], let value = reader.yaml.int(node, field: "packages.limits.max_file_mb", in: 1...1_000_000) {
                    settings.limits.maxFileBytes = Int64(value) << 20
                }
                if let node = limits["max_ratio"], let value = reader.yaml.number(node, field: "packages.limits.max_ratio", in: 1...10_000) {
                    settings.limits.maxCompressionRatio = value
                }
            }
        }
        return (settings, reader.yaml.findings)
    }
}
