import AudiogidStore
import Foundation

/// The clock: a Pi has no battery-backed clock, so without a network it boots at the last saved time (or in 1970)
/// and opening hours, quiet hours and the statistics' dates follow whatever it says.
enum ClockCheck {
    static let fix = "fit a clock module (DS3231 on the I2C pins: dtoverlay=i2c-rtc,ds3231 in /boot/firmware/config.txt), "
        + "or set the time from the staff page (Kiosk, Set clock) or `sudo date -s 'YYYY-MM-DD HH:MM'`"

    static func run(system: DoctorSystem, lastPlay: Date?) -> DoctorCheck {
        let formatter = ISO8601DateFormatter()
        let now = formatter.string(from: system.now)
        let year = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: system.now).year ?? 0
        if year < system.buildYear {
            return DoctorCheck("clock", .problem, "the clock says \(now), before this program was built (\(system.buildYear)): "
                               + "opening hours and the statistics' dates depend on it", fix: fix)
        }
        if let lastPlay, lastPlay.timeIntervalSince(system.now) > 60 {
            return DoctorCheck("clock", .problem, "the clock says \(now), earlier than the last play logged (\(formatter.string(from: lastPlay))): "
                               + "it went back since; opening hours and the statistics' dates depend on it", fix: fix)
        }
        return DoctorCheck("clock", .ok, "the clock says \(now)")
    }
}
