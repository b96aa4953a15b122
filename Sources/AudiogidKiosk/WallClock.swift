import AudiogidCore
import Foundation

extension Moment {
    /// The wall clock: Unix seconds and the local minute of the day.
    @Sendable public static func now() -> Moment {
        let seconds = Date().timeIntervalSince1970
        var time = time_t(seconds)
        var local = tm()
        localtime_r(&time, &local)
        return Moment(seconds: seconds, minuteOfDay: Int(local.tm_hour) * 60 + Int(local.tm_min))
    }
}
