#if canImport(Glibc)
import Glibc
#endif

/// A system call on a trigger device failed: which device, which call, and the errno.
public struct DeviceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var device: String
    public var operation: String
    public var errno: Int32

    public init(device: String, operation: String, errno: Int32) {
        self.device = device
        self.operation = operation
        self.errno = errno
    }

    public var description: String {
        "\(device): \(operation) failed: \(String(cString: strerror(errno)))"
    }
}

/// A `triggers:` setting that cannot work, with the setting named so staff can find it.
public struct TriggerConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Runs a system call, retrying when a signal interrupted it.
@discardableResult
func retryingEINTR(_ device: String, _ operation: String, _ call: () -> Int32) throws(DeviceError) -> Int32 {
    while true {
        let result = call()
        if result >= 0 { return result }
        let code = Glibc.errno
        if code == EINTR { continue }
        throw DeviceError(device: device, operation: operation, errno: code)
    }
}

/// A non-blocking pipe a thread polls alongside its device, so `stop()` wakes it at once.
func makeWakePipe() -> (read: Int32, write: Int32) {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { return (-1, -1) }
    for fd in fds {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }
    return (fds[0], fds[1])
}

/// A NUL-terminated string from a fixed-size buffer the kernel filled.
func cString(_ buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
