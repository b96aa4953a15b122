/// How the engine drives the sound card: which ALSA PCM, the one fixed format every clip is converted to,
/// the period and buffer sizes, loudness target, fades and the owner's volume cap.
///
/// The device is opened once at this format and kept open while the engine runs (writing silence when idle),
/// so a press is never swallowed by a device wake-up and a DAC never re-clocks between clips.
public struct AudioOutputConfig: Sendable, Equatable {
    /// ALSA PCM name: `default`, `plughw:1,0`, `pulse`, or one defined in an asound.conf.
    public var device: String
    /// Output rate in Hz. If the device cannot do it, the engine adopts the rate the device offers and
    /// resamples every clip to that instead.
    public var sampleRate: Int
    /// Output channels: 1 or 2. Mono clips are copied to both speakers; stereo clips are averaged for a mono output.
    public var channels: Int
    /// Frames per ALSA period: the engine's reaction granularity. 480 frames = 10 ms at 48 kHz.
    public var periodFrames: Int
    /// Frames in the whole ALSA buffer: what a hiccup can eat before an underrun. Four periods by default.
    public var bufferFrames: Int
    /// Period used instead when the PCM turns out to be a sound server's plugin (`pulse`, `pipewire`, or
    /// `default` routed to one), with a buffer of four of them, refilled when half of it has played. There
    /// every wake-up is a round trip to the server, and since a press drops the queue rather than waiting
    /// behind it, a longer buffer costs no press latency (measured: Benchmarks/audio-benchmark.sh); the
    /// device still starts after `periodFrames`. The price: a volume change is heard after what is queued
    /// (up to the buffer, as with mpd's 0.5 s), since dropping a server's queue would leave an audible gap.
    /// 100 ms by default; nil keeps `periodFrames`.
    public var serverPeriodFrames: Int?
    /// Close the device when nothing plays (battery boxes), at the cost of a device wake-up on the next press.
    public var closeWhenIdle: Bool
    /// Every clip is played at this integrated loudness (EBU R128), in LUFS. -18 suits speech.
    public var targetLUFS: Double
    /// Normalisation never lifts a clip's true peak above this, in dBTP, so the gain never clips.
    public var truePeakLimitDBTP: Double
    /// The most normalisation may boost a quiet clip, in dB; a near-silent clip is not blown up into noise.
    public var maxBoostDB: Double
    /// The kiosk owner's cap on the master volume, 0–100. `setVolume` above it plays at the cap.
    public var maxVolume: Int
    /// Master volume at start, 0–100.
    public var initialVolume: Int
    /// Length of the ramp on every start, stop, pause and preempt, in milliseconds: long enough to avoid a click,
    /// short enough that a press still sounds at once.
    public var fadeMilliseconds: Double
    /// True for a real device or a PulseAudio sink, which consume samples at wall-clock speed.
    /// False for ALSA's `file` plugin, which accepts writes at once: then the engine writes no idle silence
    /// (it would spin) and treats everything written as heard. A device configured paced that turns out to
    /// swallow writes at once is treated so as well, as soon as it has taken more than it could have played.
    public var paced: Bool
    /// How much of each prepared clip is decoded ahead, in milliseconds, so the first periods after a press
    /// need no disk access.
    public var prerollMilliseconds: Double

    public init(device: String = "default", sampleRate: Int = 48000, channels: Int = 2,
                periodFrames: Int? = nil, bufferFrames: Int? = nil, serverPeriodMilliseconds: Double? = 100,
                closeWhenIdle: Bool = false,
                targetLUFS: Double = -18, truePeakLimitDBTP: Double = -1, maxBoostDB: Double = 20,
                maxVolume: Int = 100, initialVolume: Int = 100, fadeMilliseconds: Double = 6,
                paced: Bool = true, prerollMilliseconds: Double = 300) {
        self.device = device
        self.sampleRate = sampleRate
        self.channels = channels
        let period = periodFrames ?? max(32, sampleRate / 100)
        self.periodFrames = period
        self.bufferFrames = bufferFrames ?? period * 4
        self.serverPeriodFrames = serverPeriodMilliseconds.map { max(32, Int($0 * Double(sampleRate) / 1000)) }
        self.closeWhenIdle = closeWhenIdle
        self.targetLUFS = targetLUFS
        self.truePeakLimitDBTP = truePeakLimitDBTP
        self.maxBoostDB = maxBoostDB
        self.maxVolume = maxVolume
        self.initialVolume = initialVolume
        self.fadeMilliseconds = fadeMilliseconds
        self.paced = paced
        self.prerollMilliseconds = prerollMilliseconds
    }
}
