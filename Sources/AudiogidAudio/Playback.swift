#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import Logging

/// The playback thread: owns the device, the playing clip and every buffer, and is the only code that
/// touches them. It sleeps in `poll` on the device (on a sound server, on a timer until the next refill)
/// and on the command pipe, so a press is acted on at once, and keeps the device fed (with silence when
/// idle, on a paced device) so the next clip starts without a device wake-up.
///
/// Made on the playback thread and used only there, so it is not `Sendable`.
final class Playback {
    private let config: AudioOutputConfig
    private let logger: Logger
    private let inbox: Inbox
    private let shared: EngineShared

    private let supervisor: DeviceSupervisor
    private var device: (any PCMOutput)? { supervisor.device }
    private let streams = StreamSwitcher()
    private var rate: Int
    private var channels: Int
    private var period: Int
    private var ramp: FadeRamp

    private var voice: Voice?
    /// Queued frames dropped for a volume change, to be written again before anything new.
    private var replay = PendingFrames()
    private var volumeChanged = false
    /// A cut clip's last few milliseconds, already faded out, mixed into the next frames written.
    private var tail = PendingFrames()
    private var history: HistoryRing
    private var volume: MasterVolume

    private var mix: [Float] = []
    private var pcm: [Int16] = []
    /// Frames written that are or will be heard (frames thrown away by a cut are taken off again).
    private var written: Int64 = 0
    private var lastStartLatency: Double?

    /// Whether the device plays at its rate: as configured, until the device shows it swallows writes at once.
    private var paced: Bool
    private var pace: PaceWatch

    private var idleSince: UInt64?
    private var shuttingDown = false
    /// The first attempt at the device is over (see `AudioEngine.deviceTried`).
    private var deviceTried = false

    init(config: AudioOutputConfig, logger: Logger, inbox: Inbox, shared: EngineShared,
         opener: @escaping DeviceSupervisor.Opener) {
        self.config = config
        self.logger = logger
        self.inbox = inbox
        self.shared = shared
        supervisor = DeviceSupervisor(config: config, logger: logger, opener: opener, emit: shared.emit)
        rate = config.sampleRate
        channels = config.channels
        period = config.periodFrames
        ramp = FadeRamp(milliseconds: config.fadeMilliseconds, sampleRate: config.sampleRate)
        volume = MasterVolume(percent: config.initialVolume, cap: config.maxVolume)
        paced = config.paced
        pace = PaceWatch(rate: config.sampleRate, bufferFrames: config.bufferFrames, periodFrames: config.periodFrames)
        history = HistoryRing(frames: 0, channels: config.channels)
        resizeBuffers()
    }

    // MARK: The loop

    func run() {
        // Only a device that plays at its own pace gets real-time priority: unpaced (a file or null sink), the loop
        // writes as fast as the sink takes samples, and would hold a core at that priority.
        if paced { RealtimeScheduling.raiseCurrentThread(logger: logger) }
        while true {
            for command in inbox.take() { apply(command) }
            if shuttingDown { break }
            openDeviceIfDue()
            if !deviceTried {
                deviceTried = true
                publishStatus(queued: 0)
                shared.markDeviceTried()
            }
            guard let device else {
                inbox.wait(timeoutMilliseconds: millisecondsUntilNextOpen())
                continue
            }
            if paced {
                feedPaced(device)
                if !paced { continue } // It turned out to swallow writes at once (see `PaceWatch`).
                // After a press switched streams, the new one is full now: the old one stops (a round trip to
                // the server, which the new stream's queue covers).
                streams.retireStopping()
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
                    if handledFailure(after: fds, device) { break }
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
                writeBlock(device, frames: period, pad: false)
                settle()
            } else {
                settle()
                inbox.wait(timeoutMilliseconds: millisecondsUntilIdleClose())
            }
        }
        finishShutdown()
    }

    private var hasSound: Bool {
        if !tail.isEmpty { return true }
        guard let voice else { return false }
        return !voice.paused && !voice.ended
    }

    // MARK: Commands

