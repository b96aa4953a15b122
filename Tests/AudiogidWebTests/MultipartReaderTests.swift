@testable import AudiogidWeb
import Foundation
import NIOCore
import Testing

@Suite(.timeLimit(.minutes(3)))
struct MultipartReaderTests {
    /// The parts of a body read in pieces of `size` bytes: each part's name, file name and bytes.
    func read(_ body: [UInt8], boundary: String, pieces size: Int) throws -> [(String, String?, [UInt8])] {
        var reader = MultipartReader(boundary: boundary)
        var parts: [(String, String?, [UInt8])] = []
        var index = 0
        while index < body.count {
            let piece = ByteBuffer(bytes: body[index..<min(index + size, body.count)])
            for event in try reader.feed(piece) {
                switch event {
                case .part(let name, let filename): parts.append((name, filename, []))
                case .data(let bytes): parts[parts.count - 1].2 += bytes
                case .end: break
                }
            }
            index += size
        }
        try reader.finish()
        return parts
    }

    /// A file whose bytes look like the boundary's beginning, read in pieces of every size from 1 byte up:
    /// the boundary split anywhere across pieces is still found, and nothing like it is taken for it.
    @Test func piecesOfAnySizeGiveTheSameParts() throws {
        let boundary = "----WebKitFormBoundaryQ2x"
        let file: [UInt8] = Array("PK\u{3}\u{4}\r\n--\r\n------WebKitFormBoundaryQ2\r\n----WebKitFormBoundary".utf8) + (0..<200).map { UInt8($0) }
        var body = Array("preamble to ignore\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntoken-1\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"package\"; filename=\"dvor-1.audiogid\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += file + Array("\r\n--\(boundary)--\r\nepilogue".utf8)
        for size in [1, 2, 3, 7, 26, 27, 28, 64, 1000, body.count] {
            let parts = try read(body, boundary: boundary, pieces: size)
            #expect(parts.count == 2, "pieces of \(size)")
            #expect(parts.first?.0 == "csrf" && parts.first?.2 == Array("token-1".utf8))
            #expect(parts.last?.0 == "package" && parts.last?.1 == "dvor-1.audiogid")
            #expect(parts.last?.2 == file, "pieces of \(size)")
        }
    }

    @Test func aBodyCutOffBeforeItsClosingBoundaryIsAnError() throws {
        let body = Array("--b\r\nContent-Disposition: form-data; name=\"package\"; filename=\"x\"\r\n\r\nPK partial".utf8)
        #expect(throws: MultipartError.self) { try read(body, boundary: "b", pieces: 4) }
    }

    @Test func aPartWithoutAFieldNameOrWithEndlessHeadersIsAnError() throws {
        #expect(throws: MultipartError.self) {
            try read(Array("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--".utf8), boundary: "b", pieces: 100)
        }
        #expect(throws: MultipartError.self) {
            try read(Array("--b\r\nX: \(String(repeating: "a", count: 9000))".utf8), boundary: "b", pieces: 1000)
        }
        #expect(throws: MultipartError.self) { try read(Array("--bX\r\n".utf8), boundary: "b", pieces: 100) }
    }

    @Test func theBoundaryIsTakenFromTheContentType() {
        #expect(MultipartReader.boundary(of: "multipart/form-data; boundary=----WebKitFormBoundaryAbC") == "----WebKitFormBoundaryAbC")
        #expect(MultipartReader.boundary(of: "Multipart/Form-Data; charset=utf-8; boundary=\"a b\"") == "a b")
        #expect(MultipartReader.boundary(of: "multipart/form-data") == nil)
        #expect(MultipartReader.boundary(of: "multipart/form-data; boundary=") == nil)
        #expect(MultipartReader.boundary(of: "multipart/form-data; boundary=\(String(repeating: "x", count: 71))") == nil)
        #expect(MultipartReader.boundary(of: "application/x-www-form-urlencoded; boundary=x") == nil)
    }

    @Test func onlyASafeFileNameIsKept() {
        #expect(UploadReceiver.safeName("C:\\Users\\anna\\dvor-1.audiogid") == "dvor-1.audiogid")
        #expect(UploadReceiver.safeName("../../etc/passwd") == "passwd")
        #expect(UploadReceiver.safeName("..") == "upload.audiogid")
        #expect(UploadReceiver.safeName("Двор 2.audiogid") == "2.audiogid")
        #expect(UploadReceiver.safeName(nil) == "upload.audiogid")
    }
}
