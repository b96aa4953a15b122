import Foundation

/// Who may sign packages for this kiosk: minisign public keys, given one by one or as a folder of `*.pub`
/// files (`/etc/audiogid/trusted-keys` by default), and whether an unsigned package is acceptable at all.
public struct TrustPolicy: Sendable {
    public static let defaultKeysDirectory = "/etc/audiogid/trusted-keys"

    public var keys: [MinisignPublicKey]
    /// For messages: where the keys came from.
    public var source: String
    public var requireSignature: Bool

    public init(keys: [MinisignPublicKey], source: String, requireSignature: Bool = true) {
        self.keys = keys
        self.source = source
        self.requireSignature = requireSignature
    }

    /// Every `*.pub` in `directory`. A missing folder trusts nobody (so only unsigned packages, if allowed, pass);
    /// a key file that cannot be read is an error, not silently skipped.
    public static func directory(_ directory: String, requireSignature: Bool = true) throws(MinisignError) -> TrustPolicy {
        let url = URL(fileURLWithPath: directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var keys: [MinisignPublicKey] = []
        for name in names.sorted() where name.hasSuffix(".pub") {
            keys.append(try MinisignPublicKey.read(from: url.appendingPathComponent(name)))
        }
        let source = keys.isEmpty ? "no keys in \(directory)" : "keys in \(directory): " + keys.map(\.keyIDText).joined(separator: ", ")
        return TrustPolicy(keys: keys, source: source, requireSignature: requireSignature)
    }

    public static func key(file: String) throws(MinisignError) -> TrustPolicy {
        let key = try MinisignPublicKey.read(from: URL(fileURLWithPath: file))
        return TrustPolicy(keys: [key], source: "the key in \(file) is \(key.keyIDText)", requireSignature: true)
    }
}
