import Foundation

/// The file-system steps installs are built from, each atomic or undoable: an exclusive lock, a file
/// written by rename, a folder removed by first renaming it out of sight.
enum LibraryFiles {
    /// Holds an exclusive lock on the data folder itself until `body` returns, so two installs (the daemon's
    /// inbox and a technician's command) never interleave. Locking the folder, not a lock file, means a refused
    /// install leaves not even a lock file behind; the kernel drops the lock if the process is killed.
    static func withLock<T>(_ data: URL, _ body: () throws(PackageRefusal) -> T) throws(PackageRefusal) -> T {
        let fd = open(data.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io("\(data.path): the data folder cannot be opened: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw .io("\(data.path): cannot be locked: \(String(cString: strerror(errno)))") }
        }
        return try body()
    }

    /// Writes `data` to a temporary name, syncs it, and renames it over `url`.
    static func writeAtomically(_ data: Data, to url: URL) throws(PackageRefusal) {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: temporary)
            let fd = open(temporary.path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { fsync(fd); close(fd) }
        } catch {
            unlink(temporary.path)
            throw .io("\(url.path): cannot be written: \(error.localizedDescription)")
        }
        try rename(temporary, to: url)
    }

    static func rename(_ from: URL, to: URL) throws(PackageRefusal) {
        guard Foundation.rename(from.path, to.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw .io("cannot rename \(from.path) to \(to.path): \(reason)")
        }
        syncDirectory(to.deletingLastPathComponent())
    }

    /// Makes a rename durable across a power cut (the kernel keeps it across a killed process anyway).
    static func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Renames `folder` to a `.trash-*` name in `releases` (one atomic step: it is gone from its place), then deletes it.
    static func remove(_ folder: URL, trashIn releases: URL) {
        let trash = releases.appendingPathComponent(".trash-\(UUID().uuidString.prefix(12))")
        if Foundation.rename(folder.path, trash.path) == 0 {
            try? FileManager.default.removeItem(at: trash)
        } else {
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// Clears what a killed install left: staging and trash folders, half-made links and temporary files.
    static func clearLeftovers(in releases: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: releases.path)) ?? []
        for name in names where name.hasPrefix(".staging-") || name.hasPrefix(".trash-") || name.hasPrefix(".next-") {
            try? FileManager.default.removeItem(at: releases.appendingPathComponent(name))
        }
    }

    /// Free bytes for an unprivileged writer on the file system holding `url`.
    static func availableBytes(at url: URL) -> Int64? {
        var info = statvfs()
        guard statvfs(url.path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }
}
