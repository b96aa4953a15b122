#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import Logging
import Synchronization
import Dispatch

/// The playback thread: owns the device, the playing clip and every buffer, and is the only code that
/// touches them. It sleeps in `poll` on the device (on a sound server, on a timer until the next refill)
/// and on the command pipe, so a press is acted on at once, and keeps the device fed (with silence when
/// idle, on a paced device) so the next clip starts without a device wake-up.
final class Playback: @unchecked Sendable {
    private let config: AudioOutputConfig
    private let logger: Logger
    private let inbox: Inbox
    private let shared: EngineShared

    private var device: PCMDevice?
    /// On a sound server, a second stream, prepared and silent, which the next press starts at once. Stopping
    /// and re-preparing the playing stream costs several round trips to the server (about 0.8 ms), so that
    /// happens to the old stream on a background queue, after which it becomes the standby.
    private var standby: PCMDevice?
    /// The stream a press switched away from, to be retired after the new stream's first write.
    private var stopping: PCMDevice?
    private let retired = RetiredStream()
    /// Counts device openings, so a stream retired before the device was lost or closed is not taken back.
    private var deviceGeneration = 0
    private var rate: Int
    private var channels: Int
    private var period: Int
    private var ramp: FadeRamp

    private var voice: Voice?
    /// Queued frames dropped for a volume change, to be written again before anything new.
    private var replay: [Float] = []
    private var replayPosition = 0
    private var volumeChanged = false
    /// A cut clip's last few milliseconds, already faded out, mixed into the next frames written.
    private var tail: [Float] = []
    private var tailPosition = 0

    /// The last frames written (before master volume), so a cut can fade out exactly what the device
    /// was about to play instead of jumping to a later part of the waveform.
    private var history: [Float] = []
    private var historyEnd = 0
    private var historyFilled = 0

    private var mix: [Float] = []
    private var pcm: [Int16] = []
    /// Frames written that are or will be heard (frames thrown away by a cut are taken off again).
    private var written: Int64 = 0
    private var underruns = 0
    private var volumePercent: Int
    private var masterGain: Float
    private var targetGain: Float
    private var lastStartLatency: Double?

    /// Whether the device plays at its rate: as configured, until the device shows it swallows writes at once.
    private var paced: Bool
    private var pace: PaceWatch

    private var deviceDown = false
    private var nextOpenAttempt: UInt64 = 0
    private var retryDelayMilliseconds = 0
    private var idleSince: UInt64?
    private var shuttingDown = false

    init(config: AudioOutputConfig, logger: Logger, inbox: Inbox, shared: EngineShared) {
        self.config = config
        self.logger = logger
        self.inbox = inbox
        self.shared = shared
        rate = config.sampleRate
        channels = config.channels
        period = config.periodFrames
        ramp = FadeRamp(milliseconds: config.fadeMilliseconds, sampleRate: config.sampleRate)
        volumePercent = min(max(config.initialVolume, 0), 100)
        masterGain = Volume.amplitude(percent: volumePercent, cap: config.maxVolume)
        targetGain = masterGain
        paced = config.paced
        pace = PaceWatch(rate: config.sampleRate, bufferFrames: config.bufferFrames, periodFrames: config.periodFrames)
        resizeBuffers()
    }

    // MARK: The loop

