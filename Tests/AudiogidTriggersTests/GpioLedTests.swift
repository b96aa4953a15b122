import Synchronization
import Testing
@testable import AudiogidTriggers

@Suite(.timeLimit(.minutes(3))) struct GpioLedTests {
    let pattern = LedPattern(leds: [GpioLed(offset: 22, stop: 1), GpioLed(offset: 23, stop: 2), GpioLed(offset: 24, stop: 3)])

    @Test func onlyThePlayingStopsLightIsOn() {
        #expect(pattern.values(for: .playing(stop: 2), at: 0) == [false, true, false])
        #expect(pattern.values(for: .playing(stop: 9), at: 0) == [false, false, false])
        #expect(pattern.nextChange(for: .playing(stop: 2), after: 0) == nil)
    }

    @Test func pausedLightBlinks() {
        #expect(pattern.values(for: .paused(stop: 3), at: 100 * ms) == [false, false, true])
        #expect(pattern.values(for: .paused(stop: 3), at: 600 * ms) == [false, false, false])
        #expect(pattern.nextChange(for: .paused(stop: 3), after: 100 * ms) == 500 * ms)
        var steady = pattern
        steady.paused = .on
        #expect(steady.values(for: .paused(stop: 3), at: 600 * ms) == [false, false, true])
    }

    @Test func idleLightsChaseOneAfterAnother() {
        #expect(pattern.values(for: .idle, at: 50 * ms) == [true, false, false])
        #expect(pattern.values(for: .idle, at: 250 * ms) == [false, true, false])
        #expect(pattern.values(for: .idle, at: 450 * ms) == [false, false, true])
        #expect(pattern.values(for: .idle, at: 1500 * ms) == [false, false, false])
        var off = pattern
        off.idle = .off
        #expect(off.values(for: .idle, at: 50 * ms) == [false, false, false])
        #expect(off.nextChange(for: .idle, after: 0) == nil)
    }

    @Test func driverWritesTheStateAndTurnsLightsOffAtStop() {
        let writes = Mutex<[(UInt64, UInt64)]>([])
        let clock = ManualClock(100 * ms)
        var steady = pattern
        steady.idle = .off
        let leds = GpioLeds(pattern: steady, clock: clock) { bits, mask in writes.withLock { $0.append((bits, mask)) } }
        leds.start()
        let log = EventLog()
        #expect(log.wait(seconds: 2) { _ in writes.withLock { !$0.isEmpty } })
        leds.show(.playing(stop: 2))
        _ = log.wait(seconds: 2) { _ in writes.withLock { $0.contains { $0.0 == 0b010 } } }
        leds.stop()
        let seen = writes.withLock { $0 }
        #expect(seen.first.map { $0.0 } == 0)
        #expect(seen.contains { $0 == (0b010, 0b111) })
        #expect(seen.last.map { $0.0 } == 0)
    }
}
