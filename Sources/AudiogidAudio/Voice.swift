import Glibc

/// One clip being played: its converted stream, its loudness gain, and where its fades are.
final class Voice {
    let token: UInt64
    let stream: ClipStream
    /// Loudness normalisation as a linear factor.
    let gain: Float
    /// When the press entered the engine (monotonic ns), to measure how fast it was heard.
    let requestedAt: UInt64
    private let ramp: FadeRamp
    /// Frames into the current fade-in (after a start or a resume).
    private var fadeInPosition = 0
    var started = false
    var paused = false
    /// The clip has no frames left to render.
    var ended = false
    /// Output frames written since its first frame (or since the last resume), to tell what of the device's
    /// queue belongs to this clip.
    var writtenSinceStart: Int64 = 0
    /// Global frame index (engine output count) after this clip's last frame, once it has ended.
    var endsAt: Int64?

    init(token: UInt64, stream: ClipStream, gain: Float, requestedAt: UInt64, ramp: FadeRamp) {
        self.token = token
        self.stream = stream
        self.gain = gain
        self.requestedAt = requestedAt
        self.ramp = ramp
    }

    /// Writes up to `frames` frames of the clip into `mix` with gain, fade-in and, at the clip's natural end,
    /// fade-out. Returns frames rendered (fewer only at the end).
    func render(into mix: UnsafeMutablePointer<Float>, frames: Int, channels: Int) throws(AudioError) -> Int {
        try stream.fill(atLeast: frames + ramp.frames)
        let endKnown = stream.isDrained
        let remainingBefore = stream.availableFrames
        let got = try stream.read(into: mix, frames: frames)
        // Fades touch only the first and last few milliseconds; everything between is one multiply per sample,
        // in a loop the compiler vectorises.
        let fadeEnd = endKnown ? max(0, remainingBefore - ramp.frames) : Int.max
        let fadingIn = min(got, max(0, ramp.frames - fadeInPosition))
        let steadyEnd = min(got, max(fadingIn, fadeEnd))
        for f in 0 ..< fadingIn {
            scale(mix + f * channels, channels, by: gain * ramp.up(fadeInPosition + f) * fadeOut(f, fadeEnd, remainingBefore))
        }
        fadeInPosition += fadingIn
        if gain != 1, steadyEnd > fadingIn {
            scale(mix + fadingIn * channels, (steadyEnd - fadingIn) * channels, by: gain)
        }
        for f in steadyEnd ..< got {
            scale(mix + f * channels, channels, by: gain * fadeOut(f, fadeEnd, remainingBefore))
        }
        if got < frames || (endKnown && stream.availableFrames == 0) { ended = true }
        return got
    }

    /// The fade-out gain of frame `f` of this block: 1 before `fadeEnd`, then down to 0 at the clip's last frame.
    private func fadeOut(_ f: Int, _ fadeEnd: Int, _ remaining: Int) -> Float {
        f < fadeEnd ? 1 : ramp.up(remaining - f - 1)
    }

    private func scale(_ samples: UnsafeMutablePointer<Float>, _ count: Int, by g: Float) {
        for i in 0 ..< count { samples[i] *= g }
    }

    /// Starts a fresh fade-in (after a resume).
    func restartFadeIn() { fadeInPosition = 0 }

    /// Renders `frames` more frames of the clip with gain but no fades, for the tail of a cut.
    func renderRaw(into out: UnsafeMutablePointer<Float>, frames: Int, channels: Int) -> Int {
        guard !ended, let got = try? stream.read(into: out, frames: frames) else { return 0 }
        for i in 0 ..< got * channels { out[i] *= gain }
        return got
    }
}

/// A short raised-cosine ramp: smoother in spectrum than a linear one of the same length, so a cut is
/// heard as a quick fade, not a click.
struct FadeRamp {
    let frames: Int
    private let table: [Float]

    init(milliseconds: Double, sampleRate: Int) {
        frames = max(1, Int((milliseconds * Double(sampleRate) / 1000).rounded()))
        let n = frames
        table = (0 ..< n).map { i in
            let x = Double(i + 1) / Double(n + 1)
            return Float(0.5 - 0.5 * cos(Double.pi * x))
        }
    }

    /// Gain at `index` frames into a fade-in (1 past the end).
    func up(_ index: Int) -> Float { index < 0 ? 0 : (index < frames ? table[index] : 1) }
    /// Gain at `index` frames into a fade-out.
    func down(_ index: Int) -> Float { up(frames - 1 - index) }
}
