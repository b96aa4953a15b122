#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A clip converted on the fly to the output's one fixed format: decoded in small chunks, channels mapped
/// (mono to both speakers), resampled with libsoxr. Holds at most a few periods of converted audio,
/// except when prepared ahead, when it holds the clip's first few hundred milliseconds.
///
/// Used by one thread at a time: prepared on a background queue, then handed to the playback thread.
// Unchecked: it crosses from the prepare queue to the playback thread through EngineShared's lock, handed
// over whole and never shared; the compiler cannot yet see a transfer into a Mutex's value (SE-0430).
final class ClipStream: @unchecked Sendable {
    let url: URL
    let outputRate: Int
    let outputChannels: Int
    /// The clip's length in output frames as the header promises (0 when unknown).
    let expectedFrames: Int64

    private let file: SoundFile
    private let resampler: Resampler?
    private static let chunkFrames = 1024
    private var sourceChunk: [Float]
    private var mappedChunk: [Float]
    private var resampledChunk: [Float]
    /// Converted frames not yet handed out, interleaved; `pendingStart` is the first unread sample.
    private var pending: [Float] = []
    private var pendingStart = 0
    private var sourceDone = false
    /// Every converted frame has been produced (the resampler flushed too).
    private(set) var isDrained = false
    /// Output frames handed out so far.
    private(set) var position: Int64 = 0

    init(url: URL, outputRate: Int, outputChannels: Int) throws(AudioError) {
        self.url = url
        self.outputRate = outputRate
        self.outputChannels = outputChannels
        file = try SoundFile(url: url)
        resampler = file.sampleRate == outputRate
            ? nil
            : try Resampler(from: file.sampleRate, to: outputRate, channels: outputChannels)
        expectedFrames = file.frames > 0
            ? Int64((Double(file.frames) * Double(outputRate) / Double(file.sampleRate)).rounded())
            : 0
        let chunk = Self.chunkFrames
        sourceChunk = [Float](repeating: 0, count: chunk * file.channels)
        mappedChunk = [Float](repeating: 0, count: chunk * outputChannels)
        let resampledFrames = Int((Double(chunk) * Double(outputRate) / Double(file.sampleRate)).rounded(.up)) + 64
        resampledChunk = [Float](repeating: 0, count: resampledFrames * outputChannels)
        pending.reserveCapacity(4 * chunk * outputChannels)
    }

    var sourceRate: Int { file.sampleRate }
    var sourceChannels: Int { file.channels }

    /// Converted frames ready to hand out without touching the disk.
    var availableFrames: Int { (pending.count - pendingStart) / outputChannels }

    /// Decodes until at least `frames` converted frames are ready or the clip has ended.
    func fill(atLeast frames: Int) throws(AudioError) {
        while availableFrames < frames && !isDrained {
            try convertChunk()
        }
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
        let source = Int64((Double(frame) * Double(file.sampleRate) / Double(outputRate)).rounded())
        guard file.seek(toFrame: source) else { return false }
        resampler?.reset()
        pending.removeAll(keepingCapacity: true)
        pendingStart = 0
        sourceDone = false
        isDrained = false
        position = frame
        return true
    }

    private func convertChunk() throws(AudioError) {
        var got = 0
        if !sourceDone {
            got = try sourceChunk.withUnsafeMutableBufferPointer { (buffer) throws(AudioError) -> Int in
                try file.read(into: buffer.baseAddress!, frames: Self.chunkFrames)
            }
            if got == 0 { sourceDone = true }
        }
        if got > 0 { mapChannels(frames: got) }
        guard let resampler else {
            if got == 0 { isDrained = true; return }
            pending.append(contentsOf: mappedChunk[0 ..< got * outputChannels])
            return
        }
        // Feed the chunk (or, at the end, nothing: a flush) until soxr has taken it all.
        var offset = 0
        repeat {
            let capacity = resampledChunk.count / outputChannels
            let result = mappedChunk.withUnsafeBufferPointer { input in
                resampledChunk.withUnsafeMutableBufferPointer { output in
                    resampler.process(got == 0 ? nil : input.baseAddress! + offset * outputChannels,
                                      frames: got - offset, into: output.baseAddress!, capacity: capacity)
                }
            }
            offset += result.consumed
            if result.produced > 0 {
                pending.append(contentsOf: resampledChunk[0 ..< result.produced * outputChannels])
            }
            if got == 0 {
                if result.produced == 0 { isDrained = true }
                return
            }
        } while offset < got
    }

    /// Source channels → output channels: mono is copied to every speaker, stereo to a mono output is averaged,
    /// extra channels of a surround file beyond the first two are left out.
    private func mapChannels(frames: Int) {
        let inCh = file.channels
        let outCh = outputChannels
        sourceChunk.withUnsafeBufferPointer { src in
            mappedChunk.withUnsafeMutableBufferPointer { dst in
                if inCh == outCh {
                    dst.baseAddress!.update(from: src.baseAddress!, count: frames * inCh)
                } else if inCh == 1 {
                    for f in 0 ..< frames {
                        let s = src[f]
                        for c in 0 ..< outCh { dst[f * outCh + c] = s }
                    }
                } else if outCh == 1 {
                    for f in 0 ..< frames { dst[f] = 0.5 * (src[f * inCh] + src[f * inCh + 1]) }
                } else {
                    for f in 0 ..< frames {
                        for c in 0 ..< outCh { dst[f * outCh + c] = src[f * inCh + min(c, inCh - 1)] }
                    }
                }
            }
        }
    }
}
