#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The working half of a `ClipStream`: the open file (libsndfile's decoder), the resampler and their chunk
/// buffers, converting a clip chunk by chunk into the output's format. It is what costs memory — a few
/// hundred kilobytes for an Ogg Vorbis decoder — so a prepared stream closes it and keeps only its samples.
// Unchecked: made on a background queue and handed to the playback thread whole, through a lock.
final class ClipDecoder: @unchecked Sendable {
    let outputChannels: Int
    let file: SoundFile
    private let resampler: Resampler?
    private static let chunkFrames = 1024
    private var sourceChunk: [Float]
    private var mappedChunk: [Float]
    private var resampledChunk: [Float]
    private var sourceDone = false
    /// Output frames this decoder has produced since the clip's start (or the last seek).
    private(set) var converted: Int64 = 0

    init(url: URL, outputRate: Int, outputChannels: Int) throws(AudioError) {
        self.outputChannels = outputChannels
        file = try SoundFile(url: url)
        resampler = file.sampleRate == outputRate
            ? nil
            : try Resampler(from: file.sampleRate, to: outputRate, channels: outputChannels)
        let chunk = Self.chunkFrames
        sourceChunk = [Float](repeating: 0, count: chunk * file.channels)
        mappedChunk = [Float](repeating: 0, count: chunk * outputChannels)
        let resampledFrames = Int((Double(chunk) * Double(outputRate) / Double(file.sampleRate)).rounded(.up)) + 64
        resampledChunk = [Float](repeating: 0, count: resampledFrames * outputChannels)
    }

    /// A decoder that continues where an earlier one of the same clip stood after `frames` output frames:
    /// it decodes the clip again from its start and drops what came before, so the samples after the seam
    /// are exactly those the earlier decoder would have produced (the resampler's history included).
    /// Frames of the last chunk past the seam go to `carry`. Decoding a few hundred milliseconds takes
    /// about a millisecond.
    static func resuming(url: URL, outputRate: Int, outputChannels: Int,
                         after frames: Int64) throws(AudioError) -> (decoder: ClipDecoder, carry: [Float], drained: Bool) {
        let decoder = try ClipDecoder(url: url, outputRate: outputRate, outputChannels: outputChannels)
        var scratch: [Float] = []
        var drained = false
        while decoder.converted <= frames && !drained {
            let before = decoder.converted
            drained = try decoder.convertChunk(appendingTo: &scratch)
            if decoder.converted <= frames { scratch.removeAll(keepingCapacity: true) }
            else {
                let skip = Int(frames - before) * outputChannels
                return (decoder, Array(scratch[skip...]), drained)
            }
        }
        return (decoder, [], drained)
    }

    /// Converts the next chunk and appends it to `pending`. True once every frame has been produced (the
    /// resampler flushed too); nothing is appended then.
    func convertChunk(appendingTo pending: inout [Float]) throws(AudioError) -> Bool {
        var got = 0
        if !sourceDone {
            got = try sourceChunk.withUnsafeMutableBufferPointer { (buffer) throws(AudioError) -> Int in
                try file.read(into: buffer.baseAddress!, frames: Self.chunkFrames)
            }
            if got == 0 { sourceDone = true }
        }
        if got > 0 { mapChannels(frames: got) }
        guard let resampler else {
            if got == 0 { return true }
            pending.append(contentsOf: mappedChunk[0 ..< got * outputChannels])
            converted += Int64(got)
            return false
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
                converted += Int64(result.produced)
            }
            if got == 0 { return result.produced == 0 }
        } while offset < got
        return false
    }

    /// Moves to source frame `frame`; the next chunk is converted from there. False when the format cannot seek.
    func seek(toSourceFrame frame: Int64, outputFrame: Int64) -> Bool {
        guard file.seek(toFrame: frame) else { return false }
        resampler?.reset()
        sourceDone = false
        converted = outputFrame
        return true
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