    func run() {
        while true {
            for command in inbox.take() { apply(command) }
            if shuttingDown { break }
            openDeviceIfDue()
            guard let device else {
                inbox.wait(timeoutMilliseconds: millisecondsUntilNextOpen())
                continue
            }
            if paced {
                feedPaced(device)
                if !paced { continue } // It turned out to swallow writes at once (see `PaceWatch`).
                if let stopping {
                    self.stopping = nil
                    retire(stopping)
                }
                settle()
                if device.isSoundServer && device.isRunning {
                    // A sound server plays by its own wall clock, and its plugin's poll descriptor wakes on every
                    // message from the server (several times per refill). Sleeping until the queue is down to the
                    // refill mark instead costs one wake-up per refill (measured: Benchmarks/audio-benchmark.sh).
                    inbox.wait(timeoutMilliseconds: min(pacedWaitMilliseconds(), serverRefillMilliseconds(device)))
                    continue
                }
                // Sleep until the device has room (or a command comes). A plugin such as PulseAudio's wakes its
                // poll fd more often than it has room; those wake-ups are ignored here without touching the device.
                var spurious = 0
                while let device = self.device {
                    var fds = device.pollDescriptors()
                    let command = inbox.wait(also: &fds, timeoutMilliseconds: pacedWaitMilliseconds())
                    if command || fds.isEmpty { break }
                    let revents = device.pollEvents(&fds)
                    // Only a running device's extra wake-ups are ignored, and only so many in a row: a plugin
                    // whose server died keeps its fd readable and reports nothing (the feed then finds out).
                    spurious += 1
                    guard device.isRunning, spurious < 64 else { break }
                    if revents == 0 && fds.contains(where: { $0.revents != 0 }) { continue }
                    break
                }
            } else if hasSound {
                writeUnpaced(device)
                settle()
            } else {
                settle()
                inbox.wait(timeoutMilliseconds: millisecondsUntilIdleClose())
            }
        }
        finishShutdown()
    }

    private var hasSound: Bool {
        if tailPosition < tail.count { return true }
        guard let voice else { return false }
        return !voice.paused && !voice.ended
    }

    // MARK: Commands

    private func apply(_ command: EngineCommand) {
        switch command {
        case let .play(url, loudness, token, requestedAt):
            cut(reason: .interrupted)
            start(url: url, loudness: loudness, token: token, requestedAt: requestedAt)
        case .stop:
            cut(reason: .interrupted)
        case .pause:
            guard let voice, !voice.paused, !voice.ended else { return }
            let heard = cutPosition(of: voice)
            voice.paused = true
            // Resume where the listener stopped hearing it (the fade-out tail covered the next few ms).
            let resumeAt = heard + Int64(ramp.frames)
            if voice.stream.position != resumeAt { _ = voice.stream.seek(toOutputFrame: resumeAt) }
        case .resume:
            guard let voice, voice.paused else { return }
            voice.paused = false
            voice.writtenSinceStart = 0
            voice.restartFadeIn()
        case let .volume(percent):
            volumePercent = min(max(percent, 0), 100)
            targetGain = Volume.amplitude(percent: volumePercent, cap: config.maxVolume)
            // Applied at the next feed, after every command of this batch: a press in the same batch has
            // dropped the queue already, and then there is nothing to write again.
            volumeChanged = true
        case .shutdown:
            shuttingDown = true
        }
    }

    private enum CutReason { case interrupted }

    /// A volume change is heard at once, not after the queued buffer (up to 400 ms on a sound server): the queue
    /// is dropped and written again from the engine's copy of it, gliding to the new volume.
    private func requeueAtNewVolume() {
        // Only where the queue can be taken back seamlessly: dropping a sound server's queue leaves a gap.
        guard paced, let device, device.isRunning, device.rewinds, masterGain != targetGain,
              replayPosition >= replay.count else { return }
        let unheard = takeBackQueued(device)
        guard unheard > 0 else { return }
        let historyFrames = history.count / channels
        let first = historyEnd
        replay = [Float](repeating: 0, count: unheard * channels)
        for f in 0 ..< unheard {
            let h = ((first + f) % historyFrames) * channels
            for c in 0 ..< channels { replay[f * channels + c] = history[h + c] }
        }
        replayPosition = 0
    }

