import Foundation

/// Turns the bytes of a CSV file into text, whatever the spreadsheet program saved: UTF-8 with or without a byte
/// order mark, UTF-16 ("Unicode text" from Excel), or Windows-1251 (older Russian Excel's "CSV").
enum SheetText {
    static func decode(_ data: Data) -> String {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return String(decoding: bytes.dropFirst(3), as: UTF8.self) }
        if bytes.starts(with: [0xFF, 0xFE]) { return String(data: Data(bytes.dropFirst(2)), encoding: .utf16LittleEndian) ?? "" }
        if bytes.starts(with: [0xFE, 0xFF]) { return String(data: Data(bytes.dropFirst(2)), encoding: .utf16BigEndian) ?? "" }
        // Strict UTF-8 first: Windows-1251 Cyrillic is almost never valid UTF-8, so a file that decodes is UTF-8.
        if let text = String(validatingUTF8: bytes.map { CChar(bitPattern: $0) } + [0]) { return text }
        return windows1251(bytes)
    }

    /// Windows-1251: ASCII below 0x80, А–я from 0xC0, and this table between.
    static func windows1251(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value: UInt32
            switch byte {
            case 0..<0x80: value = UInt32(byte)
            case 0xC0...0xFF: value = 0x0410 + UInt32(byte - 0xC0)
            default: value = upperHalf[Int(byte - 0x80)]
            }
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    private static let upperHalf: [UInt32] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
        0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
        0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
        0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
    ]
}
