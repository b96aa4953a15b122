import Foundation

/// CSV as spreadsheets write it (RFC 4180 and what Excel and LibreOffice do beyond it): `,`, `;` (Russian
/// locale) or tab between cells, quoted cells holding separators, quotes (`""`) and line breaks, CRLF or LF.
public enum CSVSheet {
    public static func read(_ url: URL) throws(AuthoringError) -> Sheet {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw AuthoringError("\(url.path): cannot be read: \(error.localizedDescription)") }
        return parse(SheetText.decode(data), file: url.lastPathComponent)
    }

    public static func parse(_ text: String, file: String) -> Sheet {
        let scalars = Array(text.unicodeScalars)
        let separator = detectSeparator(scalars)
        var rows: [Sheet.Row] = []
        var cells: [String] = []
        var cell = String.UnicodeScalarView()
        var quoted = false
        var index = 0
        func endRow() {
            cells.append(String(cell))
            cell = String.UnicodeScalarView()
            rows.append(Sheet.Row(number: rows.count + 1, cells: cells))
            cells = []
        }
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if quoted {
                if scalar == "\"" {
                    if index < scalars.count, scalars[index] == "\"" { cell.append("\""); index += 1 } else { quoted = false }
                } else if scalar == "\r" {
                    // A line break inside a cell: keep it as one "\n", whatever the file's line ends.
                    if index < scalars.count, scalars[index] == "\n" { index += 1 }
                    cell.append("\n")
                } else {
                    cell.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where cell.isEmpty: quoted = true
            case separator: cells.append(String(cell)); cell = String.UnicodeScalarView()
            case "\r":
                if index < scalars.count, scalars[index] == "\n" { index += 1 }
                endRow()
            case "\n": endRow()
            default: cell.append(scalar)
            }
        }
        if !cell.isEmpty || !cells.isEmpty { endRow() }
        return Sheet(file: file, rows: rows)
    }

    /// The separator of the header line: whichever of tab, `;` and `,` it holds most of outside quotes.
    static func detectSeparator(_ scalars: [Unicode.Scalar]) -> Unicode.Scalar {
        var counts: [Unicode.Scalar: Int] = ["\t": 0, ";": 0, ",": 0]
        var quoted = false
        for scalar in scalars {
            if scalar == "\"" { quoted.toggle(); continue }
            if quoted { continue }
            if scalar == "\n" || scalar == "\r" { break }
            if counts[scalar] != nil { counts[scalar]! += 1 }
        }
        for candidate: Unicode.Scalar in ["\t", ";", ","] where counts[candidate]! > 0 && counts[candidate]! == counts.values.max() {
            return candidate
        }
        return ","
    }

    /// CSV text that Excel and LibreOffice open as UTF-8: a byte order mark, CRLF line ends, cells quoted when
    /// they hold the separator, a quote, a line break or spaces at either end.
    public static func write(_ rows: [[String]], separator: Character = ",") -> Data {
        var text = "\u{FEFF}"
        for row in rows {
            text += row.map { quote($0, separator: separator) }.joined(separator: String(separator)) + "\r\n"
        }
        return Data(text.utf8)
    }

    static func quote(_ cell: String, separator: Character) -> String {
        let needs = cell.contains(separator) || cell.unicodeScalars.contains { $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || cell.first?.isWhitespace == true || cell.last?.isWhitespace == true
        guard needs else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
