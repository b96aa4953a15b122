/// The master volume and the last step of every block: the float mix, at the master gain, to the device's
/// 16-bit samples. A volume step glides over one short period, so it neither clicks nor drags.
struct MasterVolume {
    /// 0–100, as set, before the owner's cap.
    private(set) var percent: Int
    private let cap: Int
    /// The gain applied at the end of the last block, and the one the next block glides to.
    private(set) var gain: Float
    private(set) var target: Float

    init(percent: Int, cap: Int) {
        self.percent = min(max(percent, 0), 100)
        self.cap = cap
        gain = Volume.amplitude(percent: self.percent, cap: cap)
        target = gain
    }

    /// Sets a new volume, heard from the next block on.
    mutating func set(percent: Int) {
        self.percent = min(max(percent, 0), 100)
        target = Volume.amplitude(percent: self.percent, cap: cap)
    }

    var isGliding: Bool { gain != target }

    /// Converts `frames` frames of `mix` into `out`, gliding from the last gain to the target over the first
    /// `glideFrames` (one configured period, however long the block).
    mutating func convert(_ mix: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Int16>,
                          frames count: Int, channels ch: Int, glideFrames: Int) {
        let from = gain, to = target
        let glide = Float(max(1, min(count, glideFrames)))
        let gliding = from == to ? 0 : Int(glide)
        // Through raw pointers: per-sample access to arrays costs bounds and exclusivity checks.
        for f in 0 ..< gliding {
            let g = from + (to - from) * Float(f + 1) / glide
            for c in 0 ..< ch { out[f * ch + c] = Self.sample16(mix[f * ch + c] * g * 32767) }
        }
        // The steady part: one multiply, clamp and round per sample, which the compiler vectorises.
        let g = to * 32767
        let input = mix.baseAddress!, output = out.baseAddress!
        for i in gliding * ch ..< count * ch { output[i] = Self.sample16(input[i] * g) }
        gain = to
    }

    /// A float sample on the 16-bit scale, clamped and rounded to the nearest integer without a libm call:
    /// adding 1.5 × 2²³ leaves the rounded value in the low bits of the float's mantissa, so the conversion
    /// is plain arithmetic the compiler can vectorise.
    @inline(__always)
    static func sample16(_ value: Float) -> Int16 {
        let clamped = min(max(value, -32768), 32767)
        return Int16(truncatingIfNeeded: (clamped + 12_582_912).bitPattern)
    }
}
