import Glibc

/// What the playback thread needs of an output device: ALSA's PCM calls as `PCMDevice` makes them. The one
/// real implementation is `PCMDevice`; the device supervisor's tests script another, because the errors it
/// recovers from (an underrun, a suspend, a card unplugged) need a kernel driver this machine does not have.
///
/// Every call returns a negative errno on failure, as alsa-lib does.
protocol PCMOutput: AnyObject {
    var name: String { get }
    var sampleRate: Int { get }
    var channels: Int { get }
    var periodFrames: Int { get }
    var bufferFrames: Int { get }
    /// The device starts once this many frames are written; the first write after a press is this long.
    var startFrames: Int { get }
    /// Room (frames) at which the device reports it wants more.
    var wakeFrames: Int { get }
    /// A sound server's plugin (PulseAudio, PipeWire): plays by the server's clock, wakes its fd on every message.
    var isSoundServer: Bool { get }
    /// Queued frames can be taken back while the device runs (see `rewindQueued`).
    var rewinds: Bool { get }
    var isRunning: Bool { get }

    /// Writes interleaved frames; returns frames written or a negative errno (-EAGAIN when full).
    func write(_ samples: UnsafePointer<Int16>, frames: Int) -> Int
    /// Frames that can be written now, or a negative errno.
    func available() -> Int
    /// Frames written and not yet played, or a negative errno.
    func delay() -> Int
    /// Takes back what is queued beyond `margin` frames without stopping; returns the frames taken back.
    func rewindQueued(margin: Int) -> Int
    /// Why the last `rewindQueued` took nothing back, in words for the debug log ("" when unknown).
    var rewindRefusal: String { get }
    /// Drops what is queued and prepares the device to start again with the next write.
    func discardQueued()
    /// Stops at once, dropping what is queued; the device takes no write until `prepareAgain`.
    func stopAtOnce()
    /// Makes a stopped device ready to start again with the next write.
    func prepareAgain()
    /// Plays out what is queued, then stops.
    func drain()
    /// Recovers from an underrun (-EPIPE) or an interrupted call (-EINTR); 0 on success.
    func recover(_ err: Int32) -> Int32
    /// Wakes a suspended device (-ESTRPIPE) with a bounded wait; 0 on success.
    func resumeAfterSuspend(maxWaitMilliseconds: Int) -> Int32
    /// File descriptors to poll for room; pass the revents back to `pollEvents`.
    func pollDescriptors() -> [pollfd]
    /// Lets the device digest a poll result; returns its own revents.
    func pollEvents(_ fds: inout [pollfd]) -> Int32
    /// Why the device cannot go on, as the negative errno its next call would fail with, or 0 when it can:
    /// -ENODEV once its card is gone (a USB card unplugged, its driver unbound), -EPIPE after an underrun,
    /// -ESTRPIPE while suspended. Asked when a poll descriptor reports an error or a hang-up: a card that
    /// vanishes between writes (idle, or with the buffer full) only shows there, as no call fails.
    func failure() -> Int32
}

extension PCMDevice: PCMOutput {}

extension PCMOutput {
    var rewindRefusal: String { "" }
}
