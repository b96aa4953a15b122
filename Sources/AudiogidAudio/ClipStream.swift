#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// A clip converted on the fly to the output's one fixed format: decoded in small chunks, channels mapped
/// (mono to both speakers), resampled with libsoxr (all in its `ClipDecoder`). Holds at most a few periods
/// of converted audio, except when prepared ahead, when it holds the clip's first few hundred milliseconds.
///
/// A prepared stream is parked: its decoder closed, only those samples kept (a tour of 60 clips would
/// otherwise hold 60 open decoders, some 20 MB). After a press, `openAhead` reopens the decoder on a
/// background queue while the preroll plays; if the playback thread needs more before that, it reopens it
/// itself.
///
/// Used by one thread at a time: prepared on a background queue, then handed to the playback thread.
// Unchecked: it crosses from the prepare queue to the playback thread through EngineShared's lock, handed
// over whole and never shared (except `handover`, which is a lock); the compiler cannot yet see a transfer
// into a Mutex's value (SE-0430).
final class ClipStream: @unchecked Sendable {
    let url: URL
    let outputRate: Int
    let outputChannels: Int
    let sourceRate: Int
    let sourceChannels: Int
    /// The clip's length in output frames as the header promises (0 when unknown).
    let expectedFrames: Int64

    /// The working decoder; nil while parked.
    private var decoder: ClipDecoder?
    /// A parked stream's way back to a decoder: where it was parked, and a decoder `openAhead` reopened there.
    private struct Handover: Sendable {
        var parkedAt: Int64?
        var reopened: (decoder: ClipDecoder, carry: [Float], drained: Bool)?
    }
    private let handover = Mutex(Handover())
    /// Converted frames not yet handed out, interleaved; `pendingStart` is the first unread sample.
    private var pending: [Float] = []
    private var pendingStart = 0
    /// A parked stream's preroll, as 16-bit samples times `parkedScale` (half the memory of floats: 1.7 MB less
    /// for a 60-stop tour, which the kiosk holds all day). A mono clip's is kept as one channel (every output
    /// channel carries the same samples). `fill` turns it back into `pending` before anything is read.
    private var parked: [Int16] = []
    private var parkedScale: Float = 1
    private var folded = false
    /// Every converted frame has been produced (the resampler flushed too).
    private(set) var isDrained = false
    /// Output frames handed out so far.
    private(set) var position: Int64 = 0

    init(url: URL, outputRate: Int, outputChannels: Int) throws(AudioError) {
        self.url = url
        self.outputRate = outputRate
        self.outputChannels = outputChannels
        let decoder = try ClipDecoder(url: url, outputRate: outputRate, outputChannels: outputChannels)
        self.decoder = decoder
        sourceRate = decoder.file.sampleRate
        sourceChannels = decoder.file.channels
        expectedFrames = decoder.file.frames > 0
            ? Int64((Double(decoder.file.frames) * Double(outputRate) / Double(sourceRate)).rounded())
            : 0
        pending.reserveCapacity(4 * 1024 * outputChannels)
    }

    /// Converted frames ready to hand out without touching the disk.
    var availableFrames: Int {
        parked.isEmpty ? (pending.count - pendingStart) / outputChannels : parked.count / (folded ? 1 : outputChannels)
    }

    /// Samples held in memory: a prepared clip's 16-bit preroll (2 bytes each), or floats (4 bytes each).
    var heldSamples: Int { parked.isEmpty ? pending.count : parked.count }

    /// Whether the decoder is closed (a prepared stream keeping only its first samples).
    var isParked: Bool { decoder == nil && !isDrained }

    /// Closes the decoder and keeps only the frames converted so far, in a buffer of just their size.
    /// Meant for a stream that has not been read yet (a prepared one).
    func park() {
        guard let decoder, position == 0, pendingStart == 0 else { return }
        // A copy at exactly its size (the decoding buffer grew by doubling, up to twice what it holds), of a mono
        // clip one channel only (the mapping copied the same sample to every speaker before resampling), in 16
        // bits scaled to the preroll's own peak: a resampler's overshoot past full scale is kept, not clipped, and
        // the rounding (at most half a step of 1/32767 of that peak, about -96 dB) is below what the 16-bit output
        // itself keeps.
        let step = sourceChannels == 1 ? outputChannels : 1, count = pending.count / step
        var peak: Float = 1
        for i in 0 ..< count { peak = max(peak, abs(pending[i * step])) }
        let toInteger = 32767 / peak
        parked = [Int16](unsafeUninitializedCapacity: count) { buffer, made in
            for i in 0 ..< count { buffer[i] = Int16((pending[i * step] * toInteger).rounded()) }
            made = count
        }
        parkedScale = peak / 32767
        pending = []
        folded = step > 1
        if !isDrained { handover.withLock { $0.parkedAt = decoder.converted } }
        self.decoder = nil
    }

