import Foundation

/// A `.minisig` file: an untrusted comment, the signature of the data (prehashed: over its BLAKE2b-512),
/// a trusted comment, and a global signature over signature + trusted comment, so the comment cannot be
/// changed without the key. `minisign -V` checks exactly these.
public struct MinisignSignature: Sendable, Equatable {
    public let algorithm: [UInt8]
    public let keyID: [UInt8]
    let signature: [UInt8]
    public let trustedComment: String
    let globalSignature: [UInt8]

    public var keyIDText: String { Minisign.keyIDText(keyID) }

    /// Signs `data` prehashed, with `trustedComment` (one line) signed too.
    public static func sign(_ data: [UInt8], with key: MinisignSecretKey, trustedComment: String,
                            untrustedComment: String = "signature from audiogid secret key") -> MinisignSignature {
        precondition(!trustedComment.contains("\n") && !trustedComment.contains("\r"), "a trusted comment is one line")
        let signature = Sodium.sign(Sodium.blake2b([data], length: 64), secretKey: key.secretKey)
        let global = Sodium.sign(signature + Array(trustedComment.utf8), secretKey: key.secretKey)
        return MinisignSignature(algorithm: Minisign.prehashedAlgorithm, keyID: key.keyID, signature: signature,
                                 trustedComment: trustedComment, globalSignature: global)
    }

    init(algorithm: [UInt8], keyID: [UInt8], signature: [UInt8], trustedComment: String, globalSignature: [UInt8]) {
        self.algorithm = algorithm
        self.keyID = keyID
        self.signature = signature
        self.trustedComment = trustedComment
        self.globalSignature = globalSignature
    }

    public var fileText: String {
        "untrusted comment: signature from audiogid secret key\n"
            + Data(algorithm + keyID + signature).base64EncodedString() + "\n"
            + "trusted comment: \(trustedComment)\n"
            + Data(globalSignature).base64EncodedString() + "\n"
    }

    public init(text: String, source: String) throws(MinisignError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        guard lines.count >= 4, lines[0].hasPrefix("untrusted comment:"), lines[2].hasPrefix("trusted comment: ") else {
            throw MinisignError("\(source): not a minisign signature (4 lines: comment, signature, trusted comment, signature)")
        }
        guard let decoded = Data(base64Encoded: lines[1]), decoded.count == 74 else {
            throw MinisignError("\(source): the signature line is not 74 bytes of base64")
        }
        guard let global = Data(base64Encoded: lines[3]), global.count == 64 else {
            throw MinisignError("\(source): the trusted comment's signature is not 64 bytes of base64")
        }
        let bytes = [UInt8](decoded)
        let algorithm = Array(bytes[0..<2])
        guard algorithm == Minisign.prehashedAlgorithm || algorithm == Minisign.signatureAlgorithm else {
            throw MinisignError("\(source): unsupported signature algorithm")
        }
        self.init(algorithm: algorithm, keyID: Array(bytes[2..<10]), signature: Array(bytes[10..<74]),
                  trustedComment: String(lines[2].dropFirst("trusted comment: ".count)), globalSignature: [UInt8](global))
    }

    /// Checks both signatures with `key`; the reason when they do not hold.
    public func verify(_ data: [UInt8], with key: MinisignPublicKey) throws(MinisignError) {
        guard keyID == key.keyID else {
            throw MinisignError("signed with key \(keyIDText), not with key \(key.keyIDText)")
        }
        let message = algorithm == Minisign.prehashedAlgorithm ? Sodium.blake2b([data], length: 64) : data
        guard Sodium.verify(signature, of: message, publicKey: key.key) else {
            throw MinisignError("the signature does not match the signed file (changed after signing, or a forged signature)")
        }
        guard Sodium.verify(globalSignature, of: signature + Array(trustedComment.utf8), publicKey: key.key) else {
            throw MinisignError("the trusted comment was changed after signing")
        }
    }

    /// `key:value` fields of the trusted comment, separated by tabs, as minisign writes `timestamp:... file:...`.
    public var trustedFields: [String: String] {
        var fields: [String: String] = [:]
        for part in trustedComment.split(separator: "\t") {
            guard let colon = part.firstIndex(of: ":") else { continue }
            fields[String(part[..<colon])] = String(part[part.index(after: colon)...])
        }
        return fields
    }
}