    private func apply(_ command: EngineCommand) {
        switch command {
        case let .play(url, loudness, token, requestedAt):
            // The new clip is opened before the queue is taken back: after the take-back the card holds only a
            // couple of ms, and opening a clip (decoder, resampler, first frames) can take longer than that on a
            // slow machine. Opened after, the card ran dry at every press mid-clip (the driver rig heard a
            // 100-600 ms gap, and the cut without its fade).
            let opened = Result { () throws(AudioError) -> ClipStream in try open(url) }
            cut()
            start(opened, url: url, loudness: loudness, token: token, requestedAt: requestedAt)
        case .stop:
            cut()
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
        case let .seek(token, seconds):
            guard let voice, voice.token == token else { return }
            let frame = Int64((max(0, seconds) * Double(rate)).rounded())
            // What the listener hears now fades out (as at a cut) while the clip carries on from the new place.
            if !voice.paused && voice.started { _ = cutPosition(of: voice) }
            if voice.stream.seek(toOutputFrame: frame) {
                voice.ended = false
                voice.endsAt = nil
            } else if voice.stream.expectedFrames > 0 && frame >= voice.stream.expectedFrames {
                voice.ended = true  // past its end: the clip is over
                voice.endsAt = written
            }
            voice.writtenSinceStart = 0
            voice.restartFadeIn()
        case let .volume(percent):
            volume.set(percent: percent)
            // Applied at the next feed, after every command of this batch: a press in the same batch has
            // dropped the queue already, and then there is nothing to write again.
            volumeChanged = true
        case .shutdown:
            shuttingDown = true
        }
    }

    /// A volume change is heard at once, not after the queued buffer (up to 400 ms on a sound server): the queue
    /// is dropped and written again from the engine's copy of it, gliding to the new volume.
    private func requeueAtNewVolume() {
        // Only where the queue can be taken back seamlessly: dropping a sound server's queue leaves a gap.
        guard paced, let device, device.isRunning, device.rewinds, volume.isGliding, replay.isEmpty else { return }
        let unheard = takeBackQueued(device)
        guard unheard > 0 else { return }
        var frames = [Float](repeating: 0, count: unheard * channels)
        frames.withUnsafeMutableBufferPointer { history.copyForgotten(frames: unheard, into: $0.baseAddress!) }
        replay.set(frames)
    }

    /// Ends the current clip: drops what the device has queued and fades out from the frame the listener
    /// is hearing now. Emits `.interrupted` for the clip. With no clip playing it still drops the queue
    /// (idle silence, or a fade-out already under way, which is carried over), so what comes next is heard
    /// at once rather than after a buffer of silence.
    private func cut() {
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
        newTail.withUnsafeMutableBufferPointer { buffer in
            // First what was queued and never heard (it holds the sound as it was mixed), then, if the queue
            // was shorter than the fade, fresh frames of the clip itself.
            if fromHistory > 0 { history.copyForgotten(frames: fromHistory, into: buffer.baseAddress!) }
            if let voice, fromHistory < fade, !voice.paused {
                _ = voice.renderRaw(into: buffer.baseAddress! + fromHistory * channels,
                                    frames: fade - fromHistory, channels: channels)
            }
            for f in 0 ..< fade {
                let g = ramp.down(f)
                for c in 0 ..< channels { buffer[f * channels + c] *= g }
            }
        }
        tail.set(newTail)
        return (unheard, fromHistory)
    }

