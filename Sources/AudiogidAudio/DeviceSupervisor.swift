import Glibc
import Logging

/// Keeps the output device open: opens it, recovers it from an underrun or a suspend, and when it is missing
/// or lost (a USB card unplugged) tries again in the background with back-off, 0.25 s doubling to 8 s, so a
/// re-plugged card is heard again within seconds and a missing one costs nothing. Reports `deviceLost` once
/// when the device goes and `deviceRestored` once when it is back.
///
/// Used by the playback thread only.
final class DeviceSupervisor {
    /// Opens the device (`PCMDevice`, or a test's scripted output). Called on the playback thread only.
    typealias Opener = @Sendable (AudioOutputConfig) throws(AudioError) -> any PCMOutput

    /// The device as open now, if it is.
    private(set) var device: (any PCMOutput)?
    /// Lost or never opened, and being retried.
    private(set) var isDown = false
    /// Underruns recovered since start: the device ran dry and was restarted.
    private(set) var underruns = 0
    /// The wait before the next attempt, once one has failed.
    private(set) var retryDelayMilliseconds = 0

    private let config: AudioOutputConfig
    private let logger: Logger
    private let emit: (AudioEvent) -> Void
    private let opener: Opener
    private var nextAttempt: UInt64 = 0

    static let firstRetryMilliseconds = 250
    static let longestRetryMilliseconds = 8000

    init(config: AudioOutputConfig, logger: Logger, opener: @escaping Opener, emit: @escaping (AudioEvent) -> Void) {
        self.config = config
        self.logger = logger
        self.opener = opener
        self.emit = emit
    }

    /// Opens the device if none is open and the back-off allows it at `now`; returns it when it was just opened.
    func openIfDue(now: UInt64) -> (any PCMOutput)? {
        guard device == nil, now >= nextAttempt else { return nil }
        do {
            let opened = try opener(config)
            device = opened
            retryDelayMilliseconds = 0
            if isDown {
                isDown = false
                logger.notice("audio device is back", metadata: ["device": "\(config.device)"])
                emit(.deviceRestored)
            }
            return opened
        } catch {
            scheduleRetry(now: now)
            if !isDown {
                isDown = true
                logger.error("audio device unavailable; retrying in the background",
                             metadata: ["device": "\(config.device)", "error": "\(error.message)"])
                emit(.deviceLost(message: error.message))
            }
            return nil
        }
    }

    /// Opens another stream of the same device (a sound server's standby), or nil.
    func openAnother() -> (any PCMOutput)? { try? opener(config) }

    /// Milliseconds until the next attempt to open is due (0: now), at most a minute.
    func millisecondsUntilNextOpen(now: UInt64) -> Int32 {
        guard nextAttempt > now else { return 0 }
        return Int32(min((nextAttempt - now) / 1_000_000 + 1, 60_000))
    }

    /// Recovers the device from `err`, a call's negative errno. True when it can go on; false when it is
    /// lost: it is closed, `deviceLost` reported and a reopen scheduled.
    func recover(from err: Int32, now: UInt64) -> Bool {
        guard let device else { return false }
        switch -err {
        case EAGAIN:
            return true
        case EPIPE:
            underruns += 1
            if device.recover(err) >= 0 { return true }
        case EINTR:
            if device.recover(err) >= 0 { return true }
        case ESTRPIPE:
            if device.resumeAfterSuspend(maxWaitMilliseconds: 1000) >= 0 { return true }
        default:
            break
        }
        // ENODEV, EIO, EBADFD, or a recovery that failed: the device is gone; close it and reopen later.
        let reason = PCMDevice.describe(err)
        logger.error("audio device lost; retrying in the background", metadata: ["device": "\(config.device)",
                                                                                  "error": "\(reason)"])
        self.device = nil
        isDown = true
        scheduleRetry(now: now)
        emit(.deviceLost(message: "audio device '\(config.device)' failed: \(reason)"))
        return false
    }

    /// Counts an underrun found and cleared elsewhere (a press that found the card run dry drops and restarts it).
    func countUnderrun() { underruns += 1 }

    /// Goes on with `device` instead (a sound server's standby stream, after a press).
    func switchTo(_ device: any PCMOutput) { self.device = device }

    /// Closes the device on purpose (idle, or shutting down): not a loss.
    func close() { device = nil }

    private func scheduleRetry(now: UInt64) {
        retryDelayMilliseconds = retryDelayMilliseconds == 0
            ? Self.firstRetryMilliseconds : min(retryDelayMilliseconds * 2, Self.longestRetryMilliseconds)
        nextAttempt = now + UInt64(retryDelayMilliseconds) * 1_000_000
    }
}
