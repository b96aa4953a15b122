import AudiogidPOSIX
import AudiogidCore
import Foundation
import Testing
@testable import AudiogidKiosk
import AudiogidManifest
#if canImport(Glibc)
import Glibc
#endif

@Suite(.timeLimit(.minutes(3))) struct ConfigurationFileTests {
    static let fullExample = """
        data: /var/lib/audiogid
        tour: moyo-selo
        language: ru
        audio:
          device: plughw:1,0
          sample_rate: 48000
          channels: 2
          period_ms: 10
          periods: 3
          fade_ms: 15
          loudness_target: -20
        volume: 60
        volume_cap: 85
        volume_step: 5
        while_playing: queue
        same_button: restart
        auto_advance: true
        idle_prompt:
          after_minutes: 5
          clip: {ru: system/prompt.ru.ogg, en: system/prompt.en.ogg}
        opening_hours: ["09:30-18:00", "22:00-02:00"]
        control:
          socket: /run/audiogid/control.sock
          tcp: {port: 6600, address: 0.0.0.0}
          passwords:
            - {password: guide, permissions: [read, control]}
            - {password: staff, permissions: [read, control, admin]}
          default_permissions: [read]
          max_clients: 16
          connection_timeout: 120
        log:
          verbose: true
        """

    @Test func everyKeyOfTheDocumentedExampleIsRead() throws {
        let c = try ConfigurationFile.read(Self.fullExample, file: "kiosk.yaml", over: KioskConfiguration())
        #expect(c.dataDirectory == "/var/lib/audiogid")
        #expect(c.databasePath == "/var/lib/audiogid/audiogid.sqlite")
        #expect(c.tour == "moyo-selo" && c.language == "ru")
        #expect(c.audio == AudioSettings(device: "plughw:1,0", sampleRate: 48000, channels: 2, periodMilliseconds: 10,
                                         periods: 3, fadeMilliseconds: 15, targetLUFS: -20))
        #expect(c.volume == 60)
        #expect(c.player.volumeCap == 85 && c.player.volumeStep == 5)
        #expect(c.player.whileBusy == .queue && c.player.samePress == .restart && c.player.autoAdvance)
        #expect(c.player.idlePrompt == IdlePrompt(clips: ["ru": "system/prompt.ru.ogg", "en": "system/prompt.en.ogg"], afterSeconds: 300))
        #expect(c.player.openingHours == [DailyWindow(start: 570, end: 1080), DailyWindow(start: 1320, end: 120)])
        #expect(c.control.tcpPort == 6600 && c.control.tcpAddress == "0.0.0.0")
        #expect(c.control.passwords.map(\.password) == ["guide", "staff"])
        #expect(c.control.passwords[0].permissions == [.read, .control])
        #expect(c.control.defaultPermissions == [.read])
        #expect(c.control.maxClients == 16 && c.control.connectionTimeout == 120)
        #expect(c.verbose)
    }

    @Test func errorsNameFileLineAndKey() {
        let text = """
            tour: moyo-selo
            while_playng: queue
            volume: 140
            audio:
              device: default
              channels: stereo
            opening_hours: [9-18]
            """
        do {
            _ = try ConfigurationFile.read(text, file: "/etc/audiogid/kiosk.yaml", over: KioskConfiguration())
            Issue.record("a broken config was accepted")
        } catch {
            let lines = error.problems.map(\.line)
            #expect(lines.count == 4)
            #expect(lines[0] == "/etc/audiogid/kiosk.yaml:2:1: error: while_playng: unknown key (did you mean 'while_playing'?); known here: \(ConfigurationFile.topKeys.joined(separator: ", "))")
            #expect(lines[1].hasPrefix("/etc/audiogid/kiosk.yaml:3:9: error: volume: must be between 0 and 100"))
            #expect(lines[2].hasPrefix("/etc/audiogid/kiosk.yaml:6:13: error: audio.channels: must be a whole number"))
            #expect(lines[3].hasPrefix("/etc/audiogid/kiosk.yaml:7:17: error: opening_hours: '9-18' is not a window"))
        }
    }

    @Test func aNearMissOfAChoiceGetsASuggestionAndTriggersAreLeftToTheirReader() throws {
        let document = try YAMLDocument(text: "same_button: restrat\ntriggers: {keypd: {}}\n", file: "k.yaml")
        let (_, problems) = KioskConfiguration.read(document)
        #expect(problems.map(\.line) == ["k.yaml:1:14: error: same_button: must be one of stop, restart, found 'restrat' (did you mean 'restart'?)"])
    }

    /// `device: null` means ALSA's null device to a technician but "nothing" to YAML: the finding says how to write it.
    @Test func aBareNullWhereTextIsWantedSaysToQuoteIt() throws {
        let document = try YAMLDocument(text: "audio: {device: null}\n", file: "k.yaml")
        let (_, problems) = KioskConfiguration.read(document)
        #expect(problems.map(\.line) == [#"k.yaml:1:17: error: audio.device: must be a text value (YAML reads a bare 'null' as nothing; write it in quotes, "null", to mean the word)"#])
        let quoted = try YAMLDocument(text: "audio: {device: \"null\"}\n", file: "k.yaml")
        #expect(KioskConfiguration.read(quoted).1.isEmpty)
    }

    @Test func syntaxErrorsAndMissingFilesAreReportedNotThrownAtRandom() {
        #expect(throws: ConfigurationError.self) { try ConfigurationFile.read("tour: [a, b", file: "k.yaml", over: KioskConfiguration()) }
        #expect(throws: ConfigurationError.self) { try ConfigurationFile.read("- just\n- a list", file: "k.yaml", over: KioskConfiguration()) }
        #expect(throws: ConfigurationError.self) { try KioskConfiguration.load(file: "/nonexistent/kiosk.yaml") }
        #expect(throws: ConfigurationError.self) { try ConfigurationFile.read("volume: 90\nvolume_cap: 50", file: "k.yaml", over: KioskConfiguration()) }
    }

    @Test func relativeDataIsRelativeToTheConfigFileAndFlagsWin() throws {
        let c = try ConfigurationFile.read("data: kiosk-data\naudio: {device: none}", file: "/srv/box/kiosk.yaml", over: KioskConfiguration())
        #expect(c.dataDirectory == "/srv/box/kiosk-data")
        var overridden = c
        ConfigurationOverrides(data: "/mnt/usb", tour: "teplokhodik", device: "pulse", socket: "/tmp/x.sock", verbose: true).apply(to: &overridden)
        #expect(overridden.dataDirectory == "/mnt/usb" && overridden.tour == "teplokhodik" && overridden.audio.device == "pulse")
        #expect(overridden.control.socketPath == "/tmp/x.sock" && overridden.verbose)
    }

    @Test func systemdNotificationsArriveAsDatagrams() throws {
        let path = "/tmp/agk-notify-\(getpid()).sock"
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd); unlink(path) }
        var address = try Socket.unixAddress(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "4000000"])
        #expect(notifier.watchdogInterval == 2)
        #expect(notifier.notify("READY=1"))
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = recv(fd, &buffer, 64, 0)
        #expect(String(decoding: buffer[..<max(0, count)], as: UTF8.self) == "READY=1")
        #expect(SystemdNotifier(environment: [:]).notify("READY=1") == false)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "1000", "WATCHDOG_PID": "1"]).watchdogInterval == nil)
    }
}