    /// Takes back what the device has queued and not played, and returns how much of it the engine's copy
    /// holds (what a fade-out can continue from). A device that can rewind keeps running and the next write
    /// follows on without a gap; otherwise the queue is dropped (a sound server then plays a gap of a
    /// millisecond or so before the next write).
    private func takeBackQueued(_ device: any PCMOutput) -> Int {
        // Whichever says more is queued: a PulseAudio stream that has not reported its timing yet (right
        // after opening) answers delay 0 with a full buffer, and the press would wait behind it.
        let room = device.available()
        let delay = device.delay()
        let queued = max(delay, room >= 0 ? device.bufferFrames - room : 0)
        guard queued > 0 else { return 0 }
        pace.restart(at: monotonicNanoseconds()) // The device may take a whole buffer again.
        if device.rewinds {
            // One period stays queued: the next write (the fade-out tail and the new clip's first block) must
            // land before the card plays past what is left, and a writer woken per period can be counted on for
            // that, not for the 2 ms this used to leave. With 2 ms the driver rig's card ran dry at every press
            // mid-clip: the old clip stopped dead (a full-scale step) and a period of silence followed.
            let margin = max(64, rate / 500, period)
            let rewound = device.rewindQueued(margin: margin)
            if rewound > 0 {
                // Said at debug level (`log: {verbose: true}`): the driver rig reads it to tell a cut on a card
                // that rewinds from one that dropped its queue.
                logger.debug("queue taken back", metadata: ["how": "rewind", "frames": "\(rewound)", "kept": "\(margin)"])
                written -= Int64(rewound)
                return history.forget(rewound)
            }
            // No more than the margin is queued: it plays out and the fade follows it, rather than a hard drop. A
            // card's delay is exact (its room can be a period stale: the driver rig's card updates it per period).
            if queued <= margin || (0 ... margin).contains(delay) { return 0 }
        }
        if device.isSoundServer, let next = streams.switchAway(from: device) {
            // The old stream is stopped once the new one has its first frames: the press is not kept waiting
            // for the server, and the old sound runs on a fraction of a millisecond rather than leaving a gap.
            supervisor.switchTo(next)
            logger.debug("queue taken back", metadata: ["how": "switch", "frames": "\(queued)"])
        } else {
            // A card that ran dry under the press (its state XRUN: nothing left to rewind) is restarted by the drop
            // below; it is an underrun all the same, and counted.
            if device.failure() == -EPIPE { supervisor.countUnderrun() }
            // Said before the drop: the device's state then is what explains why it could not rewind.
            logger.debug("queue taken back", metadata: [
                "how": "drop", "frames": "\(queued)", "delay": "\(device.delay())", "room": "\(room)",
                "why": "\(device.rewinds ? device.rewindRefusal : "the device does not rewind")",
                "state": "\(device.failure())"])
            device.discardQueued()
        }
        written -= Int64(queued)
        return history.forget(queued)
    }

