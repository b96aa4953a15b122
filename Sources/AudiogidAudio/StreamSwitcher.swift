import Dispatch
import Synchronization

/// On a sound server, a second stream, prepared and silent, which the next press starts at once. The old
/// stream is stopped as soon as the new one is filled, on the playback thread: until then the listener
/// hears the old clip twice over (its own queue, and its fade-out at the head of the new stream).
/// Preparing the stopped stream again costs several more round trips to the server, so that happens on a
/// background queue, after which it becomes the standby.
///
/// Used by the playback thread only (the retire queue gets the old stream, and gives it back, through `RetiredStream`).
final class StreamSwitcher {
    private var standby: (any PCMOutput)?
    /// The stream a press switched away from, to be retired after the new stream's first write.
    private var stopping: (any PCMOutput)?
    private let retired = RetiredStream()
    /// Counts device closings, so a stream retired before the device was lost or closed is not taken back.
    private var generation = 0

    private static let retireQueue = DispatchQueue(label: "audiogid.audio.retire", qos: .userInitiated)

    /// Keeps `second` as the standby if it plays exactly as `device` does (a paced sound server only).
    func offerStandby(_ second: (any PCMOutput)?, like device: any PCMOutput) {
        guard let second, second.sampleRate == device.sampleRate, second.channels == device.channels,
              second.periodFrames == device.periodFrames, second.bufferFrames == device.bufferFrames else { return }
        standby = second
    }

    /// The prepared standby stream, if there is one (or the retired stream is back already); `old`, the stream
    /// it replaces, is stopped once the new one has its first frames (`retireStopping`).
    func switchAway(from old: any PCMOutput) -> (any PCMOutput)? {
        guard let next = standby ?? retired.take(generation: generation) else { return nil }
        standby = nil
        stopping = old
        return next
    }

    /// Stops the stream switched away from, here and now, and prepares it again on the retire queue; it comes
    /// back as the standby. Called once the new stream is filled. Stopping waits for the server's answer
    /// (0.2 to 1 ms measured, 4 ms once); left to the retire queue as well, it also waited for a thread of ordinary
    /// priority to be scheduled, and on a loaded machine the old clip went on under the new one for 10 ms.
    func retireStopping() {
        guard let old = stopping else { return }
        stopping = nil
        old.stopAtOnce()
        let handoff = RetiredStream.Handoff(device: old, generation: generation)
        let slot = retired
        Self.retireQueue.async {
            handoff.device.prepareAgain()
            slot.put(handoff)
        }
    }

    /// Forgets every stream (the device was lost, closed while idle, or the engine shuts down).
    func forgetAll() {
        stopping = nil
        standby = nil
        generation += 1
        _ = retired.take(generation: generation)
    }
}

/// Where a retired sound-server stream comes back from the retire queue, stopped and prepared again.
final class RetiredStream: Sendable {
    /// A stream handed to the retire queue and back. Unchecked because a PCM is not thread-safe, but only one
    /// thread at a time owns it: the playback thread hands it over and takes it back only through `slot`.
    struct Handoff: @unchecked Sendable {
        let device: any PCMOutput
        let generation: Int
    }

    private let slot = Mutex<Handoff?>(nil)

    func put(_ handoff: Handoff) { slot.withLock { $0 = handoff } }

    /// The stream, if it is back and belongs to the device as opened now (`generation`); an older one is closed.
    func take(generation: Int) -> (any PCMOutput)? {
        guard let handoff = slot.withLock({ s in defer { s = nil }; return s }) else { return nil }
        return handoff.generation == generation ? handoff.device : nil
    }
}
