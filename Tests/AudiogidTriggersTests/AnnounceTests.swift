import AudiogidCore
import Testing

/// `Player.announce`, which the daemon uses for the keypad's "no such stop": a sound of the player's own.
@Suite(.timeLimit(.minutes(3))) struct AnnounceTests {
    let tour = Tour(id: "t", languages: ["ru", "en"], stops: [
        Stop(id: "a", number: 1, audio: ["ru": "t/a.ru.ogg", "en": "t/a.en.ogg"]),
    ])
    let sound: ClipPaths = ["ru": "system/no-such-stop.ru.ogg", "en": "system/no-such-stop.en.ogg"]

    @Test func interruptsWhatPlaysAndSpeaksTheVisitorsLanguage() {
        var player = Player(tour: tour, language: "en", at: Moment(seconds: 0))
        _ = player.handle(.play(.number(1)), source: .keypad, at: Moment(seconds: 1))
        let decision = player.announce(sound, source: .keypad, at: Moment(seconds: 2))
        #expect(decision.refusal == nil)
        guard decision.effects.count == 2, case .ended(let ended) = decision.effects[0], case .start(let play) = decision.effects[1] else {
            Issue.record("\(decision.effects)"); return
        }
        #expect(ended.play.stopNumber == 1 && ended.outcome == .interrupted)
        #expect(play.isPrompt && play.clip.path == "system/no-such-stop.en.ogg" && play.source == .keypad)
        #expect(player.state.play?.isPrompt == true)
    }

    @Test func withoutASoundNothingHappens() {
        var player = Player(tour: tour, at: Moment(seconds: 0))
        #expect(player.announce([:], source: .keypad, at: Moment(seconds: 1)) == PlayerDecision())
        #expect(player.state == .idle)
    }

    @Test func quietHoursStaySilent() {
        var player = Player(tour: tour, settings: PlayerSettings(openingHours: [DailyWindow(start: 9 * 60, end: 18 * 60)]), at: Moment(seconds: 0))
        let decision = player.announce(sound, source: .keypad, at: Moment(seconds: 1, minuteOfDay: 22 * 60))
        #expect(decision.refusal == .quietHours)
        #expect(decision.effects.isEmpty)
    }
}