    /// Forgets the device and its standby (closed while idle, or shutting down).
    private func closeDevice() {
        supervisor.close()
        streams.forgetAll()
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

    /// Opens a clip and decodes its first frames.
    private func open(_ url: URL) throws(AudioError) -> ClipStream {
        let stream: ClipStream
        if let prepared = shared.takePrepared(url, rate: rate, channels: channels) {
            stream = prepared
        } else {
            stream = try ClipStream(url: url, outputRate: rate, outputChannels: channels)
        }
        try stream.fill(atLeast: period + ramp.frames)
        if stream.availableFrames == 0 {
            throw AudioError(.decode, "clip \(url.path) holds no audio")
        }
        return stream
    }

    private func start(_ opened: Result<ClipStream, AudioError>, url: URL, loudness: LoudnessInfo?, token: UInt64,
                       requestedAt: UInt64) {
        let stream: ClipStream
        switch opened {
        case .success(let ready):
            stream = ready
        case .failure(let error):
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
    private func feedPaced(_ device: any PCMOutput) {
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
            // is: fewer, larger writes cost less CPU than many small ones. But while the device holds less than
            // two periods (just after a press took the queue back, or after an underrun), a period at a time:
            // rendering the whole buffer before writing any of it can take longer than the little that is queued
            // lasts on a slow machine, and the card runs dry (the driver rig saw a 94 ms gap 48 ms into every press).
            let starting = voice.map { !$0.started } ?? false
            let nearlyEmpty = device.bufferFrames - room < 2 * period
            let frames = starting || !device.isRunning ? device.startFrames : nearlyEmpty ? period : room
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
    private func serverRefillMilliseconds(_ device: any PCMOutput) -> Int32 {
        let frames = max(0, device.wakeFrames - roomAfterFeed)
        return Int32(max(1, frames * 1000 / rate))
    }

    private var lastQueued = 0

    /// Room the device had after the last feed; what it holds queued is the rest of its buffer.
    private var roomAfterFeed = 0
    private var bufferMilliseconds: Int { (device?.bufferFrames ?? config.bufferFrames) * 1000 / rate }

    /// Renders and writes one block. `pad`: write the full block (silence after a clip's end), as a paced
    /// device needs; otherwise only the frames that carry sound.
    private func writeBlock(_ device: any PCMOutput, frames: Int, pad: Bool) {
        let (count, startedNow) = render(frames: frames, pad: pad)
        guard count > 0 else { return }
        mix.withUnsafeBufferPointer { m in
            history.remember(m, frames: count)
            pcm.withUnsafeMutableBufferPointer { out in
                volume.convert(m, into: out, frames: count, channels: channels, glideFrames: config.periodFrames)
            }
        }
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
                    if r > 0 && !handledFailure(after: fds, device) { _ = device.pollEvents(&fds) }
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

    /// Mixes the next `frames` frames into `mix`: frames taken back for a volume change, then the clip, with a
    /// cut clip's fade-out tail on top. Returns how many frames to write (all of them when `pad`, else those
    /// that carry sound) and the voice whose first frames these are.
    private func render(frames: Int, pad: Bool) -> (count: Int, startedNow: Voice?) {
        let samples = frames * channels
        mix.withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: samples) }
        var startedNow: Voice?
        // Frames dropped for a volume change go out again first; the clip continues after them.
        let replayed = mix.withUnsafeMutableBufferPointer { replay.copy(into: $0.baseAddress!, frames: frames, channels: channels) }
        var soundFrames = replayed
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
        let tailFrames = mix.withUnsafeMutableBufferPointer { tail.add(into: $0.baseAddress!, frames: frames, channels: channels) }
        soundFrames = max(soundFrames, tailFrames)
        return (pad ? frames : soundFrames, startedNow)
    }

    /// The device took more than it could have played (see `PaceWatch`): from now on only sound is written
    /// and what is written counts as heard, as with a device configured unpaced.
    private func stopPacing() {
        paced = false
        // Unpaced, the loop writes as fast as the sink takes samples: at real-time priority it would hold a core.
        RealtimeScheduling.lowerCurrentThread()
        logger.warning("audio device takes samples faster than it plays them (a file or null sink); writing only clips",
                      metadata: ["device": "\(config.device)"])
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
        if voice == nil && tail.isEmpty {
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
                                 underruns: supervisor.underruns, playing: voice?.token, paused: voice?.paused ?? false,
                                 position: position, volume: volume.percent, lastStartLatency: lastStartLatency)
        shared.publish(status)
    }

    // MARK: Device

    private func openDeviceIfDue() {
        guard device == nil, !config.closeWhenIdle || voice != nil,
              let opened = supervisor.openIfDue(now: monotonicNanoseconds()) else { return }
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
        // On a paced sound server, the second stream a press switches to. Without one, a press stops and
        // re-prepares the playing stream itself, which is slower but just as correct.
        if paced && opened.isSoundServer { streams.offerStandby(supervisor.openAnother(), like: opened) }
    }

    private func millisecondsUntilNextOpen() -> Int32 {
        if config.closeWhenIdle && voice == nil && !supervisor.isDown { return -1 }
        return supervisor.millisecondsUntilNextOpen(now: monotonicNanoseconds())
    }

    /// After a poll of the device: when a descriptor reports an error or a hang-up and the device says it has
    /// failed, handles that (an underrun is recovered; a card that is gone is closed at once and reopened with
    /// back-off) and returns true. A card unplugged while the buffer is full, or idle, fails no call, so this is
    /// where its loss shows; and until its handle closes the kernel cannot free it (`rmmod` blocks).
    private func handledFailure(after fds: [pollfd], _ device: any PCMOutput) -> Bool {
        let trouble = Int16(POLLERR | POLLHUP | POLLNVAL)
        guard fds.contains(where: { $0.revents & trouble != 0 }) else { return false }
        let err = device.failure()
        guard err < 0 else { return false }
        handleDeviceError(err, device)
        return true
    }

    private func handleDeviceError(_ err: Int32, _ device: any PCMOutput) {
        if supervisor.recover(from: err, now: monotonicNanoseconds()) { return }
        streams.forgetAll()
        // The playing clip holds its place; it continues when the device returns.
        if let voice { voice.restartFadeIn(); voice.writtenSinceStart = 0 }
        tail.clear()
        replay.clear()
        history.clear()
        // Said now: the loop sleeps until the reopen is due, and `status` would show the card open meanwhile.
        publishStatus(queued: 0)
    }

    /// Sizes the mixing buffers for the device as opened (its buffer may be larger than configured: a sound
    /// server gets longer periods), so one write can refill all of it and a cut can see all that was queued.
    private func resizeBuffers() {
        let buffer = max(period, device?.bufferFrames ?? config.bufferFrames)
        mix = [Float](repeating: 0, count: buffer * channels)
        pcm = [Int16](repeating: 0, count: buffer * channels)
        history = HistoryRing(frames: buffer * 2, channels: channels)
    }

    private func finishShutdown() {
        if voice != nil { cut() }
        if let device {
            // Play the fade-out, then let the device drain, so the last thing heard is not a click.
            while !tail.isEmpty, self.device === device { writeBlock(device, frames: period, pad: paced) }
            if paced { device.drain() }
        }
        closeDevice()
        publishStatus(queued: 0)
    }
}
