@testable import AudiogidAudio
import Testing

/// `PaceWatch` on simulated devices: the clock is the test's, so minutes of playing take no time.
@Suite(.timeLimit(.minutes(3))) struct PaceWatchTests {
    let rate = 48000, buffer = 1920, period = 480

    /// A device playing at `speed` times its nominal rate, fed as the engine feeds it: a full buffer at start,
    /// then whatever room there is each time it wakes (every `wakeMilliseconds`); true if the watch ever trips.
    func trips(speed: Double, wakeMilliseconds: Double, seconds: Double, restartEvery: Int? = nil) -> Bool {
        var watch = PaceWatch(rate: rate, bufferFrames: buffer, periodFrames: period)
        var queued = 0.0
        var now: UInt64 = 1_000_000_000
        let step = UInt64(wakeMilliseconds * 1_000_000)
        var wakes = 0
        while Double(now) / 1e9 < seconds + 1 {
            if let restartEvery, wakes % restartEvery == 0 {
                // A press drops the queue: the device takes a whole buffer again at once.
                queued = 0
                watch.restart(at: now)
            }
            let room = buffer - Int(queued)
            if room >= period {
                queued += Double(room)
                if watch.accept(room, at: now) { return true }
            }
            now += step
            wakes += 1
            queued = max(0, queued - wakeMilliseconds / 1000 * Double(rate) * speed)
        }
        return false
    }

    @Test func aDevicePlayingAtItsRateNeverTrips() {
        #expect(!trips(speed: 1, wakeMilliseconds: 10, seconds: 120))
        #expect(!trips(speed: 1, wakeMilliseconds: 1, seconds: 30))
        #expect(!trips(speed: 1, wakeMilliseconds: 37, seconds: 120))
        // A cheap card's clock 1 % fast, for minutes: the windows keep drift from adding up.
        #expect(!trips(speed: 1.01, wakeMilliseconds: 10, seconds: 300))
        // Presses dropping the queue every 50 ms, each followed by a full buffer at once.
        #expect(!trips(speed: 1, wakeMilliseconds: 5, seconds: 30, restartEvery: 10))
    }

    @Test func aDeviceThatSwallowsEverythingTripsWithinAFewPeriods() {
        var watch = PaceWatch(rate: rate, bufferFrames: buffer, periodFrames: period)
        var now: UInt64 = 5_000_000_000
        var taken = 0
        // Whole buffers, a few microseconds apart, as the null PCM takes them.
        while !watch.accept(buffer, at: now) {
            taken += buffer
            now += 5_000
            #expect(taken < 10 * buffer)
            if taken >= 10 * buffer { break }
        }
        #expect(taken <= 2 * buffer)
    }

    @Test func aDeviceTwiceTooFastTripsWithinASecond() {
        #expect(trips(speed: 2, wakeMilliseconds: 10, seconds: 1))
    }
}
