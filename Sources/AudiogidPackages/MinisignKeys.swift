import Foundation

/// A minisign public key: `untrusted comment: ...` then base64 of "Ed" + 8-byte key id + 32-byte Ed25519 key.
/// Files written by `minisign -G` and by `audiogid keygen` are the same format.
public struct MinisignPublicKey: Sendable, Equatable {
    public let keyID: [UInt8]
    let key: [UInt8]

    init(keyID: [UInt8], key: [UInt8]) {
        self.keyID = keyID
        self.key = key
    }

    /// The key id as minisign prints it: the 8 bytes read as a little-endian number, in upper-case hex.
    public var keyIDText: String { Minisign.keyIDText(keyID) }

    /// Parses a public key file's text (or the bare base64 line of `minisign -P`).
    public init(text: String, source: String) throws(MinisignError) {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        let base64 = lines.first { !$0.hasPrefix("untrusted comment:") } ?? ""
        guard let decoded = Data(base64Encoded: base64.trimmingCharacters(in: .whitespaces)), decoded.count == 42 else {
            throw MinisignError("\(source): not a minisign public key (expected a base64 line of 42 bytes after the comment)")
        }
        let bytes = [UInt8](decoded)
        guard bytes[0] == UInt8(ascii: "E"), bytes[1] == UInt8(ascii: "d") else {
            throw MinisignError("\(source): unsupported key algorithm (only Ed25519 minisign keys)")
        }
        self.init(keyID: Array(bytes[2..<10]), key: Array(bytes[10..<42]))
    }

    public static func read(from url: URL) throws(MinisignError) -> MinisignPublicKey {
        guard let data = try? Data(contentsOf: url), data.count < 4096, let text = String(data: data, encoding: .utf8) else {
            throw MinisignError("\(url.path): cannot read the public key")
        }
        return try MinisignPublicKey(text: text, source: url.path)
    }

    /// The base64 line, as `minisign -P` takes it.
    public var base64: String { Data(Minisign.signatureAlgorithm + keyID + key).base64EncodedString() }

    public var fileText: String { "untrusted comment: minisign public key \(keyIDText)\n\(base64)\n" }
}

/// A minisign secret key, decrypted: the Ed25519 secret key and its key id.
///
/// The file holds "Ed", the key derivation ("Sc" for scrypt, or two zero bytes without a password), "B2", a
/// salt, scrypt's limits, then key id + secret key + a BLAKE2b-256 checksum, XORed with scrypt's output.
public struct MinisignSecretKey: Sendable {
    public let keyID: [UInt8]
    let secretKey: [UInt8]

    public var publicKey: MinisignPublicKey { MinisignPublicKey(keyID: keyID, key: Array(secretKey[32..<64])) }

    /// A new random key pair.
    public static func generate() -> MinisignSecretKey {
        let pair = Sodium.signingKeyPair()
        return MinisignSecretKey(keyID: Sodium.randomBytes(8), secretKey: pair.secretKey)
    }

    init(keyID: [UInt8], secretKey: [UInt8]) {
        self.keyID = keyID
        self.secretKey = secretKey
    }

    /// Whether a secret key file needs a password, without asking for one.
    public static func isEncrypted(text: String, source: String) throws(MinisignError) -> Bool {
        try decodeFile(text: text, source: source)[2..<4] == [UInt8(ascii: "S"), UInt8(ascii: "c")]
    }

    /// Reads a secret key file; `password` is asked for only if the key is encrypted.
    public init(text: String, source: String, password: () throws -> String) throws {
        let bytes = try Self.decodeFile(text: text, source: source)
        let kdf = Array(bytes[2..<4])
        var secret = Array(bytes[54..<158])  // key id (8) + secret key (64) + checksum (32)
        if kdf == [UInt8(ascii: "S"), UInt8(ascii: "c")] {
            let salt = Array(bytes[6..<38])
            let ops = Self.littleEndian(bytes[38..<46]), mem = Self.littleEndian(bytes[46..<54])
            guard let stream = Sodium.scrypt(password: Array(try password().utf8), salt: salt, opsLimit: ops, memLimit: mem,
                                             length: secret.count) else {
                throw MinisignError("\(source): the key's password could not be checked (scrypt needs more memory than this machine gives)")
            }
            for index in secret.indices { secret[index] ^= stream[index] }
            let checksum = Sodium.blake2b([Minisign.signatureAlgorithm, Array(secret[0..<8]), Array(secret[8..<72])], length: 32)
            guard checksum == Array(secret[72..<104]) else { throw MinisignError("\(source): wrong password for this secret key") }
        } else if kdf != [0, 0] {
            throw MinisignError("\(source): unsupported key derivation in this secret key")
        }
        self.init(keyID: Array(secret[0..<8]), secretKey: Array(secret[8..<72]))
    }

