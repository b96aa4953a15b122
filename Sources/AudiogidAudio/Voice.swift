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

    /// Adds up to `frames` frames of the clip into `mix` with gain, fade-in and, at the clip's natural end,
    /// fade-out. Returns frames rendered (fewer only at the end).
    func render(into mix: UnsafeMutablePointer<Float>, frames: Int, channels: Int) throws(AudioError) -> Int {
        try stream.fill(atLeast: frames + ramp.frames)
        let endKnown = stream.isDrained
        let remainingBefore = stream.availableFrames
        let got = try stream.read(into: mix, frames: frames)
        // Fades touch only the first and last few milliseconds; everything between is one multiply.
        let fadeEnd = endKnown ? max(0, remainingBefore - ramp.frames) : Int.max
        for f in 0 ..< got {
            var g = gain
            if fadeInPosition < ramp.frames {
                g *= ramp.up(fadeInPosition)
                fadeInPosition += 1
            }
            if f >= fadeEnd {
                let left = remainingBefore - f - 1 // frames that follow this one
                g *= ramp.up(left)
            }
            if g != 1 { for c in 0 ..< channels { mix[f * channels + c] *= g } }
        }
        if got < frames || (endKnown && stream.availableFrames == 0) { ended = true }
        return got
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
