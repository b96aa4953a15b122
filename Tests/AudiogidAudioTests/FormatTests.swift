import AudiogidAudio
import CSndFile
import Foundation
import Testing

/// Every format staff bring (WAV, FLAC, Ogg Vorbis, Opus, MP3) decodes through libsndfile and comes out at the
/// output's one format, at its own length and level.
@Suite(.timeLimit(.minutes(3))) struct FormatTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var format: Int32
        var rate: Int
        /// Lossy codecs add or trim a few frames at the edges; the output must match within this.
        var toleranceFrames: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), rate: 44100, toleranceFrames: 2),
        Case(name: "flac", format: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16), rate: 22050, toleranceFrames: 2),
        Case(name: "ogg", format: Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS), rate: 22050, toleranceFrames: 2),
        Case(name: "opus", format: Int32(SF_FORMAT_OGG | SF_FORMAT_OPUS), rate: 48000, toleranceFrames: 960),
        Case(name: "mp3", format: Int32(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III), rate: 44100, toleranceFrames: 2400),
    ]

    @Test(arguments: cases)
    func decodesAndConvertsToTheOutputFormat(_ c: Case) async throws {
        let scratch = try Scratch()
        let clip = scratch.url("clip.\(c.name)")
        try writeSine(clip, seconds: 1, rate: c.rate, channels: 1, frequency: 440, amplitude: 0.5, format: c.format)
        let output = scratch.url("out.wav")
        let engine = captureEngine(output)
        let log = EventLog(engine)
        engine.start()
        engine.play(clip, loudness: nil, token: 1)
        try await log.wait { $0.isFinished }
        await engine.shutdown()

        let rec = try Recording(output)
        #expect(abs(rec.frames - 48000) <= c.toleranceFrames)
        #expect(rec.channel(0) == rec.channel(1))
        #expect(abs(rec.peak(channel: 0, in: 12000 ..< 36000) - 0.5) < 0.03)
    }
}
