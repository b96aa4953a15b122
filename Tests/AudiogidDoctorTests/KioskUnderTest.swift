import AudiogidDoctor
import AudiogidManifest
import AudiogidStore
import AudiogidTestSupport
import Foundation

/// A kiosk in a temporary folder, healthy until a test breaks it: real tour files and clips (the demo tour
/// moyo-selo), a real SQLite database with every clip indexed, and a made-up system tree (etc/passwd and
/// etc/group, proc/asound/cards, dev/…, run/systemd) for what cannot exist on the build machine: sound cards,
/// GPIO chips, serial ports. Devices there are ordinary files with the owner, group and mode a kiosk's have.
final class KioskUnderTest {
    static let serviceUID: UInt32 = 4242
    let folder: URL
    var root: URL { folder.appendingPathComponent("root") }
    var data: URL { folder.appendingPathComponent("data") }
    var config: URL { folder.appendingPathComponent("kiosk.yaml") }
    var database: URL { data.appendingPathComponent("audiogid.sqlite") }
    var systemctl: URL { folder.appendingPathComponent("systemctl") }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("audiogid-doctor-\(UUID().uuidString)")
        let files = FileManager.default
        for path in ["root/etc", "root/proc/asound", "root/dev/input", "root/run/systemd/system", "data/tours", "data/audio"] {
            try files.createDirectory(at: folder.appendingPathComponent(path), withIntermediateDirectories: true)
        }
        try files.copyItem(at: BuiltTool.packageRoot.appendingPathComponent("tours/moyo-selo"),
                           to: data.appendingPathComponent("tours/moyo-selo"))
        try files.copyItem(at: BuiltTool.packageRoot.appendingPathComponent("audio/moyo-selo"),
                           to: data.appendingPathComponent("audio/moyo-selo"))
        try chown(data, uid: Self.serviceUID, gid: Self.serviceUID)
        try write("root/etc/passwd", "root:x:0:0:root:/root:/bin/bash\naudiogid:x:4242:4242::/var/lib/audiogid:/usr/sbin/nologin\n")
        try write("root/etc/group", "root:x:0:\ndialout:x:20:audiogid\naudio:x:29:audiogid\ninput:x:105:audiogid\ngpio:x:997:audiogid\naudiogid:x:4242:\n")
        try write("root/proc/asound/cards", """
             0 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones
                                  bcm2835 Headphones
             1 [Device         ]: USB-Audio - USB Audio Device
                                  C-Media Electronics Inc. USB Audio Device at usb-0000:01:00.0-1.2, full speed

            """)
        try device("dev/gpiochip0", group: 997)
        try device("dev/ttyUSB0", group: 20)
        try device("dev/input/event0", group: 105)
        try setSystemctl(active: "active", enabled: "enabled")
        try writeConfig(device: "plughw:CARD=Device,DEV=0")
        try indexEveryClip()
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func write(_ path: String, _ text: String) throws {
        try text.write(to: folder.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    /// A device node's stand-in: an ordinary file, root-owned, mode 0660, in `group`.
    func device(_ path: String, group: UInt32, mode: mode_t = 0o660) throws {
        try write("root/" + path, "")
        try chown(folder.appendingPathComponent("root/" + path), uid: 0, gid: group)
        chmod(folder.appendingPathComponent("root/" + path).path, mode)
    }

    func chown(_ url: URL, uid: UInt32, gid: UInt32) throws {
        let files = FileManager.default
        guard let walker = files.enumerator(atPath: url.path) else { return }
        Foundation.chown(url.path, uid, gid)
        for case let relative as String in walker { Foundation.chown(url.appendingPathComponent(relative).path, uid, gid) }
    }

    static let gpio = """
          gpio:
            chip: gpiochip0
            buttons:
              - {line: 17, press: "play 1"}
        """

    /// kiosk.yaml: the demo tour on `device`, with a card reader and a keypad (and `gpio`, the section above, when
    /// given: a file in the fake tree cannot answer as a GPIO chip, so only the tests of the chip give it).
    func writeConfig(device: String, gpio: String = "") throws {
        try write("kiosk.yaml", """
            data: \(data.path)
            tour: moyo-selo
            audio: {device: "\(device)"}
            triggers:
            \(gpio)
              serial:
                - port: /dev/ttyUSB0
                  match: {"^BTN(\\\\d+)$": "play \\\\1"}
              keypad: {device: /dev/input/event0}
            """)
    }

    /// systemctl's stand-in: answers is-active and is-enabled for audiogid.service as given.
    func setSystemctl(active: String, enabled: String) throws {
        try write("systemctl", """
            #!/bin/sh
            case "$1 $2" in
              "is-active audiogid.service") echo \(active) ;;
              "is-enabled audiogid.service") echo \(enabled) ;;
              "is-active "*) echo inactive ;;
              *) echo disabled ;;
            esac
            """)
        chmod(systemctl.path, 0o755)
    }

    /// The clip index as the daemon leaves it after a start: every clip of the tour measured.
    func indexEveryClip() throws {
        let report = TourLoader.validate(manifestPath: data.appendingPathComponent("tours/moyo-selo/tour.yaml").path,
                                         audioDirectory: data.appendingPathComponent("audio").path)
        let store = try KioskStore(path: database.path)
        try store.saveClips(report.clips.map { path, info in
            IndexedClip(path: path, size: 1, modified: 0, checksum: "-", info: info, loudnessLUFS: -18, indexedAt: 0)
        })
        try store.close()
        try chown(data, uid: Self.serviceUID, gid: Self.serviceUID)
    }

    func system(now: Date = Date(), buildYear: Int = 2025, minimumFreeBytes: Int64 = 1024) -> DoctorSystem {
        DoctorSystem(root: root.path, now: now, buildYear: buildYear, minimumFreeBytes: minimumFreeBytes, systemctl: systemctl.path)
    }

    func examine(_ system: DoctorSystem? = nil) -> DoctorReport {
        Doctor.examine(config: config.path, system: system ?? self.system())
    }
}

extension DoctorReport {
    func check(_ area: String) -> DoctorCheck? { checks.first { $0.area == area } }
    /// The checks that are not ok, by area.
    var attention: [String: DoctorCheck.Status] {
        Dictionary(uniqueKeysWithValues: checks.filter { $0.status != .ok }.map { ($0.area, $0.status) })
    }
}
