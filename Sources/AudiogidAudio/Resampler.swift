import CSoxr

/// Sample-rate conversion of interleaved float frames through libsoxr, the resampler SoX uses.
///
/// "High quality" (20-bit, linear phase) keeps speech and music clean at a CPU cost far below decoding.
/// See https://sourceforge.net/p/soxr/code/ci/master/tree/src/soxr.h
final class Resampler {
    let channels: Int
    let ratio: Double
    private let handle: OpaquePointer

    init(from inputRate: Int, to outputRate: Int, channels: Int) throws(AudioError) {
        var ioSpec = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        var failure: soxr_error_t? = nil
        let handle = soxr_create(Double(inputRate), Double(outputRate), UInt32(channels), &failure,
                                 &ioSpec, &quality, nil)
        if let failure {
            throw AudioError(.resample, "cannot resample \(inputRate) Hz to \(outputRate) Hz: \(String(cString: failure))")
        }
        guard let handle else {
            throw AudioError(.resample, "cannot resample \(inputRate) Hz to \(outputRate) Hz")
        }
        self.handle = handle
        self.channels = channels
        self.ratio = Double(outputRate) / Double(inputRate)
    }

    deinit { soxr_delete(handle) }

    /// Converts `frames` input frames (nil input = the end: flush what the filter still holds).
    /// Returns how many input frames were consumed and output frames produced.
    func process(_ input: UnsafePointer<Float>?, frames: Int,
                 into output: UnsafeMutablePointer<Float>, capacity: Int) -> (consumed: Int, produced: Int) {
        var consumed = 0
        var produced = 0
        _ = soxr_process(handle, input, input == nil ? 0 : frames, &consumed, output, capacity, &produced)
        return (consumed, produced)
    }

    /// Forgets all history, for a seek.
    func reset() { _ = soxr_clear(handle) }
}