    /// Ends the current clip: drops what the device has queued and fades out from the frame the listener
    /// is hearing now. Emits `.interrupted` for the clip. With no clip playing it still drops the queue
    /// (idle silence, or a fade-out already under way, which is carried over), so what comes next is heard
    /// at once rather than after a buffer of silence.
    private func cut(reason: CutReason) {
        guard let voice else {
            _ = flushQueue(continuing: nil)
            return
        }
        self.voice = nil
        let heard = voice.paused ? voice.stream.position : cutPosition(of: voice)
        shared.emit(.interrupted(token: voice.token, secondsHeard: Double(max(heard, 0)) / Double(rate)))
    }

    /// Drops the device's queue and turns what it held (and, if that is shorter than a fade, fresh frames of
    /// `voice`) into the fade-out tail. Returns the frames dropped and how many of the tail came from them.
    private func flushQueue(continuing voice: Voice?) -> (unheard: Int, fromHistory: Int) {
        var unheard = 0
        if paced, let device, device.isRunning {
            unheard = takeBackQueued(device)
        }
        let fade = ramp.frames
        let fromHistory = min(unheard, fade)
        guard fromHistory > 0 || voice != nil else { return (unheard, 0) }
        var newTail = [Float](repeating: 0, count: fade * channels)
        // First what was queued and never heard (it holds the sound as it was mixed), then, if the queue
        // was shorter than the fade, fresh frames of the clip itself.
        if fromHistory > 0 {
            let historyFrames = history.count / channels
            let first = historyEnd
            for f in 0 ..< fromHistory {
                let h = ((first + f) % historyFrames) * channels
                for c in 0 ..< channels { newTail[f * channels + c] = history[h + c] }
            }
        }
        if let voice, fromHistory < fade, !voice.paused {
            newTail.withUnsafeMutableBufferPointer { buffer in
                _ = voice.renderRaw(into: buffer.baseAddress! + fromHistory * channels,
                                    frames: fade - fromHistory, channels: channels)
            }
        }
        for f in 0 ..< fade {
            let g = ramp.down(f)
            for c in 0 ..< channels { newTail[f * channels + c] *= g }
        }
        tail = newTail
        tailPosition = 0
        return (unheard, fromHistory)
    }

    /// Takes back what the device has queued and not played, and returns how much of it the engine's copy
    /// holds (what a fade-out can continue from). A device that can rewind keeps running and the next write
    /// follows on without a gap; otherwise the queue is dropped (a sound server then plays a gap of a
    /// millisecond or so before the next write).
    private func takeBackQueued(_ device: PCMDevice) -> Int {
        // Whichever says more is queued: a PulseAudio stream that has not reported its timing yet (right
        // after opening) answers delay 0 with a full buffer, and the press would wait behind it.
        let room = device.available()
        let queued = max(device.delay(), room >= 0 ? device.bufferFrames - room : 0)
        guard queued > 0 else { return 0 }
        pace.restart(at: monotonicNanoseconds()) // The device may take a whole buffer again.
        if device.rewinds {
            let rewound = device.rewindQueued(margin: max(64, rate / 500))
            if rewound > 0 {
                written -= Int64(rewound)
                return forgetHistory(rewound)
            }
        }
        if device.isSoundServer, let next = takeStandby() {
            // The old stream is stopped once the new one has its first frames: the press is not kept waiting
            // for the server, and the old sound runs on a fraction of a millisecond rather than leaving a gap.
            stopping = device
            self.device = next
        } else {
            device.discardQueued()
        }
        written -= Int64(queued)
        return forgetHistory(queued)
    }

    /// The prepared standby stream, if there is one (or the retired stream is back already).
    private func takeStandby() -> PCMDevice? {
        let next = standby ?? retired.take(generation: deviceGeneration)
        standby = nil
        return next
    }

    /// Stops `device` and prepares it again on the retire queue, off the press's path; it comes back as the standby.
    private func retire(_ device: PCMDevice) {
        let handoff = RetiredStream.Handoff(device: device, generation: deviceGeneration)
        let slot = retired
        Self.retireQueue.async {
            handoff.device.discardQueued()
            slot.put(handoff)
        }
    }

