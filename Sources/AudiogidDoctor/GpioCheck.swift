import AudiogidTriggers
import CAudiogidShim
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The GPIO chip and lines kiosk.yaml names: the chip exists, the service's user may open it (group `gpio` on
/// Raspberry Pi OS), each line exists and no other program holds it. The line checks need a real chip (the kernel's
/// ioctls); on the build machine they are reached only in the driver rig.
enum GpioCheck {
    static func run(_ gpio: GpioConfig, system: DoctorSystem, accounts: Accounts) -> DoctorCheck {
        let chips = ((try? FileManager.default.contentsOfDirectory(atPath: system.path("/dev"))) ?? [])
            .filter { $0.hasPrefix("gpiochip") }.sorted()
        let path: String
        if gpio.chip.hasPrefix("/") {
            path = gpio.chip
        } else if chips.contains(gpio.chip) {
            path = "/dev/" + gpio.chip
        } else if let byLabel = chips.first(where: { ChipInfo(path: system.path("/dev/" + $0))?.label == gpio.chip }) {
            path = "/dev/" + byLabel
        } else {
            return DoctorCheck("gpio", .problem, "gpio chip \(gpio.chip): not found",
                               details: ["chips here: " + (chips.isEmpty ? "none" : chips.joined(separator: ", "))],
                               fix: chips.isEmpty ? "on a Pi, GPIO chips appear as /dev/gpiochip*; on a PC there are none"
                                   : "set triggers.gpio.chip to one of the chips above (`gpioinfo` shows their labels)")
        }
        let local = system.path(path)
        guard FileManager.default.fileExists(atPath: local) else {
            return DoctorCheck("gpio", .problem, "gpio chip \(path): not present")
        }
        if let refused = DeviceCheck.permission("gpio", path, local: local, write: true, system: system, accounts: accounts) {
            return refused
        }
        guard let chip = ChipInfo(path: local) else {
            return DoctorCheck("gpio", .problem, "\(path) does not answer as a GPIO chip (\(String(cString: strerror(errno))))",
                               fix: "check triggers.gpio.chip; `gpiodetect` lists the chips")
        }
        var details: [String] = []
        var status = DoctorCheck.Status.ok
        let lines = gpio.buttons.map { ("button", $0.line) } + gpio.leds.map { ("LED", $0.line) }
        for (role, line) in lines {
            switch chip.line(line) {
            case nil:
                status = .problem
                details.append("\(role) \(line): no such line on \(chip.name) (\(chip.lineCount) lines)")
            case let info? where info.consumer.isEmpty == false && info.consumer != "audiogid":
                status = .problem
                details.append("\(role) \(line): held by \(info.consumer)")
            case let info?:
                details.append("\(role) \(line) (offset \(info.offset)): " + (info.consumer.isEmpty ? "free" : "held by audiogid (the running daemon)"))
            }
        }
        return DoctorCheck("gpio", status, "gpio chip \(path) (\(chip.label)), \(lines.count) line\(lines.count == 1 ? "" : "s")",
                           details: details,
                           fix: status == .ok ? nil : "free the line (another program, or a device-tree overlay such as a fan or an I2C bus, holds it) or wire another pin")
    }

    /// A chip's name, label and lines through the GPIO character device (uAPI v2).
    struct ChipInfo {
        var name: String
        var label: String
        var lineCount: UInt32
        let path: String

        init?(path: String) {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            var info = gpiochip_info()
            guard audiogid_gpio_chip_info(fd, &info) == 0 else {
                let code = errno
                close(fd)
                errno = code
                return nil
            }
            self.path = path
            name = withUnsafeBytes(of: info.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            label = withUnsafeBytes(of: info.label) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            lineCount = info.lines
            close(fd)
        }

        struct Line { var offset: UInt32; var consumer: String }

        /// The line by offset or by name, and who holds it ("" = nobody).
        func line(_ reference: GpioLineRef) -> Line? {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            for offset in 0..<lineCount {
                if let wanted = reference.knownOffset, wanted != offset { continue }
                var info = gpio_v2_line_info()
                info.offset = offset
                guard audiogid_gpio_line_info(fd, &info) == 0 else { return nil }
                let lineName = withUnsafeBytes(of: info.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if case .name(let wanted) = reference, wanted != lineName { continue }
                // GPIO_V2_LINE_FLAG_USED is bit 0.
                let used = info.flags & 1 != 0
                let consumer = withUnsafeBytes(of: info.consumer) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                return Line(offset: offset, consumer: used ? (consumer.isEmpty ? "the kernel" : consumer) : "")
            }
            return nil
        }
    }
}
