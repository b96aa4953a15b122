import AudiogidPOSIX
#if canImport(Glibc)
import Glibc
#endif
import CAudiogidShim
import Foundation

/// A GPIO chip opened through the Linux GPIO character device, uAPI v2.
///
/// Why the ioctls directly and not libgpiod: Debian bookworm ships libgpiod 1.6, which speaks the
/// v1 uAPI and cannot ask the kernel for debounce; the v2 ioctls we need are three calls, done in
/// CAudiogidShim where the kernel's structs are native C.
///
/// Everything in this file needs a real chip: the build machine has none, so it is kept thin, and the driver rig
/// (`scripts/rig.sh test`) runs it against the kernel's gpio-sim in a virtual machine. The decoding of what the
/// chip sends is `GpioButtonDecoder`, tested through pipes.
public final class GpioChip: Sendable {
    public let path: String
    public let name: String
    public let label: String
    public let lineCount: UInt32
    let fd: Int32

    /// Finds a chip by path ("/dev/gpiochip0"), device name ("gpiochip0") or label ("pinctrl-rp1"):
    /// on the Pi 5 the header's chip number changed between kernels, its label did not.
    public static func find(_ spec: String) throws -> GpioChip {
        if spec.hasPrefix("/") { return try GpioChip(path: spec) }
        let candidates = ((try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? [])
            .filter { $0.hasPrefix("gpiochip") }.sorted()
        if candidates.contains(spec) { return try GpioChip(path: "/dev/" + spec) }
        for candidate in candidates {
            if let chip = try? GpioChip(path: "/dev/" + candidate), chip.label == spec || chip.name == spec { return chip }
        }
        throw TriggerConfigError("gpio chip '\(spec)' not found (looked for a path, a name and a label among \(candidates.isEmpty ? "no /dev/gpiochip* devices" : candidates.joined(separator: ", ")))")
    }

    public init(path: String) throws {
        self.path = path
        fd = try retryingEINTR(path, "open") { Glibc.open(path, O_RDWR | O_CLOEXEC) }
        var nameBuffer = [CChar](repeating: 0, count: 32)
        var labelBuffer = [CChar](repeating: 0, count: 32)
        var lines: UInt32 = 0
        if audiogid_gpio_chip_describe(fd, &nameBuffer, &labelBuffer, &lines) < 0 {
            let code = errno
            close(fd)
            throw SystemCallError("GPIO_GET_CHIPINFO_IOCTL", path, errno: code)
        }
        name = cString(nameBuffer)
        label = cString(labelBuffer)
        lineCount = lines
    }

    deinit { close(fd) }

    /// Resolves a line given by offset ("17") or by name ("GPIO17", as the Pi's device tree names them).
    public func offset(of line: GpioLineRef) throws -> UInt32 {
        switch line {
        case .offset(let offset):
            guard offset < lineCount else { throw TriggerConfigError("\(name) has \(lineCount) lines; line \(offset) does not exist") }
            return offset
        case .name(let wanted):
            var buffer = [CChar](repeating: 0, count: 32)
            for offset in 0..<lineCount where audiogid_gpio_line_name(fd, offset, &buffer) == 0 {
                if cString(buffer) == wanted { return offset }
            }
            throw TriggerConfigError("\(name) has no line named '\(wanted)'")
        }
    }

    /// Requests button inputs with edge events on both edges; returns the request fd the kernel writes
    /// `struct gpio_v2_line_event` records to.
    public func requestButtons(_ offsets: [UInt32], activeLow: Bool, bias: GpioBias, debounceMicroseconds: UInt32) throws -> Int32 {
        var flags = audiogid_GPIO_V2_LINE_FLAG_INPUT | audiogid_GPIO_V2_LINE_FLAG_EDGE_RISING | audiogid_GPIO_V2_LINE_FLAG_EDGE_FALLING
        if activeLow { flags |= audiogid_GPIO_V2_LINE_FLAG_ACTIVE_LOW }
        switch bias {
        case .pullUp: flags |= audiogid_GPIO_V2_LINE_FLAG_BIAS_PULL_UP
        case .pullDown: flags |= audiogid_GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN
        case .disabled: flags |= audiogid_GPIO_V2_LINE_FLAG_BIAS_DISABLED
        case .asIs: break
        }
        var request = audiogid_gpio_request_inputs(fd, offsets, UInt32(offsets.count), flags, debounceMicroseconds, "audiogid")
        if request < 0 && errno == EINVAL && debounceMicroseconds > 0 {
            // A driver without debounce support: software debounce in GpioButtonDecoder still applies.
            request = audiogid_gpio_request_inputs(fd, offsets, UInt32(offsets.count), flags, 0, "audiogid")
        }
        if request < 0 { throw SystemCallError("GPIO_V2_GET_LINE_IOCTL (inputs \(offsets))", path, errno: errno) }
        _ = fcntl(request, F_SETFL, fcntl(request, F_GETFL) | O_NONBLOCK)
        return request
    }

    /// Requests LED outputs; returns the request fd for `GpioLedLines`.
    public func requestLeds(_ offsets: [UInt32], activeLow: Bool) throws -> Int32 {
        var flags = audiogid_GPIO_V2_LINE_FLAG_OUTPUT
        if activeLow { flags |= audiogid_GPIO_V2_LINE_FLAG_ACTIVE_LOW }
        let request = audiogid_gpio_request_outputs(fd, offsets, UInt32(offsets.count), flags, "audiogid")
        if request < 0 { throw SystemCallError("GPIO_V2_GET_LINE_IOCTL (outputs \(offsets))", path, errno: errno) }
        return request
    }
}

public enum GpioBias: String, Sendable, Equatable, CaseIterable {
    case pullUp = "pull-up"
    case pullDown = "pull-down"
    case disabled
    case asIs = "as-is"
}