    private static let retireQueue = DispatchQueue(label: "audiogid.audio.retire", qos: .userInitiated)

    /// Forgets the device and its standby (lost, closed while idle, or shutting down).
    private func closeDevice() {
        device = nil
        stopping = nil
        standby = nil
        deviceGeneration += 1
        _ = retired.take(generation: deviceGeneration)
    }

    /// Steps the engine's copy back over `frames` that will not be played, so it holds only what the device
    /// still has or played. The frames stay readable right after `historyEnd` until the next write; returns
    /// how many of them it had.
    private func forgetHistory(_ frames: Int) -> Int {
        let taken = min(frames, historyFilled)
        let historyFrames = history.count / channels
        historyEnd = (historyEnd - taken + historyFrames) % historyFrames
        historyFilled -= taken
        return taken
    }

    /// Cuts `voice` (see `flushQueue`) and returns the clip position (output frames) the listener had reached.
    private func cutPosition(of voice: Voice) -> Int64 {
        guard voice.started else { return 0 } // Nothing of it reached the device: nothing to fade.
        let (unheard, fromHistory) = flushQueue(continuing: voice)
        let fade = ramp.frames
        let queuedOfVoice = Int64(min(unheard, Int(min(voice.writtenSinceStart, Int64(Int.max)))))
        if let endsAt = voice.endsAt {
            let afterEnd = max(0, Int(written + Int64(unheard) - endsAt))
            return voice.stream.position - Int64(max(0, unheard - afterEnd)) - Int64(fade - fromHistory)
        }
        return voice.stream.position - queuedOfVoice - Int64(fade - fromHistory)
    }

    private func start(url: URL, loudness: LoudnessInfo?, token: UInt64, requestedAt: UInt64) {
        let stream: ClipStream
        do throws(AudioError) {
            if let prepared = shared.takePrepared(url, rate: rate, channels: channels) {
                stream = prepared
            } else {
                stream = try ClipStream(url: url, outputRate: rate, outputChannels: channels)
            }
            try stream.fill(atLeast: period + ramp.frames)
            if stream.availableFrames == 0 {
                throw AudioError(.decode, "clip \(url.path) holds no audio")
            }
        } catch {
            logger.error("cannot play clip", metadata: ["clip": "\(url.path)", "error": "\(error.message)"])
            shared.emit(.failed(token: token, message: error.message))
            return
        }
        let played = loudness.map {
            Loudness.asPlayed($0, sourceChannels: stream.sourceChannels, outputChannels: channels)
        }
        let gainDB = Loudness.gainDB(for: played, targetLUFS: config.targetLUFS,
                                     truePeakLimitDBTP: config.truePeakLimitDBTP, maxBoostDB: config.maxBoostDB)
        voice = Voice(token: token, stream: stream, gain: Float(Loudness.amplitude(dB: gainDB)),
                      requestedAt: requestedAt, ramp: ramp)
        idleSince = nil
    }

    // MARK: Writing

    /// Fills the paced device up to its buffer: the clip, a fading tail, or silence.
    private func feedPaced(_ device: PCMDevice) {
        if volumeChanged {
            volumeChanged = false
            requeueAtNewVolume()
        }
        while self.device === device && paced {
            let room = device.available()
            if room < 0 {
                handleDeviceError(Int32(room), device)
                continue
            }
            roomAfterFeed = room
            if room < (device.isRunning ? period : device.startFrames) { return }
            // A short block right after a press (its first sound goes out at once), otherwise all the room there
            // is: fewer, larger writes cost less CPU than many small ones.
            let starting = voice.map { !$0.started } ?? false
            let frames = starting || !device.isRunning ? device.startFrames : room
            writeBlock(device, frames: min(frames, mix.count / channels), pad: true)
        }
    }

