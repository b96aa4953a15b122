import AudiogidDoctor
import AudiogidStore
import AudiogidTestSupport
import Foundation
import Testing

/// `audiogid doctor` on a kiosk broken in each way it checks, one at a time; a healthy kiosk passes every check.
@Suite(.timeLimit(.minutes(3))) struct DoctorTests {
    @Test func aHealthyKioskPassesEveryCheck() throws {
        let kiosk = try KioskUnderTest()
        let report = kiosk.examine()
        #expect(report.healthy, "\(report.text)")
        #expect(Set(report.checks.map(\.area)) == ["config", "data", "database", "sound", "serial", "keypad", "clock", "service", "tour"])
        #expect(report.check("tour")?.message.contains("all indexed") == true)
    }

    @Test func configurationMistakesAreListedWithFileAndLine() throws {
        let kiosk = try KioskUnderTest()
        try kiosk.write("kiosk.yaml", "tour: moyo-selo\nvolume: 70\nwhile_playng: preempt\n")
        let check = try #require(kiosk.examine().check("config"))
        #expect(check.status == .problem)
        #expect(check.details.contains { $0.hasPrefix("\(kiosk.config.path):3:1: error: while_playng") }, "\(check.details)")
    }

    @Test func aMissingConfigurationIsAProblem() throws {
        let kiosk = try KioskUnderTest()
        try FileManager.default.removeItem(at: kiosk.config)
        let report = kiosk.examine()
        #expect(report.attention == ["config": .problem])
        #expect(report.checks.count == 1)
    }

    @Test func aDataFolderTheServiceCannotWriteIsAProblem() throws {
        let kiosk = try KioskUnderTest()
        try kiosk.chown(kiosk.data, uid: 0, gid: 0)
        chmod(kiosk.data.path, 0o755)
        let check = try #require(kiosk.examine().check("data"))
        #expect(check.status == .problem)
        #expect(check.fix?.contains("chown -R audiogid:audiogid") == true)
    }

    @Test func aMissingDataFolderIsAProblem() throws {
        let kiosk = try KioskUnderTest()
        try FileManager.default.removeItem(at: kiosk.data)
        let report = kiosk.examine()
        #expect(report.check("data")?.status == .problem)
        #expect(report.check("tour")?.status == .problem)
    }

    @Test func littleFreeSpaceIsAWarning() throws {
        let kiosk = try KioskUnderTest()
        let check = try #require(kiosk.examine(kiosk.system(minimumFreeBytes: .max)).check("data"))
        #expect(check.status == .warning)
        #expect(check.message.contains("MB free"))
    }

    @Test func aDamagedDatabaseIsAProblem() throws {
        let kiosk = try KioskUnderTest()
        // Overwrite the middle of the real database file: SQLite's integrity check (or the open) fails.
        let handle = try FileHandle(forWritingTo: kiosk.database)
        try handle.seek(toOffset: 4096)
        handle.write(Data(repeating: 0xA5, count: 8192))
        try handle.close()
        let check = try #require(kiosk.examine().check("database"))
        #expect(check.status == .problem, "\(check)")
        #expect(check.fix?.contains("audiogid.sqlite.broken") == true)
    }

    @Test func aFileThatIsNotADatabaseIsAProblem() throws {
        let kiosk = try KioskUnderTest()
        try "not a database".write(to: kiosk.database, atomically: true, encoding: .utf8)
        #expect(kiosk.examine().check("database")?.status == .problem)
    }

    @Test func noDatabaseYetIsAWarningAndTheTourStillValidates() throws {
        let kiosk = try KioskUnderTest()
        try FileManager.default.removeItem(at: kiosk.database)
        let report = kiosk.examine()
        #expect(report.attention == ["database": .warning], "\(report.text)")
    }

    @Test func noSoundCardIsAProblem() throws {
        let kiosk = try KioskUnderTest()
        try kiosk.write("root/proc/asound/cards", "--- no soundcards ---\n")
        #expect(kiosk.examine().check("sound")?.status == .problem)
    }

    @Test func aCardNumberGetsTheStableNameSuggested() throws {
        let kiosk = try KioskUnderTest()
        try kiosk.writeConfig(device: "hw:1,0")
        let check = try #require(kiosk.examine().check("sound"))
        #expect(check.status == .warning)
        #expect(check.fix == "in /etc/audiogid/kiosk.yaml: audio: {device: \"plughw:CARD=Device,DEV=0\"}")
    }

    @Test func aCardThatIsNotThereIsAProblem() throws {
        let kiosk = try KioskUnderTest()
        try kiosk.writeConfig(device: "plughw:CARD=Speaker,DEV=0")
        let check = try #require(kiosk.examine().check("sound"))
        #expect(check.status == .problem)
        #expect(check.details.contains("card 0: Headphones (bcm2835 Headphones) -> device: plughw:CARD=Headphones,DEV=0"), "\(check.details)")
    }

    @Test func defaultWithTwoCardsIsAWarningAndNoneIsFine() throws {
        let kiosk = try KioskUnderTest()
        try kiosk.writeConfig(device: "default")
        #expect(kiosk.examine().check("sound")?.status == .warning)
        try kiosk.writeConfig(device: "none")
        #expect(kiosk.examine().check("sound")?.status == .ok)
    }

    @Test func aMissingGpioChipIsAProblemNamingTheChipsThere() throws {
        let kiosk = try KioskUnderTest()
        try kiosk.writeConfig(device: "none", gpio: KioskUnderTest.gpio.replacingOccurrences(of: "gpiochip0", with: "gpiochip4"))
        let check = try #require(kiosk.examine().check("gpio"))
        #expect(check.status == .problem)
        #expect(check.details == ["chips here: gpiochip0"])
    }

    @Test func aGpioChipOutsideTheUsersGroupsNamesTheGroup() throws {
        let kiosk = try KioskUnderTest()
        try kiosk.write("root/etc/group", "dialout:x:20:audiogid\ninput:x:105:audiogid\ngpio:x:997:\naudiogid:x:4242:\n")
        try kiosk.writeConfig(device: "none", gpio: KioskUnderTest.gpio)
        let check = try #require(kiosk.examine().check("gpio"))
        #expect(check.status == .problem)
        #expect(check.message.contains("not in group gpio"))
        #expect(check.fix?.hasPrefix("sudo adduser audiogid gpio") == true)
    }

    @Test func aFileThatIsNotAGpioChipIsAProblem() throws {
        // The line checks (exists, not claimed) need the kernel's GPIO ioctls: this shows they are asked, and
        // that a device that does not answer them is reported rather than taken for a chip.
        let kiosk = try KioskUnderTest()
        try kiosk.writeConfig(device: "none", gpio: KioskUnderTest.gpio)
        let check = try #require(kiosk.examine().check("gpio"))
        #expect(check.status == .problem)
        #expect(check.message.contains("does not answer as a GPIO chip"))
    }

    @Test func aMissingSerialPortAndAKeypadWithoutItsGroupAreProblems() throws {
        let kiosk = try KioskUnderTest()
        try FileManager.default.removeItem(at: kiosk.root.appendingPathComponent("dev/ttyUSB0"))
        try kiosk.write("root/etc/group", "dialout:x:20:audiogid\ninput:x:105:\naudiogid:x:4242:\n")
        let report = kiosk.examine()
        #expect(report.check("serial")?.status == .problem)
        #expect(report.check("serial")?.message == "/dev/ttyUSB0: not present")
        #expect(report.check("keypad")?.status == .problem)
        #expect(report.check("keypad")?.fix?.hasPrefix("sudo adduser audiogid input") == true)
    }

    @Test func aClockBeforeTheBuildYearIsAProblem() throws {
        let kiosk = try KioskUnderTest()
        let check = try #require(kiosk.examine(kiosk.system(now: Date(timeIntervalSince1970: 0))).check("clock"))
        #expect(check.status == .problem)
        #expect(check.message.contains("1970-01-01"))
        #expect(check.fix?.contains("DS3231") == true)
    }

    @Test func aClockThatWentBackSinceTheLastPlayIsAProblem() throws {
        let kiosk = try KioskUnderTest()
        let store = try AudiogidStore.KioskStore(path: kiosk.database.path)
        let lastPlay = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try store.beginPlay(.init(startedAt: lastPlay.timeIntervalSince1970, tourID: "moyo-selo", stopID: "library",
                                      stopNumber: 1, language: "ru", source: .socket))
        try store.close()
        let check = try #require(kiosk.examine(kiosk.system(now: lastPlay.addingTimeInterval(-3600))).check("clock"))
        #expect(check.status == .problem)
        #expect(check.message.contains("went back"))
    }

    @Test func aStoppedServiceIsAProblemAndNoSystemdAWarning() throws {
        let kiosk = try KioskUnderTest()
        try kiosk.setSystemctl(active: "failed", enabled: "enabled")
        #expect(kiosk.examine().check("service")?.status == .problem)
        try kiosk.setSystemctl(active: "active", enabled: "disabled")
        #expect(kiosk.examine().check("service")?.status == .warning)
        try FileManager.default.removeItem(at: kiosk.root.appendingPathComponent("run/systemd"))
        #expect(kiosk.examine().check("service")?.message == "systemd is not running here: the services' state is unknown")
    }

    @Test func aTourWithAMissingClipIsAProblemWithItsLine() throws {
        let kiosk = try KioskUnderTest()
        try FileManager.default.removeItem(at: kiosk.data.appendingPathComponent("audio/moyo-selo/01-library.ru.ogg"))
        let check = try #require(kiosk.examine().check("tour"))
        #expect(check.status == .problem)
        #expect(check.details.contains { $0.contains("tour.yaml:") && $0.contains("01-library.ru.ogg") }, "\(check.details)")
    }

    @Test func clipsNotYetIndexedAreAWarning() throws {
        let kiosk = try KioskUnderTest()
        try FileManager.default.removeItem(at: kiosk.database)
        _ = try AudiogidStore.KioskStore(path: kiosk.database.path)
        try kiosk.chown(kiosk.data, uid: KioskUnderTest.serviceUID, gid: KioskUnderTest.serviceUID)
        let check = try #require(kiosk.examine().check("tour"))
        #expect(check.status == .warning)
        #expect(check.message.contains("clips not indexed yet"), "\(check.message)")
    }

    @Test func theCommandExitsOneWithTheListAndZeroWhenWell() throws {
        let kiosk = try KioskUnderTest()
        let arguments = ["doctor", "--config", kiosk.config.path, "--system-root", kiosk.root.path,
                         "--systemctl", kiosk.systemctl.path]
        let healthy = try BuiltTool.run(arguments)
        #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")
        #expect(healthy.stdout.hasSuffix("all 9 checks ok\n"))
        try kiosk.writeConfig(device: "hw:1,0")
        let warned = try BuiltTool.run(arguments + ["--format", "json"])
        #expect(warned.status == 1)
        let report = try JSONDecoder().decode(DoctorReport.self, from: Data(warned.stdout.utf8))
        #expect(report.attention == ["sound": .warning])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(warned.stdout.utf8)) as? [String: Any])
        #expect(object["healthy"] as? Bool == false)
    }
}
