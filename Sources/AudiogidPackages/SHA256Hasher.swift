import Crypto
import Foundation

/// SHA-256 over data fed in pieces: the hash a package's manifest records for every file.
///
/// From swift-crypto (BoringSSL underneath), which uses the processor's SHA instructions where it has them (x86's
/// SHA-NI, ARMv8's SHA2 extension, both on a Raspberry Pi 4/5 and most PCs): verifying a package is bound by this
/// hash, and libsodium's portable SHA-256 ran at half the speed.
public struct SHA256Hasher {
    private var state = SHA256()

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        state.update(bufferPointer: bytes)
    }

    public mutating func update(_ data: Data) { data.withUnsafeBytes { update($0) } }

    /// The digest as lower-case hex, as `sha256sum` prints it.
    public mutating func finishHex() -> String {
        state.finalize().hex
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
