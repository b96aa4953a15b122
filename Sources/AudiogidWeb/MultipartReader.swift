import Foundation
import NIOCore

/// What a `multipart/form-data` body holds, told as it arrives: a part begins (its field name and file name),
/// some of its bytes, and its end. A file part is never gathered whole; the reader keeps at most a boundary's
/// length of it between pieces.
enum MultipartEvent: Equatable {
    case part(name: String, filename: String?)
    case data([UInt8])
    case end
}

/// Why a multipart body cannot be read; the page answers 400 with these words.
struct MultipartError: Error, Equatable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A streaming reader of `multipart/form-data` (RFC 7578), fed the body piece by piece as the network gives it.
struct MultipartReader {
    /// `\r\n--BOUNDARY`: what ends a part's bytes. The first boundary has no CR LF before it.
    private let delimiter: [UInt8]
    private var buffer: [UInt8] = []
    private var state = State.preamble
    /// A part's headers are a few short lines; more is not a browser's form.
    static let maxHeaderBytes = 8 * 1024

    private enum State { case preamble, headers, body, done }

    /// The boundary named by a `multipart/form-data; boundary=...` content type, or nil if it names none.
    static func boundary(of contentType: String?) -> String? {
        guard let contentType else { return nil }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = pair[1]
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            // RFC 2046: 1 to 70 characters.
            guard (1...70).contains(value.utf8.count), value.allSatisfy({ $0.isASCII && $0 != "\r" && $0 != "\n" }) else { return nil }
            return value
        }
        return nil
    }

    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        // The body starts with the boundary itself; a CR LF in front lets one search find the first one too.
        buffer = Array("\r\n".utf8)
    }

    var isDone: Bool { state == .done }

    /// Takes the next piece of the body and says what it completed.
    mutating func feed(_ piece: ByteBuffer) throws(MultipartError) -> [MultipartEvent] {
        guard state != .done else { return [] }   // the epilogue after the last boundary is ignored, as RFC 2046 says
        buffer.append(contentsOf: piece.readableBytesView)
        var events: [MultipartEvent] = []
        while true {
            switch state {
            case .preamble:
                guard let at = find(delimiter, from: 0) else {
                    // Keep only what could still be the start of the first boundary.
                    if buffer.count > delimiter.count { buffer.removeFirst(buffer.count - delimiter.count) }
                    return events
                }
                buffer.removeFirst(at + delimiter.count)
                guard try afterBoundary() else { return events }
            case .headers:
                guard let end = find(Array("\r\n\r\n".utf8), from: 0) else {
                    if buffer.count > Self.maxHeaderBytes { throw MultipartError("a part's headers are longer than 8 KB") }
                    return events
                }
                let text = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                events.append(try Self.disposition(text))
                state = .body
            case .body:
                if let at = find(delimiter, from: 0) {
                    if at > 0 { events.append(.data(Array(buffer[..<at]))) }
                    buffer.removeFirst(at + delimiter.count)
                    events.append(.end)
                    state = .preamble   // only to read what follows the boundary
                    guard try afterBoundary() else { return events }
                } else {
                    // Everything but a tail that could be the start of the delimiter is the part's.
                    let safe = buffer.count - (delimiter.count - 1)
                    if safe > 0 {
                        events.append(.data(Array(buffer[..<safe])))
                        buffer.removeFirst(safe)
                    }
                    return events
                }
            case .done:
                return events
            }
        }
    }

    /// After a boundary: `--` ends the body, CR LF starts a part's headers. False when more bytes are needed.
    private mutating func afterBoundary() throws(MultipartError) -> Bool {
        guard buffer.count >= 2 else { state = .preamble; buffer.insert(contentsOf: delimiter, at: 0); return false }
        if buffer[0] == UInt8(ascii: "-"), buffer[1] == UInt8(ascii: "-") {
            state = .done
            buffer = []
            return false
        }
        // Transport padding (spaces, tabs) may follow a boundary before its CR LF.
        var index = 0
        while index < buffer.count, buffer[index] == UInt8(ascii: " ") || buffer[index] == UInt8(ascii: "\t") { index += 1 }
        guard index + 1 < buffer.count else { state = .preamble; buffer.insert(contentsOf: delimiter, at: 0); return false }
        guard buffer[index] == UInt8(ascii: "\r"), buffer[index + 1] == UInt8(ascii: "\n") else {
            throw MultipartError("the body is not multipart/form-data with the boundary its Content-Type names")
        }
        buffer.removeFirst(index + 2)
        state = .headers
        return true
    }

    /// Checks the body ended with the closing boundary (a cut-off upload does not).
    func finish() throws(MultipartError) {
        guard state == .done else { throw MultipartError("the form ended before its closing boundary (the upload was cut off)") }
    }

    /// A part's `Content-Disposition: form-data; name="..."; filename="..."`.
    static func disposition(_ headers: String) throws(MultipartError) -> MultipartEvent {
        for line in headers.split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-disposition" else { continue }
            var name: String?
            var filename: String?
            for parameter in pair[1].split(separator: ";").dropFirst() {
                let kv = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2 else { continue }
                var value = kv[1]
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                    value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
                }
                switch kv[0].lowercased() {
                case "name": name = value
                case "filename": filename = value
                default: break
                }
            }
            guard let name else { break }
            return .part(name: name, filename: filename)
        }
        throw MultipartError("a part has no Content-Disposition with a field name")
    }

    /// Where `needle` first occurs in the buffer at or after `from`: memchr for its first byte, memcmp for the
    /// rest, so the body of a large upload is searched at memory speed.
    private func find(_ needle: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, buffer.count - from >= needle.count else { return nil }
        return buffer.withUnsafeBytes { haystack -> Int? in
            needle.withUnsafeBytes { pattern -> Int? in
                let base = haystack.baseAddress!
                var start = from
                let last = haystack.count - needle.count
                while start <= last {
                    guard let hit = memchr(base + start, Int32(first), last - start + 1) else { return nil }
                    let at = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + at, pattern.baseAddress!, pattern.count) == 0 { return at }
                    start = at + 1
                }
                return nil
            }
        }
    }
}
