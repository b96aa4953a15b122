import CSodium
import Foundation

/// The few libsodium primitives packages need: Ed25519, BLAKE2b, SHA-256, scrypt and random bytes.
/// libsodium is what minisign itself is built on, so keys and signatures match it bit for bit.
enum Sodium {
    /// `sodium_init` is idempotent and thread-safe; every entry point calls this first.
    static let ready: Bool = sodium_init() >= 0

    static func randomBytes(_ count: Int) -> [UInt8] {
        precondition(ready, "libsodium could not be initialised")
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }

    /// A fresh Ed25519 pair: the 32-byte public key and libsodium's 64-byte secret key (seed + public key).
    static func signingKeyPair() -> (publicKey: [UInt8], secretKey: [UInt8]) {
        precondition(ready, "libsodium could not be initialised")
        var publicKey = [UInt8](repeating: 0, count: Int(crypto_sign_PUBLICKEYBYTES))
        var secretKey = [UInt8](repeating: 0, count: Int(crypto_sign_SECRETKEYBYTES))
        crypto_sign_keypair(&publicKey, &secretKey)
        return (publicKey, secretKey)
    }

    static func sign(_ message: [UInt8], secretKey: [UInt8]) -> [UInt8] {
        precondition(ready, "libsodium could not be initialised")
        var signature = [UInt8](repeating: 0, count: Int(crypto_sign_BYTES))
        crypto_sign_detached(&signature, nil, message, UInt64(message.count), secretKey)
        return signature
    }

    static func verify(_ signature: [UInt8], of message: [UInt8], publicKey: [UInt8]) -> Bool {
        precondition(ready, "libsodium could not be initialised")
        guard signature.count == Int(crypto_sign_BYTES), publicKey.count == Int(crypto_sign_PUBLICKEYBYTES) else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }

    /// BLAKE2b with `length` bytes of output (minisign: 64 for the prehash, 32 for the secret key's checksum).
    static func blake2b(_ parts: [[UInt8]], length: Int) -> [UInt8] {
        let hasher = Blake2b(length: length)
        for part in parts { hasher.update(part) }
        return hasher.finish()
    }

    /// scrypt (salsa20/8, SHA-256) as minisign derives the stream that encrypts a secret key.
    static func scrypt(password: [UInt8], salt: [UInt8], opsLimit: UInt64, memLimit: UInt64, length: Int) -> [UInt8]? {
        precondition(ready, "libsodium could not be initialised")
        guard salt.count == Int(crypto_pwhash_scryptsalsa208sha256_SALTBYTES) else { return nil }
        var output = [UInt8](repeating: 0, count: length)
        // A trailing zero keeps the buffer non-empty for an empty password; the length passed excludes it.
        let status = (password + [0]).withUnsafeBufferPointer { pw in
            pw.withMemoryRebound(to: CChar.self) { chars in
                crypto_pwhash_scryptsalsa208sha256(&output, UInt64(length), chars.baseAddress!, UInt64(password.count),
                                                   salt, opsLimit, Int(clamping: memLimit))
            }
        }
        return status == 0 ? output : nil
    }

    static let scryptSaltBytes = Int(crypto_pwhash_scryptsalsa208sha256_SALTBYTES)
    /// minisign's defaults for a password-protected key (libsodium's "sensitive" limits: 1 GiB, a few seconds).
    static let scryptOpsLimit = UInt64(crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE)
    static let scryptMemLimit = UInt64(crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE)
}

/// BLAKE2b over data fed in pieces, so a large file is hashed without being loaded.
/// libsodium's state is 64-byte aligned, which Swift cannot import as a struct: it lives in its own buffer.
final class Blake2b {
    private let state: UnsafeMutableRawPointer
    private let length: Int

    init(length: Int) {
        precondition(Sodium.ready, "libsodium could not be initialised")
        self.length = length
        state = UnsafeMutableRawPointer.allocate(byteCount: crypto_generichash_statebytes(), alignment: 64)
        crypto_generichash_init(OpaquePointer(state), nil, 0, length)
    }

    deinit { state.deallocate() }

    func update(_ bytes: UnsafeRawBufferPointer) {
        crypto_generichash_update(OpaquePointer(state), bytes.bindMemory(to: UInt8.self).baseAddress, UInt64(bytes.count))
    }

    func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    func finish() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        crypto_generichash_final(OpaquePointer(state), &output, length)
        return output
    }
}

/// SHA-256 over data fed in pieces: the hash a package's manifest records for every file.
public struct SHA256Hasher {
    private var state = crypto_hash_sha256_state()

    public init() {
        precondition(Sodium.ready, "libsodium could not be initialised")
        crypto_hash_sha256_init(&state)
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        crypto_hash_sha256_update(&state, bytes.bindMemory(to: UInt8.self).baseAddress, UInt64(bytes.count))
    }

    public mutating func update(_ data: Data) { data.withUnsafeBytes { update($0) } }

    /// The digest as lower-case hex, as `sha256sum` prints it.
    public mutating func finishHex() -> String {
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        crypto_hash_sha256_final(&state, &digest)
        return digest.hex
    }

    /// Hashes a file in 1 MiB reads; returns its size too.
    public static func file(at url: URL) throws -> (size: Int64, sha256: String) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256Hasher()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(chunk)
            size += Int64(chunk.count)
        }
        return (size, hasher.finishHex())
    }
}

extension Sequence where Element == UInt8 {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
