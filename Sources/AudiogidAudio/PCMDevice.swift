import CALSA
import Glibc

/// An ALSA playback PCM opened non-blocking at one fixed format: interleaved signed 16-bit at the engine's
/// rate and channel count, small periods, a start threshold of one period so a press starts the device at once.
///
/// See https://www.alsa-project.org/alsa-doc/alsa-lib/group___p_c_m.html
final class PCMDevice {
    let name: String
    let sampleRate: Int
    let channels: Int
    let periodFrames: Int
    let bufferFrames: Int
    /// The device starts once this many frames are written; the first write after a press is this long.
    let startFrames: Int
    /// Room (frames) at which the device reports it wants more: the engine refills then, all at once.
    let wakeFrames: Int
    /// A sound server's plugin (`pulse`, `pipewire`, or `default` routed to one) rather than a card or
    /// ALSA's own plugins: it plays at the server's wall clock, and its poll descriptor wakes on every
    /// message from the server, not only when there is room.
    let isSoundServer: Bool
    private let handle: OpaquePointer

    /// Silences alsa-lib's own stderr messages once per process; the engine logs device trouble itself.
    private static let quiet: Void = { _ = calsa_silence_errors() }()

    init(config: AudioOutputConfig) throws(AudioError) {
        _ = Self.quiet
        name = config.device
        var opened: OpaquePointer?
        var err = snd_pcm_open(&opened, config.device, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK)
        guard err >= 0, let pcm = opened else {
            throw AudioError(.device, "cannot open audio device '\(config.device)': \(Self.describe(err))", code: err)
        }
        handle = pcm

        var hw: OpaquePointer?
        snd_pcm_hw_params_malloc(&hw)
        defer { snd_pcm_hw_params_free(hw) }
        var rate = UInt32(config.sampleRate)
        var channelCount = UInt32(config.channels)
        var period = snd_pcm_uframes_t(config.periodFrames)
        var buffer = snd_pcm_uframes_t(config.bufferFrames)
        isSoundServer = snd_pcm_type(pcm) == SND_PCM_TYPE_IOPLUG
        if let server = config.serverPeriodFrames, isSoundServer, server > config.periodFrames {
            period = snd_pcm_uframes_t(server)
            buffer = max(buffer, 4 * period)
        }
        var dir: Int32 = 0
        err = snd_pcm_hw_params_any(pcm, hw)
        // Conversion happens in the engine with libsoxr; ALSA's own rate plugin is linear interpolation.
        if err >= 0 { err = snd_pcm_hw_params_set_rate_resample(pcm, hw, 0) }
        if err >= 0 { err = snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED) }
        if err >= 0 { err = snd_pcm_hw_params_set_format(pcm, hw, SND_PCM_FORMAT_S16_LE) }
        if err >= 0 { err = snd_pcm_hw_params_set_channels_near(pcm, hw, &channelCount) }
        if err >= 0 { err = snd_pcm_hw_params_set_rate_near(pcm, hw, &rate, &dir) }
        if err >= 0 { err = snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, &dir) }
        if err >= 0 { err = snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer) }
        if err >= 0 { err = snd_pcm_hw_params(pcm, hw) }
        if err >= 0 {
            snd_pcm_hw_params_get_period_size(hw, &period, &dir)
            snd_pcm_hw_params_get_buffer_size(hw, &buffer)
        }
        guard err >= 0 else {
            snd_pcm_close(pcm)
            throw AudioError(.device, "audio device '\(config.device)' refuses 16-bit \(config.channels)-channel "
                             + "\(config.sampleRate) Hz: \(Self.describe(err))", code: err)
        }
        sampleRate = Int(rate)
        channels = Int(channelCount)
        periodFrames = Int(period)
        bufferFrames = Int(buffer)

        var sw: OpaquePointer?
        snd_pcm_sw_params_malloc(&sw)
        defer { snd_pcm_sw_params_free(sw) }
        err = snd_pcm_sw_params_current(pcm, sw)
        // Start as soon as a configured (short) period is in, even when a sound server got longer periods: the
        // first write after a press is that short, so it goes out at once.
        startFrames = min(Int(period), config.periodFrames)
        if err >= 0 { err = snd_pcm_sw_params_set_start_threshold(pcm, sw, snd_pcm_uframes_t(startFrames)) }
        // Wake when two periods' worth is left to play: a full refill per wake-up instead of one per period,
        // with two periods of margin against an underrun. (A press does not wait for this: it drops the queue.)
        let wake = max(period, buffer > 2 * period ? buffer - 2 * period : period)
        wakeFrames = Int(wake)
        if err >= 0 { err = snd_pcm_sw_params_set_avail_min(pcm, sw, wake) }
        if err >= 0 { err = snd_pcm_sw_params(pcm, sw) }
        guard err >= 0 else {
            snd_pcm_close(pcm)
            throw AudioError(.device, "cannot configure audio device '\(config.device)': \(Self.describe(err))", code: err)
        }
    }

    deinit { snd_pcm_close(handle) }

    /// File descriptors to poll for "room for a period"; pass the revents back to `pollEvents`.
    func pollDescriptors() -> [pollfd] {
        let count = Int(snd_pcm_poll_descriptors_count(handle))
        guard count > 0 else { return [] }
        var fds = [pollfd](repeating: pollfd(), count: count)
        let filled = fds.withUnsafeMutableBufferPointer { snd_pcm_poll_descriptors(handle, $0.baseAddress, UInt32(count)) }
        return Array(fds.prefix(Int(max(filled, 0))))
    }

    /// Lets the plugin digest the poll result (a PulseAudio plugin must clear its event fd, or poll would spin).
    func pollEvents(_ fds: inout [pollfd]) -> Int32 {
        var revents: UInt16 = 0
        _ = fds.withUnsafeMutableBufferPointer {
            snd_pcm_poll_descriptors_revents(handle, $0.baseAddress, UInt32($0.count), &revents)
        }
        return Int32(revents)
    }

    /// Frames that can be written now, or a negative errno.
    func available() -> Int { Int(snd_pcm_avail_update(handle)) }

    /// Frames written and not yet played, or a negative errno.
    func delay() -> Int {
        var frames: snd_pcm_sframes_t = 0
        let err = snd_pcm_delay(handle, &frames)
        return err < 0 ? Int(err) : max(Int(frames), 0)
    }

    /// Writes interleaved frames; returns frames written or a negative errno (-EAGAIN when full).
    func write(_ samples: UnsafePointer<Int16>, frames: Int) -> Int {
        Int(snd_pcm_writei(handle, samples, snd_pcm_uframes_t(frames)))
    }

    /// Whether queued frames can be taken back while the device keeps running (a sound card, dmix, ALSA's
    /// own plugins). A sound server's plugin (PulseAudio, PipeWire) accepts `snd_pcm_rewind` but has already
    /// sent the frames to the server, so there it is not trusted.
    var rewinds: Bool { rewindWorks && !isSoundServer }
    /// Cleared the first time a rewind turns out to change nothing (a sound server behind a `plug`).
    private var rewindWorks = true

    /// Takes back what is queued beyond a small margin ahead of the hardware pointer (frames the card may
    /// already have fetched), without stopping the device: the next write continues seamlessly from there.
    /// Returns the frames taken back (0 when it cannot).
    func rewindQueued(margin: Int) -> Int {
        let rewindable = Int(snd_pcm_rewindable(handle))
        guard rewindable > margin else {
            rewindRefusal = "rewindable \(rewindable) <= margin \(margin)"
            return 0
        }
        let before = delay()
        let rewound = Int(snd_pcm_rewind(handle, snd_pcm_uframes_t(rewindable - margin)))
        guard rewound > 0 else {
            rewindRefusal = "rewind(\(rewindable - margin)) = \(rewound < 0 ? Self.describe(Int32(rewound)) : "0")"
            return 0
        }
        // A plugin may move its pointer back while the frames already went on (to a server): the queue did
        // not shrink. Undo the rewind and never trust this device's rewind again.
        let after = delay()
        if before > 0, after > before - rewound / 2 {
            snd_pcm_forward(handle, snd_pcm_uframes_t(rewound))
            rewindWorks = false
            rewindRefusal = "rewound \(rewound) but the delay went \(before) -> \(after): rewind disabled"
            return 0
        }
        return rewound
    }

    /// Why the last `rewindQueued` took nothing back (for the debug log).
    private(set) var rewindRefusal = ""

    /// Throws away what is queued and makes the device ready to start again with the next write.
    func discardQueued() {
        stopAtOnce()
        prepareAgain()
    }

    func stopAtOnce() { snd_pcm_drop(handle) }

    func prepareAgain() { snd_pcm_prepare(handle) }

    /// Plays out what is queued, then stops. Switches to blocking mode to wait for it.
    func drain() {
        snd_pcm_nonblock(handle, 0)
        snd_pcm_drain(handle)
    }

    /// Recovers from an underrun (-EPIPE) or an interrupted call (-EINTR). Returns 0 on success.
    func recover(_ err: Int32) -> Int32 { snd_pcm_recover(handle, err, 1) }

    /// Wakes a suspended device (-ESTRPIPE) with a bounded wait, unlike `snd_pcm_recover`, which can wait
    /// for ever; if the device does not resume in time it is restarted from scratch.
    func resumeAfterSuspend(maxWaitMilliseconds: Int = 1000) -> Int32 {
        var waited = 0
        while waited < maxWaitMilliseconds {
            let err = snd_pcm_resume(handle)
            if err != -EAGAIN { return err < 0 ? snd_pcm_prepare(handle) : 0 }
            usleep(50_000)
            waited += 50
        }
        return snd_pcm_prepare(handle)
    }

    var isRunning: Bool { snd_pcm_state(handle) == SND_PCM_STATE_RUNNING }

    /// Why the device cannot go on (a negative errno), or 0. A card that went away (unbound, unplugged) leaves
    /// its PCM in the DISCONNECTED state, whose descriptor polls as an error: the kernel then waits for this
    /// handle to close before it can free the card (`rmmod` of its driver blocks until then).
    func failure() -> Int32 {
        let state = snd_pcm_state(handle)
        // The hw plugin hands back a failed status query as a negative errno in the state's place.
        let raw = Int32(bitPattern: UInt32(truncatingIfNeeded: state.rawValue))
        if raw < 0 { return raw }
        switch state {
        case SND_PCM_STATE_DISCONNECTED: return -ENODEV
        case SND_PCM_STATE_XRUN: return -EPIPE
        case SND_PCM_STATE_SUSPENDED: return -ESTRPIPE
        default: return 0
        }
    }

    static func describe(_ err: Int32) -> String { String(cString: snd_strerror(err)) }
}