    private static func decodeFile(text: String, source: String) throws(MinisignError) -> [UInt8] {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        let base64 = lines.first { !$0.hasPrefix("untrusted comment:") } ?? ""
        guard let decoded = Data(base64Encoded: base64.trimmingCharacters(in: .whitespaces)), decoded.count == 158 else {
            throw MinisignError("\(source): not a minisign secret key (expected a base64 line of 158 bytes after the comment)")
        }
        let bytes = [UInt8](decoded)
        guard Array(bytes[0..<2]) == Minisign.signatureAlgorithm, Array(bytes[4..<6]) == [UInt8(ascii: "B"), UInt8(ascii: "2")] else {
            throw MinisignError("\(source): unsupported secret key algorithm (only Ed25519 minisign keys)")
        }
        return bytes
    }

    /// How hard scrypt works to encrypt a key: minisign's default (1 GiB, seconds), or light (16 MiB) for tests.
    /// The file records the cost, so `minisign` and Audiogid read a key of either.
    public struct ScryptCost: Sendable {
        let opsLimit: UInt64
        let memLimit: UInt64
        public static let minisignDefault = ScryptCost(opsLimit: Sodium.scryptOpsLimit, memLimit: Sodium.scryptMemLimit)
        public static let light = ScryptCost(opsLimit: 524_288, memLimit: 16_777_216)
    }

    /// The file text; encrypted with scrypt when `password` is given, as `minisign -G` does, else as `minisign -G -W`.
    public func fileText(password: String?, cost: ScryptCost = .minisignDefault) -> String {
        let checksum = Sodium.blake2b([Minisign.signatureAlgorithm, keyID, secretKey], length: 32)
        var secret = keyID + secretKey + checksum
        var header = Minisign.signatureAlgorithm
        if let password {
            let salt = Sodium.randomBytes(Sodium.scryptSaltBytes)
            let stream = Sodium.scrypt(password: Array(password.utf8), salt: salt, opsLimit: cost.opsLimit,
                                       memLimit: cost.memLimit, length: secret.count) ?? []
            precondition(stream.count == secret.count, "scrypt failed to derive a key stream")
            for index in secret.indices { secret[index] ^= stream[index] }
            header += [UInt8(ascii: "S"), UInt8(ascii: "c"), UInt8(ascii: "B"), UInt8(ascii: "2")] + salt
                + Self.littleEndianBytes(cost.opsLimit) + Self.littleEndianBytes(cost.memLimit)
        } else {
            header += [0, 0, UInt8(ascii: "B"), UInt8(ascii: "2")] + [UInt8](repeating: 0, count: 48)
        }
        return "untrusted comment: minisign encrypted secret key\n\(Data(header + secret).base64EncodedString())\n"
    }

    static func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reversed().reduce(0) { ($0 << 8) | UInt64($1) }
    }

    static func littleEndianBytes(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}

public struct MinisignError: Error, Sendable, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

enum Minisign {
    /// "Ed": the key's algorithm, and legacy (not prehashed) signatures.
    static let signatureAlgorithm: [UInt8] = [UInt8(ascii: "E"), UInt8(ascii: "d")]
    /// "ED": a signature over the BLAKE2b-512 of the file, minisign's default since 0.8.
    static let prehashedAlgorithm: [UInt8] = [UInt8(ascii: "E"), UInt8(ascii: "D")]

    static func keyIDText(_ keyID: [UInt8]) -> String {
        keyID.reversed().map { String(format: "%02X", $0) }.joined()
    }
}
