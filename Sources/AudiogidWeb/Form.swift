import AudiogidMessages
import Foundation
import Hummingbird
import NIOCore

/// The fields of an `application/x-www-form-urlencoded` body, as the page's forms send them.
struct Form: Sendable {
    var fields: [String: String] = [:]

    init(_ text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String? { part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let key = parts.first.flatMap(decode), fields[key] == nil else { continue }
            fields[key] = parts.count > 1 ? decode(parts[1]) ?? "" : ""
        }
    }

    subscript(_ key: String) -> String? { fields[key] }

    /// Reads a form body of at most `limit` bytes; any other content type is refused with 415.
    static func read(_ request: Request, limit: Int = 16 * 1024) async throws -> Form {
        try requireContentType(request, "application/x-www-form-urlencoded")
        return Form(String(buffer: try await collect(request, upTo: limit)))
    }
}

/// The whole body when it is at most `limit` bytes; 413 otherwise (the rest is not read).
func collect(_ request: Request, upTo limit: Int) async throws -> ByteBuffer {
    do {
        return try await request.body.collect(upTo: limit)
    } catch is NIOTooManyBytesError {
        throw HTTPError(.contentTooLarge, message: "the body is over \(limit / 1024) KB")
    }
}

/// 415 unless the request says it carries `expected` (parameters such as `; charset=utf-8` allowed).
func requireContentType(_ request: Request, _ expected: String) throws {
    let given = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
    guard given == expected else {
        throw HTTPError(.unsupportedMediaType, message: "send \(expected), not \(given ?? "no content type")")
    }
}