    /// Reopens a parked stream's decoder where it was parked, for the playback thread to pick up. Called on a
    /// background queue after a press; does nothing if the stream is not parked or the playback thread got
    /// there first.
    func openAhead() {
        guard let parkedAt = handover.withLock({ $0.reopened == nil ? $0.parkedAt : nil }) else { return }
        guard let reopened = try? ClipDecoder.resuming(url: url, outputRate: outputRate,
                                                       outputChannels: outputChannels, after: parkedAt) else { return }
        handover.withLock { h in
            if h.parkedAt == parkedAt && h.reopened == nil { h.reopened = reopened }
        }
    }

    /// Decodes until at least `frames` converted frames are ready or the clip has ended.
    func fill(atLeast frames: Int) throws(AudioError) {
        if !parked.isEmpty { restoreParked() }
        while availableFrames < frames && !isDrained {
            if decoder == nil { try unpark() }
            guard let decoder else { return }
            if try decoder.convertChunk(appendingTo: &pending) { isDrained = true }
        }
    }

    /// The parked preroll back as floats in `pending`, a folded mono one spread over every output channel.
    private func restoreParked() {
        let kept = parked, channels = folded ? outputChannels : 1, scale = parkedScale
        pending = [Float](unsafeUninitializedCapacity: kept.count * channels) { buffer, count in
            for (i, sample) in kept.enumerated() {
                let value = Float(sample) * scale
                for c in 0 ..< channels { buffer[i * channels + c] = value }
            }
            count = kept.count * channels
        }
        pendingStart = 0
        parked = []
        folded = false
    }

    /// The decoder back: the one `openAhead` made, or one opened here and now.
    private func unpark() throws(AudioError) {
        let (parkedAt, ready) = handover.withLock { h in
            defer { h = Handover() }
            return (h.parkedAt, h.reopened)
        }
        guard let parkedAt else { isDrained = true; return }
        let reopened: (decoder: ClipDecoder, carry: [Float], drained: Bool)
        if let ready { reopened = ready } else {
            reopened = try ClipDecoder.resuming(url: url, outputRate: outputRate,
                                                outputChannels: outputChannels, after: parkedAt)
        }
        decoder = reopened.decoder
        pending.append(contentsOf: reopened.carry)
        isDrained = reopened.drained
    }

    /// Copies up to `frames` frames into `out` (interleaved, output format); fewer only at the end of the clip.
    func read(into out: UnsafeMutablePointer<Float>, frames: Int) throws(AudioError) -> Int {
        try fill(atLeast: frames)
        let n = min(frames, availableFrames)
        let samples = n * outputChannels
        pending.withUnsafeBufferPointer { buffer in
            out.update(from: buffer.baseAddress! + pendingStart, count: samples)
        }
        pendingStart += samples
        if pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
        } else if pendingStart >= 1 << 14 {
            // A fade's worth is always kept ahead, so the buffer rarely empties: compact it instead of growing.
            pending.removeSubrange(0 ..< pendingStart)
            pendingStart = 0
        }
        position += Int64(n)
        return n
    }

    /// Moves to output frame `frame` (to resume a pause where the listener left off). False when the format
    /// cannot seek; then playing simply continues from where decoding was.
    func seek(toOutputFrame frame: Int64) -> Bool {
        if decoder == nil {
            guard (try? unpark()) != nil, decoder != nil else { return false }
        }
        guard let decoder else { return false }
        let source = Int64((Double(frame) * Double(sourceRate) / Double(outputRate)).rounded())
        guard decoder.seek(toSourceFrame: source, outputFrame: frame) else { return false }
        pending.removeAll(keepingCapacity: true)
        pendingStart = 0
        parked = []
        folded = false
        isDrained = false
        position = frame
        return true
    }
}
