/// Frames that go into the next blocks before anything new: the fade-out tail of a cut clip (mixed in on top
/// of what follows), or the frames a volume change took back from the device (written again first).
struct PendingFrames {
    private var samples: [Float] = []
    private var position = 0

    var isEmpty: Bool { position >= samples.count }

    mutating func set(_ frames: [Float]) {
        samples = frames
        position = 0
    }

    mutating func clear() {
        samples = []
        position = 0
    }

    /// Copies up to `frames` frames over the start of `mix`; returns how many.
    mutating func copy(into mix: UnsafeMutablePointer<Float>, frames: Int, channels: Int) -> Int {
        guard !isEmpty else { return 0 }
        let n = min(frames, (samples.count - position) / channels)
        let start = position
        samples.withUnsafeBufferPointer { mix.update(from: $0.baseAddress! + start, count: n * channels) }
        advance(by: n * channels)
        return n
    }

    /// Adds up to `frames` frames onto the start of `mix`; returns how many.
    mutating func add(into mix: UnsafeMutablePointer<Float>, frames: Int, channels: Int) -> Int {
        guard !isEmpty else { return 0 }
        let n = min(frames * channels, samples.count - position)
        let start = position
        samples.withUnsafeBufferPointer { t in
            for i in 0 ..< n { mix[i] += t[start + i] }
        }
        advance(by: n)
        return n / channels
    }

    private mutating func advance(by count: Int) {
        position += count
        if position >= samples.count { clear() }
    }
}
