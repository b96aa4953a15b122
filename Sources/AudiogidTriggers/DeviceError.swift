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

/// A NUL-terminated string from a fixed-size buffer the kernel filled.
func cString(_ buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
