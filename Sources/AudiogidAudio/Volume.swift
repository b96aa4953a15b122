/// Master volume on a perceptual scale: equal steps of the 0–100 knob sound like equal steps of loudness.
///
/// The cubic curve PulseAudio uses for its software volume: 50 % is about -18 dB, 10 % about -60 dB,
/// 0 is silence, which matches how ears hear far better than a linear amplitude slider.
enum Volume {
    static func amplitude(percent: Int, cap: Int) -> Float {
        let v = Float(min(max(percent, 0), max(0, min(cap, 100)))) / 100
        return v * v * v
    }
}
