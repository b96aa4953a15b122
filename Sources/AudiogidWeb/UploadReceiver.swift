import Foundation
import Hummingbird
import NIOCore

/// Why an upload stopped before the package could be looked at.
enum UploadProblem: Error, Equatable {
    /// More bytes than `web.upload_limit_mb` arrived (or were announced).
    case tooLarge(limit: Int)
    /// The disk has not the room: before the upload (as announced) or while writing it.
    case diskFull(needed: Int64, available: Int64)
    case noFile
    case malformed(String)
    case io(String)
}

/// One package arriving: written piece by piece into a folder of its own under the data folder's `.uploads/`,
/// never held in memory whole, and counted as it comes, so the cap holds whatever Content-Length said.
final class UploadReceiver {
    let folder: URL
    let file: URL
    let limit: Int
    private var fd: Int32
    private(set) var received = 0

    /// Space to leave free beyond the upload (the play log still has to grow); the installer keeps the same.
    static let reserveBytes: Int64 = 16 << 20

    /// - Parameter name: the file name the browser gave; only a safe last component of it is kept.
    init(in uploads: URL, name: String?, limit: Int) throws(UploadProblem) {
        do { try FileManager.default.createDirectory(at: uploads, withIntermediateDirectories: true) } catch {
            throw .io("\(uploads.path): cannot be created: \(error.localizedDescription)")
        }
        Self.clearStale(uploads)
        var template = Array(uploads.appendingPathComponent("upload-XXXXXX").path.utf8CString)
        guard let made = mkdtemp(&template) else { throw .io("cannot make a folder in \(uploads.path): \(String(cString: strerror(errno)))") }
        folder = URL(fileURLWithPath: String(cString: made))
        file = folder.appendingPathComponent(Self.safeName(name))
        self.limit = limit
        fd = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: folder)
            throw .io("\(file.path): cannot be written: \(reason)")
        }
    }

    deinit {
        if fd >= 0 { Foundation.close(fd) }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Writes one piece; past the limit it stops and refuses, keeping nothing.
    func write(_ bytes: some Collection<UInt8>) throws(UploadProblem) {
        received += bytes.count
        guard received <= limit else { throw .tooLarge(limit: limit) }
        var failure: Int32 = 0
        Array(bytes).withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == ENOSPC || failure == EDQUOT {
            throw .diskFull(needed: Int64(received) + Self.reserveBytes, available: Self.availableBytes(folder) ?? 0)
        }
        if failure != 0 { throw .io("\(file.path): cannot be written: \(String(cString: strerror(failure)))") }
    }

    /// Closes the file once the whole upload is written; the installer opens it by name.
    func finish() throws(UploadProblem) {
        guard fd >= 0 else { return }
        let result = Foundation.close(fd)
        fd = -1
        if result != 0 { throw .io("\(file.path): cannot be written: \(String(cString: strerror(errno)))") }
    }

    /// Refuses before a byte is written when the request says it is larger than the cap or than the free space.
    static func checkAnnounced(_ request: Request, limit: Int, slack: Int = 0, uploads: URL) throws(UploadProblem) {
        guard let text = request.headers[.contentLength], let announced = Int64(text) else { return }
        guard announced <= Int64(limit + slack) else { throw .tooLarge(limit: limit) }
        let probe = FileManager.default.fileExists(atPath: uploads.path) ? uploads : uploads.deletingLastPathComponent()
        if let free = availableBytes(probe), free < announced + reserveBytes {
            throw .diskFull(needed: announced + reserveBytes, available: free)
        }
    }

    static func availableBytes(_ url: URL) -> Int64? {
        var info = statvfs()
        guard statvfs(url.path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    /// `moyo-selo-3.audiogid` from whatever path a browser sends (old browsers send C:\...\name).
    static func safeName(_ given: String?) -> String {
        let last = given?.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let kept = String(last.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
            .map(Character.init)).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return kept.isEmpty ? "upload.audiogid" : String(kept.prefix(100))
    }

    /// Uploads a killed web process left behind (an hour old: none can still be arriving).
    static func clearStale(_ uploads: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: uploads.path)) ?? []
        for name in names where name.hasPrefix("upload-") {
            let url = uploads.appendingPathComponent(name)
            let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? nil
            if let modified, modified < Date().addingTimeInterval(-3600) { try? FileManager.default.removeItem(at: url) }
        }
    }
}
