import Foundation
import Hummingbird
import NIOCore

/// A clip or picture for a phone: the whole file, or the byte range its audio element asks for (RFC 9110 §14),
/// with the file's hash as a strong ETag so a phone that has it gets 304 and no bytes.
enum ClipResponse {
    /// `bytes=START-END`, `bytes=START-` or `bytes=-SUFFIX` of a `size`-byte file; nil for anything else (several
    /// ranges included: an audio element asks for one), which is answered with the whole file as RFC 9110 allows.
    /// Throws 416 when the range lies past the end.
    static func range(_ header: String, size: Int) throws -> ClosedRange<Int>? {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            guard let suffix = Int(last), suffix > 0 else { return nil }
            guard size > 0 else { throw unsatisfiable(size) }
            return max(0, size - suffix)...(size - 1)
        }
        guard let start = Int(first), start >= 0 else { return nil }
        guard start < size else { throw unsatisfiable(size) }
        let end = last.isEmpty ? size - 1 : Int(last)
        guard let end, end >= start else { return nil }
        return start...min(end, size - 1)
    }

    static func unsatisfiable(_ size: Int) -> HTTPError {
        HTTPError(.rangeNotSatisfiable, headers: [.contentRange: "bytes */\(size)"], message: "the range lies past the end of the file")
    }

    /// Does `If-None-Match` name this file's ETag (or `*`)?
    static func matches(_ ifNoneMatch: String?, _ file: VisitorFile) -> Bool {
        guard let ifNoneMatch else { return false }
        return ifNoneMatch.split(separator: ",").contains { tag in
            let tag = tag.trimmingCharacters(in: .whitespaces)
            return tag == "*" || tag == file.etag || tag == "W/" + file.etag
        }
    }

    static func respond(_ file: VisitorFile, request: Request, context: some RequestContext) async throws -> Response {
        var headers: HTTPFields = [.contentType: file.contentType, .eTag: file.etag, .acceptRanges: "bytes",
                                   // The URL carries the hash (`?v=`): a changed clip is a new URL.
                                   .cacheControl: "public, max-age=86400"]
        if matches(request.headers[.ifNoneMatch], file) { return Response(status: .notModified, headers: headers) }
        // If-Range with another validator: the phone's part is of an older file, so it gets the whole new one.
        let ifRange = request.headers[.ifRange]
        let ranged = ifRange == nil || ifRange == file.etag
        if ranged, let header = request.headers[.range], let range = try range(header, size: file.bytes) {
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(file.bytes)"
            headers[.contentLength] = "\(range.count)"
            let body = try await FileIO().loadFile(path: file.path, range: range, context: context, chunkLength: Self.chunkBytes)
            return Response(status: .partialContent, headers: headers, body: request.method == .head ? .init() : body)
        }
        headers[.contentLength] = "\(file.bytes)"
        guard file.bytes > 0, request.method != .head else { return Response(status: .ok, headers: headers) }
        return Response(status: .ok, headers: headers,
                        body: try await FileIO().loadFile(path: file.path, context: context, chunkLength: Self.chunkBytes))
    }

    /// Read from disk and held per download in pieces of this size (Hummingbird's default is 128 KB). When the boat
    /// leaves, hundreds of phones save the tour at once, each download holding a few pieces in flight: at 128 KB
    /// that was most of the web process's memory; 32 KB pieces keep a Wi-Fi's worth of throughput.
    static let chunkBytes = 32 * 1024
}
