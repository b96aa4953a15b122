import CQREncode
import Foundation

/// A QR code from Debian's libqrencode: the modules, dark or light, row by row.
struct QRCode {
    let width: Int
    let dark: [Bool]

    /// Encodes `text` as 8-bit data (UTF-8) at error correction M (15 %: a card survives a coffee ring).
    init(_ text: String) throws {
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else {
            throw QRCodeError(description: "libqrencode could not encode \(text.utf8.count) bytes (\(String(cString: strerror(errno))))")
        }
        defer { QRcode_free(code) }
        width = Int(code.pointee.width)
        // Bit 0 of each byte is the module's colour (libqrencode's qrencode.h).
        dark = (0..<(width * width)).map { code.pointee.data[$0] & 1 == 1 }
    }

    /// The code as one SVG path of unit squares, `size` wide at (`x`, `y`), with the four-module quiet zone the
    /// standard asks for inside that size.
    func svg(x: Double, y: Double, size: Double) -> String {
        let modules = Double(width + 8)
        let scale = size / modules
        var path = ""
        for row in 0..<width {
            for column in 0..<width where dark[row * width + column] {
                path += "M\(column + 4) \(row + 4)h1v1h-1z"
            }
        }
        return "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(size)\" height=\"\(size)\" fill=\"#fff\"/>"
            + "<path transform=\"translate(\(x) \(y)) scale(\(String(format: "%.4f", scale)))\" fill=\"#000\" shape-rendering=\"crispEdges\" d=\"\(path)\"/>"
    }

    /// The text phones read as "join this Wi-Fi" (the ZXing `WIFI:` form both Android and iOS cameras take):
    /// `\`, `;`, `,`, `:` and `"` escaped with a backslash; an open network has no password.
    static func wifi(ssid: String, password: String?) -> String {
        func escaped(_ text: String) -> String {
            text.reduce(into: "") { out, character in
                if "\\;,:\"".contains(character) { out.append("\\") }
                out.append(character)
            }
        }
        guard let password, !password.isEmpty else { return "WIFI:T:nopass;S:\(escaped(ssid));;" }
        return "WIFI:T:WPA;S:\(escaped(ssid));P:\(escaped(password));;"
    }
}

struct QRCodeError: Error, CustomStringConvertible {
    var description: String
}
