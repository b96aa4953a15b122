import Foundation

/// Why a package was not verified or installed. Each says what is wrong in words staff can act on;
/// after any of them the library is as it was.
public enum PackageRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case notAPackage(String)
    case badManifest(String)
    case unsigned
    case badSignature(String)
    case untrustedKey(keyID: String, trusted: String)
    case fileMismatch(path: String, reason: String)
    case unlistedFile(path: String)
    case missingFile(path: String)
    case unsafePath(path: String, reason: String)
    case tooLarge(String)
    case downgrade(tour: String, offered: String, trusted: String)
    case invalidTour(findings: [String])
    case diskFull(needed: Int64, available: Int64)
    case io(String)
    case notInstalled(String)

    public var description: String {
        switch self {
        case .notAPackage(let reason): "not a tour package: \(reason)"
        case .badManifest(let reason): "bad package manifest: \(reason)"
        case .unsigned: "the package is not signed, and this kiosk requires signed packages (packages.require_signature)"
        case .badSignature(let reason): "bad signature: \(reason)"
        case .untrustedKey(let keyID, let trusted): "signed with key \(keyID), which is not trusted (\(trusted))"
        case .fileMismatch(let path, let reason): "\(path): \(reason)"
        case .unlistedFile(let path): "\(path): in the package but not in its signed manifest"
        case .missingFile(let path): "\(path): listed in the manifest but missing from the package"
        case .unsafePath(let path, let reason): "unsafe path '\(path)': \(reason)"
        case .tooLarge(let reason): "package refused by its size limits: \(reason)"
        case .downgrade(let tour, let offered, let trusted):
            "tour \(tour) version \(offered) is older than version \(trusted), the highest this kiosk installed (use --allow-downgrade to go back on purpose)"
        case .invalidTour(let findings): "the tour does not validate:\n" + findings.joined(separator: "\n")
        case .diskFull(let needed, let available):
            "not enough free disk space: the tour needs \(needed / 1_000_000) MB, \(available / 1_000_000) MB are free"
        case .io(let reason): reason
        case .notInstalled(let reason): reason
        }
    }
}
