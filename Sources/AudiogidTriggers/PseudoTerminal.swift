import AudiogidPOSIX
#if canImport(Glibc)
import Glibc
#endif
import CAudiogidShim

/// A pseudo-terminal pair: what a USB serial adapter looks like to a reader, without the adapter.
/// `audiogid gps simulate --pty` writes NMEA into the primary side; the kiosk reads `path`.
public struct PseudoTerminal: Sendable {
    public let primary: Int32
    public let secondary: Int32
    /// The secondary side's device (/dev/pts/N).
    public let path: String

    /// Opens a pair with the secondary side already raw: a cooked pty would echo everything written
    /// back to the primary side, where nobody reads it.
    public static func open() throws(SystemCallError) -> PseudoTerminal {
        var primary: Int32 = -1, secondary: Int32 = -1
        var name = [CChar](repeating: 0, count: 64)
        guard audiogid_openpty(&primary, &secondary, &name) == 0 else {
            throw SystemCallError("openpty", "pseudo-terminal", errno: errno)
        }
        var options = termios()
        tcgetattr(secondary, &options)
        cfmakeraw(&options)
        tcsetattr(secondary, TCSANOW, &options)
        return PseudoTerminal(primary: primary, secondary: secondary, path: cString(name))
    }

    public func close() {
        _ = Glibc.close(primary)
        _ = Glibc.close(secondary)
    }
}
