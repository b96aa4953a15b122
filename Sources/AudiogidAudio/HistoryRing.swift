/// The last frames written to the device (before master volume), so a cut can fade out exactly what the
/// device was about to play instead of jumping to a later part of the waveform, and a volume change can
/// write again what it took back. Holds two device buffers' worth.
struct HistoryRing {
    private var samples: [Float]
    private let channels: Int
    /// Where the next frame written goes, in frames.
    private var end = 0
    /// Frames held (at most the ring's size).
    private(set) var filled = 0

    init(frames: Int, channels: Int) {
        self.channels = channels
        samples = [Float](repeating: 0, count: max(1, frames) * channels)
    }

    private var capacity: Int { samples.count / channels }

    /// Keeps the first `frames` frames of `mix`, the block just written.
    mutating func remember(_ mix: UnsafeBufferPointer<Float>, frames: Int) {
        let capacity = self.capacity, channels = self.channels
        var copied = 0
        samples.withUnsafeMutableBufferPointer { h in
            while copied < frames {
                let n = min(frames - copied, capacity - end)
                (h.baseAddress! + end * channels).update(from: mix.baseAddress! + copied * channels, count: n * channels)
                end = (end + n) % capacity
                copied += n
            }
        }
        filled = min(capacity, filled + frames)
    }

    /// Steps back over `frames` that will not be played, so the ring holds only what the device still has or
    /// played. The frames stay readable (`copyForgotten`) until the next `remember`; returns how many it had.
    mutating func forget(_ frames: Int) -> Int {
        let taken = min(frames, filled)
        end = (end - taken + capacity) % capacity
        filled -= taken
        return taken
    }

    /// Copies the first `frames` of the frames just forgotten into `out`.
    func copyForgotten(frames: Int, into out: UnsafeMutablePointer<Float>) {
        let capacity = self.capacity, channels = self.channels
        samples.withUnsafeBufferPointer { h in
            for f in 0 ..< frames {
                let from = ((end + f) % capacity) * channels
                for c in 0 ..< channels { out[f * channels + c] = h[from + c] }
            }
        }
    }

    /// Forgets everything (the device was lost: nothing of it will be played).
    mutating func clear() { filled = 0 }
}
