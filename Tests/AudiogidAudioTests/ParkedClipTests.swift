@testable import AudiogidAudio
import CSndFile
import Foundation
import Testing

/// A prepared clip keeps only its first samples (in 16 bits), its decoder closed; reopened after a press, it must go
/// on sample for sample as if it had never been closed (the resampler's history included): the preroll within half
/// a 16-bit step, everything after it exactly.
@Suite(.timeLimit(.minutes(3))) struct ParkedClipTests {
    /// Every frame of `stream`, read a period at a time.
    func readAll(_ stream: ClipStream) throws -> [Float] {
        var all: [Float] = []
        var period = [Float](repeating: 0, count: 480 * stream.outputChannels)
        while true {
            let n = try period.withUnsafeMutableBufferPointer { buffer in
                try stream.read(into: buffer.baseAddress!, frames: 480)
            }
            if n == 0 { return all }
            all.append(contentsOf: period[0 ..< n * stream.outputChannels])
        }
    }

    func parked(_ clip: URL, prerollFrames: Int) throws -> ClipStream {
        let stream = try ClipStream(url: clip, outputRate: 48000, outputChannels: 2)
        try stream.fill(atLeast: prerollFrames)
        stream.park()
        return stream
    }

    @Test(arguments: [false, true])
    func aParkedResampledVorbisClipReadsExactlyLikeAnOpenOne(reopenedAhead: Bool) throws {
        let scratch = try Scratch()
        let clip = scratch.url("clip.ogg")
        try writeSine(clip, seconds: 1.2, rate: 22050, channels: 1, frequency: 500, amplitude: 0.4,
                      format: Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS))
        let open = try readAll(ClipStream(url: clip, outputRate: 48000, outputChannels: 2))
        let stream = try parked(clip, prerollFrames: 14400)
        #expect(stream.isParked)
        let preroll = stream.availableFrames * 2
        #expect(preroll >= 14400 * 2)
        #expect(stream.heldSamples == stream.availableFrames) // mono: one channel kept, not two
        if reopenedAhead { stream.openAhead() }
        let reopened = try readAll(stream)
        #expect(open.count > 2 * 48000)
        #expect(reopened.count == open.count)
        // The preroll: each sample within half a step of 16 bits scaled to its peak (1 here: the sine is at 0.4).
        let worst = zip(open[..<preroll], reopened[..<preroll]).map { abs($0 - $1) }.max() ?? 1
        #expect(worst <= 0.5 / 32767 + 1e-7, "largest preroll error \(worst)")
        #expect(zip(open[..<preroll], reopened[..<preroll]).contains { $0 != $1 }, "the preroll was kept in 16 bits")
        // After it, the reopened decoder's samples exactly.
        #expect(zip(open[preroll...], reopened[preroll...]).filter { $0 != $1 }.isEmpty)
        #expect(!stream.isParked)
    }

    @Test func aClipShorterThanItsPrerollIsWhollyHeldAndNeedsNoDecoder() throws {
        let scratch = try Scratch()
        let clip = scratch.url("short.wav")
        try writeSine(clip, seconds: 0.1, rate: 48000, channels: 2)
        let stream = try parked(clip, prerollFrames: 14400)
        #expect(stream.isDrained && !stream.isParked)
        #expect(try readAll(stream).count == 4800 * 2)
    }

    @Test func aParkedClipCanSeek() throws {
        let scratch = try Scratch()
        let clip = scratch.url("clip.wav")
        try writeSamples(clip, (0 ..< 48000).map { Float($0 % 1000) / 2000 }, rate: 48000, channels: 1)
        let stream = try parked(clip, prerollFrames: 4800)
        #expect(stream.isParked)
        #expect(stream.seek(toOutputFrame: 30000))
        var frame = [Float](repeating: 0, count: 2)
        _ = try frame.withUnsafeMutableBufferPointer { try stream.read(into: $0.baseAddress!, frames: 1) }
        #expect(abs(frame[0] - 0.0) < 0.001) // 30000 % 1000 == 0
        #expect(stream.position == 30001)
    }
}
