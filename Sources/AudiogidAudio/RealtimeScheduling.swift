#if canImport(Glibc)
import Glibc
#endif
import Logging

/// Real-time scheduling for the playback thread, so a busy kiosk (a tour being indexed, a package unpacking, the
/// staff page, another program) never makes the loudspeaker stutter: with `SCHED_FIFO` the thread runs as soon as
/// the device wants samples, ahead of every ordinary thread.
///
/// The thread spends nearly all its time blocked in `poll` or a timer, so it takes little CPU; the kernel still
/// keeps 5 % of every second for ordinary threads (`sched_rt_runtime_us`). A process may only ask for it when root
/// or when its `RLIMIT_RTPRIO` allows the priority; the systemd unit grants it with `LimitRTPRIO=`. Without it the
/// thread plays at normal priority (the unit's `Nice=-5`), as before.
enum RealtimeScheduling {
    /// Low among real-time threads (PipeWire's and JACK's run at 60–90), which is enough to be ahead of every
    /// ordinary one.
    static let priority: Int32 = 20

    /// Back to ordinary scheduling for the calling thread (a device that turned out unpaced).
    static func lowerCurrentThread() {
        var parameters = sched_param()
        parameters.sched_priority = 0
        _ = pthread_setschedparam(pthread_self(), SCHED_OTHER, &parameters)
    }

    /// Asks for `SCHED_FIFO` at `priority` for the calling thread; says in the log what it got.
    static func raiseCurrentThread(logger: Logger) {
        var parameters = sched_param()
        parameters.sched_priority = priority
        let result = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters)
        if result == 0 {
            logger.info("playback thread runs real-time", metadata: ["policy": "SCHED_FIFO", "priority": "\(priority)"])
        } else {
            var limit = rlimit()
            getrlimit(__rlimit_resource_t(__RLIMIT_RTPRIO.rawValue), &limit)
            logger.notice("playback thread runs at normal priority; allow real-time with LimitRTPRIO=\(priority) in the service",
                          metadata: ["reason": "\(String(cString: strerror(result)))", "rlimit_rtprio": "\(limit.rlim_cur)"])
        }
    }
}
