#if canImport(Glibc)
import Glibc
#endif

/// A system call that failed: which call, on what (a device, a path, an address), and errno.
/// The one error type of the code that talks to the kernel directly (sockets, trigger devices, pseudo-terminals),
/// so a log line reads the same whichever part failed.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The system call or step, e.g. `open`, `bind`, `tcgetattr`.
    public var call: String
    /// What it was called on, e.g. `/dev/gpiochip0` or `127.0.0.1:6600`; may be empty.
    public var subject: String
    public var errno: Int32
    /// A sentence that replaces the generic wording when the cause is known better than errno says.
    public var explanation: String?

    public init(_ call: String, _ subject: String = "", errno code: Int32 = Glibc.errno, explanation: String? = nil) {
        self.call = call
        self.subject = subject
        self.errno = code
        self.explanation = explanation
    }

    /// The errno's words, as `strerror` gives them.
    public var reason: String { String(cString: strerror(errno)) }

    public var description: String {
        if let explanation { return explanation }
        return subject.isEmpty ? "\(call) failed: \(reason)" : "\(subject): \(call) failed: \(reason)"
    }
}

/// Runs a system call that answers -1 and sets errno on failure, retrying when a signal interrupted it.
@discardableResult
public func retryingEINTR(_ subject: String, _ call: String, _ body: () -> Int32) throws(SystemCallError) -> Int32 {
    while true {
        let result = body()
        if result >= 0 { return result }
        let code = Glibc.errno
        if code == EINTR { continue }
        throw SystemCallError(call, subject, errno: code)
    }
}
