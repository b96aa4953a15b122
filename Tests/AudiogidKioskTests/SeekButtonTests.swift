import AudiogidCore
import Foundation
import Testing
@testable import AudiogidKiosk

/// A visitor's "back 10 s" button: the trigger action `seek -10`, run through the kiosk to its speaker.
@Suite(.timeLimit(.minutes(3))) struct SeekButtonTests {
    @Test func aBackButtonSeeksThroughTheSameCommand() async throws {
        let speaker = SpeakerEndingOnCommand()
        let rig = try KioskRig(speaker: speaker)
        #expect(await rig.kiosk.execute(commandLine: "play 2", source: .gpio) == .done)
        #expect(await rig.kiosk.execute(commandLine: "seek 12", source: .gpio) == .done)
        #expect(await rig.kiosk.execute(commandLine: "seek -10", source: .gpio) == .done)
        let seconds = speaker.seeks.map(\.seconds)
        #expect(seconds.count == 2 && seconds[0] == 12 && seconds[1] >= 2 && seconds[1] < 2.5, "\(seconds)")
        #expect(speaker.seeks.allSatisfy { $0.ofPlaying })
        #expect(rig.kiosk.status.elapsed >= 2 && rig.kiosk.status.elapsed < 2.5)
        // Nothing playing: refused, as a press of "back" after the clip ended does nothing.
        #expect(await rig.kiosk.execute(commandLine: "stop", source: .gpio) == .done)
        #expect(await rig.kiosk.execute(commandLine: "seek -10", source: .gpio) == .refused("nothing is playing"))
    }
}