    /// How long the paced loop may sleep: until the device wants more, or, once a clip's last frame is queued,
    /// until it has played, so `.finished` is not late by a whole buffer.
    private func pacedWaitMilliseconds() -> Int32 {
        if let voice, let endsAt = voice.endsAt {
            let left = endsAt - (written - Int64(lastQueued))
            return Int32(max(1, min(Int64(2 * bufferMilliseconds), left * 1000 / Int64(rate) + 1)))
        }
        return Int32(max(20, 2 * bufferMilliseconds))
    }

    /// How long until a running sound server's stream has played down to the refill mark, from the room it
    /// had after the last feed (at least 1 ms: a wake-up a little early finds too little room and sleeps again).
    private func serverRefillMilliseconds(_ device: PCMDevice) -> Int32 {
        let frames = max(0, device.wakeFrames - roomAfterFeed)
        return Int32(max(1, frames * 1000 / rate))
    }

    private var lastQueued = 0

    /// Room the device had after the last feed; what it holds queued is the rest of its buffer.
    private var roomAfterFeed = 0
    private var bufferMilliseconds: Int { (device?.bufferFrames ?? config.bufferFrames) * 1000 / rate }

    private func writeUnpaced(_ device: PCMDevice) {
        writeBlock(device, frames: period, pad: false)
    }

