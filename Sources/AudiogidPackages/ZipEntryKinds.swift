import Foundation

/// The file type each zip entry claims in its central directory (the Unix mode in the external attributes).
///
/// ZIPFoundation reports files, directories and symlinks but reads a device or a FIFO as a plain file;
/// a package must hold regular files only, so the kinds are read here straight from the directory.
enum ZipEntryKinds {
    enum Kind: Equatable { case file, directory, symlink, special(String) }

    /// Entry name bytes → kind, for every entry of the zip at `url`; nil if the directory cannot be read.
    static func read(_ url: URL) -> [[UInt8]: Kind]? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd(), size >= 22 else { return nil }
        // The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
        let tailLength = min(size, 22 + 65_535)
        guard (try? handle.seek(toOffset: size - tailLength)) != nil,
              let tail = try? handle.read(upToCount: Int(tailLength)).map({ [UInt8]($0) }) else { return nil }
        guard let eocd = stride(from: tail.count - 22, through: 0, by: -1).first(where: { le32(tail, $0) == 0x0605_4b50 }) else {
            return nil
        }
        var count = UInt64(le16(tail, eocd + 10))
        var directorySize = UInt64(le32(tail, eocd + 12))
        var directoryOffset = UInt64(le32(tail, eocd + 16))
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // ZIP64: the locator just before the record points at the ZIP64 end record.
            guard eocd >= 20, le32(tail, eocd - 20) == 0x0706_4b50 else { return nil }
            let recordOffset = le64(tail, eocd - 12)
            guard (try? handle.seek(toOffset: recordOffset)) != nil,
                  let record = try? handle.read(upToCount: 56).map({ [UInt8]($0) }), record.count == 56,
                  le32(record, 0) == 0x0606_4b50 else { return nil }
            count = le64(record, 32)
            directorySize = le64(record, 40)
            directoryOffset = le64(record, 48)
        }
        guard directorySize < 64 << 20, directoryOffset + directorySize <= size,
              (try? handle.seek(toOffset: directoryOffset)) != nil,
              let directory = try? handle.read(upToCount: Int(directorySize)).map({ [UInt8]($0) }) else { return nil }
        var kinds: [[UInt8]: Kind] = [:]
        var offset = 0
        for _ in 0..<count {
            guard offset + 46 <= directory.count, le32(directory, offset) == 0x0201_4b50 else { return nil }
            let madeBy = le16(directory, offset + 4) >> 8
            let nameLength = Int(le16(directory, offset + 28))
            let extraLength = Int(le16(directory, offset + 30))
            let commentLength = Int(le16(directory, offset + 32))
            let external = le32(directory, offset + 38)
            guard offset + 46 + nameLength <= directory.count else { return nil }
            let name = Array(directory[(offset + 46)..<(offset + 46 + nameLength)])
            kinds[name] = kind(madeBy: madeBy, external: external, name: name)
            offset += 46 + nameLength + extraLength + commentLength
        }
        return kinds
    }

    private static func kind(madeBy: UInt16, external: UInt32, name: [UInt8]) -> Kind {
        if name.last == UInt8(ascii: "/") { return .directory }
        // 3 = Unix, 19 = macOS: the upper 16 bits hold st_mode. Others (MS-DOS) have only a directory bit.
        guard madeBy == 3 || madeBy == 19 else { return external & 0x10 != 0 ? .directory : .file }
        switch (external >> 16) & 0o170000 {
        case 0, 0o100000: return .file
        case 0o040000: return .directory
        case 0o120000: return .symlink
        case 0o020000: return .special("a character device")
        case 0o060000: return .special("a block device")
        case 0o010000: return .special("a FIFO")
        case 0o140000: return .special("a socket")
        default: return .special("not a regular file")
        }
    }

    private static func le16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    private static func le32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) }
    }
    private static func le64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) }
    }
}
