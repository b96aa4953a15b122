import AudiogidPOSIX
#if canImport(Glibc)
import Glibc
#endif

/// Character size, parity and stop bits, written the usual way: "8N1", "7E1", "8O2".
public struct SerialFraming: Sendable, Equatable, CustomStringConvertible {
    public enum Parity: Character, Sendable { case none = "N", even = "E", odd = "O" }
    public var dataBits: Int
    public var parity: Parity
    public var stopBits: Int

    public init(_ text: String) throws(TriggerConfigError) {
        let chars = Array(text.uppercased())
        guard chars.count == 3, let bits = chars[0].wholeNumberValue, (5...8).contains(bits),
              let parity = Parity(rawValue: chars[1]), let stop = chars[2].wholeNumberValue, stop == 1 || stop == 2 else {
            throw TriggerConfigError("serial framing '\(text)' should look like 8N1, 7E1 or 8O2")
        }
        dataBits = bits
        self.parity = parity
        stopBits = stop
    }

    public var description: String { "\(dataBits)\(parity.rawValue)\(stopBits)" }
}

/// Opens serial ports raw: no echo, no line editing, no modem control lines (a USB button box has none).
public enum SerialPort {
    /// The termios speed constant for a baud rate, or nil for a rate Linux has no constant for.
    public static func speed(for baud: Int) -> speed_t? {
        let table: [Int: Int32] = [
            1200: B1200, 2400: B2400, 4800: B4800, 9600: B9600, 19200: B19200, 38400: B38400,
            57600: B57600, 115200: B115200, 230400: B230400, 460800: B460800, 921600: B921600,
        ]
        return table[baud].map { speed_t($0) }
    }

    /// Opens `path` non-blocking and configures it; the caller owns the fd.
    /// On a pseudo-terminal the baud rate is accepted and ignored, which is what tests rely on.
    public static func open(_ path: String, baud: Int, framing: SerialFraming) throws -> Int32 {
        guard let speed = speed(for: baud) else {
            throw TriggerConfigError("\(path): baud \(baud) is not one of 1200, 2400, 4800, 9600, ... 921600")
        }
        let fd = try retryingEINTR(path, "open") { Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) }
        do {
            var options = termios()
            try retryingEINTR(path, "tcgetattr") { tcgetattr(fd, &options) }
            cfmakeraw(&options)
            cfsetispeed(&options, speed)
            cfsetospeed(&options, speed)
            options.c_cflag &= ~(tcflag_t(CSIZE) | tcflag_t(PARENB) | tcflag_t(PARODD) | tcflag_t(CSTOPB) | tcflag_t(CRTSCTS))
            switch framing.dataBits {
            case 5: options.c_cflag |= tcflag_t(CS5)
            case 6: options.c_cflag |= tcflag_t(CS6)
            case 7: options.c_cflag |= tcflag_t(CS7)
            default: options.c_cflag |= tcflag_t(CS8)
            }
            switch framing.parity {
            case .none: break
            case .even: options.c_cflag |= tcflag_t(PARENB)
            case .odd: options.c_cflag |= tcflag_t(PARENB) | tcflag_t(PARODD)
            }
            if framing.stopBits == 2 { options.c_cflag |= tcflag_t(CSTOPB) }
            options.c_cflag |= tcflag_t(CLOCAL) | tcflag_t(CREAD)
            try retryingEINTR(path, "tcsetattr") { tcsetattr(fd, TCSANOW, &options) }
            return fd
        } catch {
            close(fd)
            throw error
        }
    }
}
