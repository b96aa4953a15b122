/// Tells a device that plays at its rate from one that swallows every write at once.
///
/// ALSA's `file` plugin over a `null` slave (or `null` itself) reports a whole buffer of room after every
/// write and a delay of 0, so fed as a paced device the engine would write idle silence as fast as the CPU
/// allows (some 300 MB/s into the file) and a clip's end would never let the feed rest. Such a PCM cannot be
/// told from its name or type (a `file` plugin over a sound card *is* paced), but it gives itself away by
/// what it accepts: a device that plays at its rate can have taken at most what it played since some moment
/// plus its whole buffer. One that takes more is not paced, and the engine then writes only sound.
struct PaceWatch {
    private let rate: Int
    private let bufferFrames: Int
    /// Room for the slowest real clock and a wake-up's worth of jitter: a sound card off by 2 % is far out
    /// of any specification, and a window is at most `window` long, so this never grows with time.
    private let slackFrames: Int
    private var since: UInt64 = 0
    private var accepted = 0

    /// How long one observation window lasts; a fresh one starts after it, so clock drift cannot add up.
    static let windowNanoseconds: UInt64 = 1_000_000_000

    init(rate: Int, bufferFrames: Int, periodFrames: Int) {
        self.rate = rate
        self.bufferFrames = bufferFrames
        slackFrames = periodFrames + rate / 50
    }

    /// Starts counting afresh: the device was (re)started, or its queue was dropped or rewound, so it may
    /// take a whole buffer again.
    mutating func restart(at now: UInt64) {
        since = now
        accepted = 0
    }

    /// Counts `frames` the device just accepted; true when it has taken more than a device playing at its
    /// rate could have.
    mutating func accept(_ frames: Int, at now: UInt64) -> Bool {
        if accepted == 0 || now &- since >= Self.windowNanoseconds { restart(at: now) }
        accepted += frames
        let elapsed = now &- since
        let playable = Int(elapsed / 1000) * rate / 1_000_000
        return accepted > playable + bufferFrames + slackFrames
    }
}