    /// Renders and writes one block. `pad`: write the full block (silence after a clip's end), as a paced
    /// device needs; otherwise only the frames that carry sound.
    private func writeBlock(_ device: PCMDevice, frames: Int, pad: Bool) {
        let samples = frames * channels
        mix.withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: samples) }
        var soundFrames = 0
        var startedNow: Voice?
        // Frames dropped for a volume change go out again first; the clip continues after them.
        var replayed = 0
        if replayPosition < replay.count {
            replayed = min(frames, (replay.count - replayPosition) / channels)
            let start = replayPosition
            mix.withUnsafeMutableBufferPointer { m in replay.withUnsafeBufferPointer { r in
                m.baseAddress!.update(from: r.baseAddress! + start, count: replayed * channels)
            } }
            replayPosition += replayed * channels
            if replayPosition >= replay.count { replay = []; replayPosition = 0 }
            soundFrames = replayed
        }
        if let voice, !voice.paused, !voice.ended, replayed < frames {
            do {
                let offset = replayed * channels
                let got = try mix.withUnsafeMutableBufferPointer { (b) throws(AudioError) -> Int in
                    try voice.render(into: b.baseAddress! + offset, frames: frames - replayed, channels: channels)
                }
                soundFrames = replayed + got
                if got > 0 && !voice.started {
                    voice.started = true
                    startedNow = voice
                }
                voice.writtenSinceStart += Int64(got)
                if voice.ended { voice.endsAt = written + Int64(replayed + got) }
            } catch {
                logger.error("clip failed while playing", metadata: ["clip": "\(voice.stream.url.path)",
                                                                    "error": "\(error.message)"])
                voice.ended = true
                voice.endsAt = written
            }
        }
        if tailPosition < tail.count {
            let n = min(samples, tail.count - tailPosition)
            let start = tailPosition
            mix.withUnsafeMutableBufferPointer { m in tail.withUnsafeBufferPointer { t in
                for i in 0 ..< n { m[i] += t[start + i] }
            } }
            tailPosition += n
            soundFrames = max(soundFrames, n / channels)
            if tailPosition >= tail.count { tail.removeAll(); tailPosition = 0 }
        }
        let count = pad ? frames : soundFrames
        guard count > 0 else { return }
        remember(frames: count)
        // Master volume glides to its target over one short period (however long this block), so a volume
        // step neither clicks nor drags.
        let from = masterGain, to = targetGain
        let glide = Float(max(1, min(count, config.periodFrames)))
        let ch = channels
        // Through raw pointers: per-sample access to the class's arrays costs bounds and exclusivity checks.
        mix.withUnsafeBufferPointer { m in
            pcm.withUnsafeMutableBufferPointer { out in
                let gliding = from == to ? 0 : Int(glide)
                for f in 0 ..< gliding {
                    let g = from + (to - from) * Float(f + 1) / glide
                    for c in 0 ..< ch { out[f * ch + c] = Self.sample16(m[f * ch + c] * g * 32767) }
                }
                // The steady part: one multiply, clamp and round per sample, which the compiler vectorises.
                let g = to * 32767
                let input = m.baseAddress!, output = out.baseAddress!
                for i in gliding * ch ..< count * ch { output[i] = Self.sample16(input[i] * g) }
            }
        }
        masterGain = to
        var offset = 0
        // A stopped device takes a whole buffer at once when it starts again: the pace is watched afresh.
        if paced && !device.isRunning { pace.restart(at: monotonicNanoseconds()) }
        while offset < count, self.device === device {
            let result = pcm.withUnsafeBufferPointer { device.write($0.baseAddress! + offset * channels, frames: count - offset) }
            if result >= 0 {
                offset += result
                written += Int64(result)
                if paced && pace.accept(result, at: monotonicNanoseconds()) { stopPacing() }
            } else if result == -Int(EAGAIN) {
                var fds = device.pollDescriptors()
                if fds.isEmpty { inbox.wait(timeoutMilliseconds: 5) } else {
                    let r = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), 50) }
                    if r > 0 { _ = device.pollEvents(&fds) }
                }
            } else {
                handleDeviceError(Int32(result), device)
            }
        }
        if let startedNow, self.device === device {
            // The clip's first frames are in the device now: the engine's share of press-to-sound latency.
            lastStartLatency = Double(monotonicNanoseconds() &- startedNow.requestedAt) / 1e9
            shared.emit(.started(token: startedNow.token))
        }
    }

    /// The device took more than it could have played (see `PaceWatch`): from now on only sound is written
    /// and what is written counts as heard, as with a device configured unpaced.
    private func stopPacing() {
        paced = false
        logger.notice("audio device takes samples faster than it plays them (a file or null sink); writing only clips",
                      metadata: ["device": "\(config.device)"])
    }

    /// A float sample on the 16-bit scale, clamped and rounded to the nearest integer without a libm call:
    /// adding 1.5 × 2²³ leaves the rounded value in the low bits of the float's mantissa, so the conversion
    /// is plain arithmetic the compiler can vectorise.
    @inline(__always)
    private static func sample16(_ value: Float) -> Int16 {
        let clamped = min(max(value, -32768), 32767)
        return Int16(truncatingIfNeeded: (clamped + 12_582_912).bitPattern)
    }

    private func remember(frames: Int) {
        let historyFrames = history.count / channels
        var copied = 0
        history.withUnsafeMutableBufferPointer { h in
            mix.withUnsafeBufferPointer { m in
                while copied < frames {
                    let n = min(frames - copied, historyFrames - historyEnd)
                    (h.baseAddress! + historyEnd * channels).update(from: m.baseAddress! + copied * channels, count: n * channels)
                    historyEnd = (historyEnd + n) % historyFrames
                    copied += n
                }
            }
        }
        historyFilled = min(historyFrames, historyFilled + frames)
    }

    /// Finished clips, status, and closing an idle device when configured to.
    private func settle() {
        var queued = 0
        if paced, let device {
            // Exact when a clip's end must be told apart; otherwise the estimate from the last feed will do,
            // and spares a plugin round trip (PulseAudio's) every period.
            queued = voice?.endsAt != nil ? max(0, device.delay()) : max(0, device.bufferFrames - roomAfterFeed)
        }
        lastQueued = queued
        let played = written - Int64(queued)
        if let voice, let endsAt = voice.endsAt, played >= endsAt || device == nil && !paced {
            self.voice = nil
            shared.emit(.finished(token: voice.token, secondsHeard: Double(voice.stream.position) / Double(rate)))
        }
        let now = monotonicNanoseconds()
        if voice == nil && tailPosition >= tail.count {
            if idleSince == nil { idleSince = now }
        } else {
            idleSince = nil
        }
        if config.closeWhenIdle, let idleSince, let device, now - idleSince >= Self.idleCloseNanoseconds {
            if paced { device.drain() }
            closeDevice()
            logger.debug("audio device closed while idle", metadata: ["device": "\(config.device)"])
        }
        publishStatus(queued: queued)
    }

    /// How long an idle, unpaced loop may sleep: until the idle device is due to close, or for ever.
    private func millisecondsUntilIdleClose() -> Int32 {
        guard config.closeWhenIdle, device != nil, let idleSince else { return -1 }
        let due = idleSince + Self.idleCloseNanoseconds
        let now = monotonicNanoseconds()
        return due > now ? Int32((due - now) / 1_000_000 + 1) : 0
    }

    /// Idle time before `closeWhenIdle` closes the device: presses in quick succession keep it open.
    private static let idleCloseNanoseconds: UInt64 = 500_000_000

    private func publishStatus(queued: Int) {
        var position = 0.0
        if let voice {
            let heard = voice.paused ? voice.stream.position
                : voice.stream.position - Int64(min(Int64(queued), voice.writtenSinceStart))
            position = Double(max(heard, 0)) / Double(rate)
        }
        let status = AudioStatus(deviceOpen: device != nil, device: config.device, sampleRate: rate, channels: channels,
                                 underruns: underruns, playing: voice?.token, paused: voice?.paused ?? false,
                                 position: position, volume: volumePercent, lastStartLatency: lastStartLatency)
        shared.publish(status)
    }

    // MARK: Device

    private func openDeviceIfDue() {
        guard device == nil else { return }
        let wanted = !config.closeWhenIdle || voice != nil
        guard wanted, monotonicNanoseconds() >= nextOpenAttempt else { return }
        do {
            let opened = try PCMDevice(config: config)
            device = opened
            paced = config.paced
            pace = PaceWatch(rate: opened.sampleRate, bufferFrames: opened.bufferFrames, periodFrames: opened.periodFrames)
            if opened.sampleRate != rate || opened.channels != channels || opened.periodFrames != period
                || opened.bufferFrames * channels > mix.count {
                if opened.sampleRate != rate || opened.channels != channels {
                    logger.notice("audio device plays another format; converting clips to it",
                                  metadata: ["rate": "\(opened.sampleRate)", "channels": "\(opened.channels)"])
                }
                rate = opened.sampleRate
                channels = opened.channels
                period = opened.periodFrames
                ramp = FadeRamp(milliseconds: config.fadeMilliseconds, sampleRate: rate)
                resizeBuffers()
                if let voice, voice.stream.outputRate != rate || voice.stream.outputChannels != channels {
                    // A clip converted for the old format cannot continue; it restarts in the new one.
                    if let stream = try? ClipStream(url: voice.stream.url, outputRate: rate, outputChannels: channels) {
                        self.voice = Voice(token: voice.token, stream: stream, gain: voice.gain,
                                           requestedAt: voice.requestedAt, ramp: ramp)
                    } else {
                        self.voice = nil
                    }
                }
            }
            openStandby(like: opened)
            retryDelayMilliseconds = 0
            if deviceDown {
                deviceDown = false
                logger.notice("audio device is back", metadata: ["device": "\(config.device)"])
                shared.emit(.deviceRestored)
            }
        } catch {
            scheduleRetry()
            if !deviceDown {
                deviceDown = true
                logger.error("audio device unavailable; retrying in the background",
                             metadata: ["device": "\(config.device)", "error": "\(error.message)"])
                shared.emit(.deviceLost(message: error.message))
            }
        }
    }

    /// On a paced sound server, opens the second stream a press switches to (see `standby`). Without one,
    /// a press stops and re-prepares the playing stream itself, which is slower but just as correct.
    private func openStandby(like device: PCMDevice) {
        guard paced, device.isSoundServer, let second = try? PCMDevice(config: config),
              second.sampleRate == device.sampleRate, second.channels == device.channels,
              second.periodFrames == device.periodFrames, second.bufferFrames == device.bufferFrames else { return }
        standby = second
    }

    private func scheduleRetry() {
        // 0.25 s, doubling to 8 s: a re-plugged USB card is heard again within seconds, a missing one costs nothing.
        retryDelayMilliseconds = retryDelayMilliseconds == 0 ? 250 : min(retryDelayMilliseconds * 2, 8000)
        nextOpenAttempt = monotonicNanoseconds() + UInt64(retryDelayMilliseconds) * 1_000_000
    }

    private func millisecondsUntilNextOpen() -> Int32 {
        if config.closeWhenIdle && voice == nil && !deviceDown { return -1 }
        let now = monotonicNanoseconds()
        guard nextOpenAttempt > now else { return 0 }
        return Int32(min((nextOpenAttempt - now) / 1_000_000 + 1, 60_000))
    }

    private func handleDeviceError(_ err: Int32, _ device: PCMDevice) {
        switch -err {
        case EAGAIN:
            return
        case EPIPE:
            underruns += 1
            if device.recover(err) >= 0 { return }
        case EINTR:
            if device.recover(err) >= 0 { return }
        case ESTRPIPE:
            if device.resumeAfterSuspend() >= 0 { return }
        default:
            break
        }
        // ENODEV, EIO, EBADFD, or a recovery that failed: the device is gone; close it and reopen later.
        let message = "audio device '\(config.device)' failed: \(PCMDevice.describe(err))"
        logger.error("audio device lost; retrying in the background", metadata: ["device": "\(config.device)",
                                                                                  "error": "\(PCMDevice.describe(err))"])
        closeDevice()
        deviceDown = true
        scheduleRetry()
        // The playing clip holds its place; it continues when the device returns.
        if let voice { voice.restartFadeIn(); voice.writtenSinceStart = 0 }
        tail.removeAll()
        tailPosition = 0
        replay = []
        replayPosition = 0
        historyFilled = 0
        shared.emit(.deviceLost(message: message))
    }

    /// Sizes the mixing buffers for the device as opened (its buffer may be larger than configured: a sound
    /// server gets longer periods), so one write can refill all of it and a cut can see all that was queued.
    private func resizeBuffers() {
        let buffer = max(period, device?.bufferFrames ?? config.bufferFrames)
        mix = [Float](repeating: 0, count: buffer * channels)
        pcm = [Int16](repeating: 0, count: buffer * channels)
        history = [Float](repeating: 0, count: buffer * 2 * channels)
        historyEnd = 0
        historyFilled = 0
    }

    private func finishShutdown() {
        if voice != nil { cut(reason: .interrupted) }
        if let device {
            // Play the fade-out, then let the device drain, so the last thing heard is not a click.
            while tailPosition < tail.count, self.device === device { writeBlock(device, frames: period, pad: paced) }
            if paced { device.drain() }
        }
        closeDevice()
        publishStatus(queued: 0)
    }
}

/// Where a retired sound-server stream comes back from the retire queue, stopped and prepared again.
final class RetiredStream: Sendable {
    /// A stream handed to the retire queue and back: one thread at a time owns it.
    struct Handoff: @unchecked Sendable {
        let device: PCMDevice
        let generation: Int
    }

    private let slot = Mutex<Handoff?>(nil)

    func put(_ handoff: Handoff) { slot.withLock { $0 = handoff } }

    /// The stream, if it is back and belongs to the device as opened now (`generation`); an older one is closed.
    func take(generation: Int) -> PCMDevice? {
        guard let handoff = slot.withLock({ s in defer { s = nil }; return s }) else { return nil }
        return handoff.generation == generation ? handoff.device : nil
    }
}
