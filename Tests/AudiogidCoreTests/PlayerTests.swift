import Testing
@testable import AudiogidCore

/// The player's policies, driven by hand-made moments: no audio, no clock, no sleeping.
@Suite(.timeLimit(.minutes(3))) struct PlayerTests {
    static let tour = Tour(id: "selo", languages: ["ru", "zh", "en"], route: RoutePlan(loop: false), stops: [
        Stop(id: "gate", number: 1, title: LocalizedText(["ru": "Ворота"]), audio: ["ru": "selo/1.ru.ogg", "zh": "selo/1.zh.ogg", "en": "selo/1.en.ogg"]),
        Stop(id: "church", number: 2, audio: ["ru": "selo/2.ru.ogg", "en": "selo/2.en.ogg"]),
        Stop(id: "school", number: 7, audio: ["ru": "selo/7.ru.ogg"]),
        Stop(id: "mute", number: 9, audio: [:]),
    ])

    func player(_ settings: PlayerSettings = PlayerSettings(), language: String? = nil) -> Player {
        Player(tour: Self.tour, settings: settings, language: language, at: Moment(seconds: 0))
    }

    func started(_ decision: PlayerDecision) -> Play? {
        decision.effects.compactMap { if case .start(let play) = $0 { play } else { nil } }.last
    }

    func ended(_ effects: [PlayerEffect]) -> [PlayEnded] {
        effects.compactMap { if case .ended(let end) = $0 { end } else { nil } }
    }

    @Test func playsByStopNumberNotPosition() {
        var p = player()
        let play = started(p.handle(.play(.number(7)), source: .keypad, at: Moment(seconds: 10)))
        #expect(play?.stopID == "school")
        #expect(play?.position == 2)
        #expect(play?.source == .keypad)
        #expect(play?.clip == ClipChoice(path: "selo/7.ru.ogg", language: "ru", isFallback: false))
        #expect(p.state.isPlaying)
    }

    @Test func unknownStopAndPositionAreRefusedWithoutChangingState() {
        var p = player()
        #expect(p.handle(.play(.number(42)), source: .socket, at: Moment(seconds: 1)).refusal == .noSuchStop(.number(42)))
        #expect(p.handle(.playPosition(4), source: .socket, at: Moment(seconds: 1)).refusal == .noSuchPosition(4))
        #expect(p.handle(.play(.id("mute")), source: .socket, at: Moment(seconds: 1)).refusal == .noClip(stopID: "mute", language: "ru"))
        #expect(p.state == .idle)
    }

    @Test func preemptEndsTheFirstPlayWithSecondsHeard() {
        var p = player()
        let first = started(p.handle(.play(.number(1)), source: .gpio, at: Moment(seconds: 100)))!
        let decision = p.handle(.play(.number(2)), source: .gpio, at: Moment(seconds: 103.5))
        let ends = ended(decision.effects)
        #expect(ends.count == 1)
        #expect(ends[0].play.token == first.token)
        #expect(ends[0].outcome == .interrupted)
        #expect(ends[0].secondsHeard == 3.5)
        #expect(started(decision)?.stopID == "church")
        #expect(started(decision)!.token != first.token)
    }

    @Test func ignorePolicyRefusesAndKeepsPlaying() {
        var p = player(PlayerSettings(whileBusy: .ignore))
        _ = p.handle(.play(.number(1)), source: .gpio, at: Moment(seconds: 0))
        let decision = p.handle(.play(.number(2)), source: .gpio, at: Moment(seconds: 1))
        #expect(decision.refusal == .busy(playing: 1))
        #expect(decision.effects.isEmpty)
        #expect(p.state.play?.stopID == "gate")
    }

    @Test func queuePolicyPlaysPendingStopsInPressOrderWithTheirSource() {
        var p = player(PlayerSettings(whileBusy: .queue))
        let first = started(p.handle(.play(.number(1)), source: .gpio, at: Moment(seconds: 0)))!
        #expect(p.handle(.play(.number(7)), source: .keypad, at: Moment(seconds: 1)).effects.isEmpty)
        #expect(p.handle(.play(.number(2)), source: .serial, at: Moment(seconds: 2)).effects.isEmpty)
        #expect(p.handle(.play(.number(7)), source: .keypad, at: Moment(seconds: 3)).effects.isEmpty)  // not twice
        let afterFirst = p.clipEnded(token: first.token, secondsHeard: 30, at: Moment(seconds: 30))
        #expect(ended(afterFirst).map(\.outcome) == [.finished])
        #expect(ended(afterFirst).map(\.secondsHeard) == [30])
        let second = afterFirst.compactMap { if case .start(let play) = $0 { play } else { nil } }.first!
        #expect(second.stopNumber == 7 && second.source == .keypad)
        let afterSecond = p.clipEnded(token: second.token, at: Moment(seconds: 50))
        #expect(afterSecond.contains { if case .start(let play) = $0 { play.stopNumber == 2 && play.source == .serial } else { false } })
    }

    @Test func samePressStopsOrRestarts() {
        var stopping = player()
        _ = stopping.handle(.play(.number(1)), source: .gpio, at: Moment(seconds: 0))
        let stopDecision = stopping.handle(.play(.number(1)), source: .gpio, at: Moment(seconds: 2))
        #expect(stopDecision.effects.last == .silence)
        #expect(stopping.state == .idle)

        var restarting = player(PlayerSettings(samePress: .restart))
        let first = started(restarting.handle(.play(.number(1)), source: .gpio, at: Moment(seconds: 0)))!
        let again = restarting.handle(.play(.number(1)), source: .gpio, at: Moment(seconds: 2))
        #expect(ended(again.effects).first?.play.token == first.token)
        #expect(started(again)?.stopID == "gate")
        #expect(restarting.state.isPlaying)
    }

    @Test func languageFallsBackToTheDefaultAndCyclesWithNext() {
        var p = player(language: "zh")
        #expect(p.language == "zh")
        let church = started(p.handle(.play(.number(2)), source: .socket, at: Moment(seconds: 0)))!
        #expect(church.clip == ClipChoice(path: "selo/2.ru.ogg", language: "ru", isFallback: true))
        #expect(p.handle(.language(.next), source: .socket, at: Moment(seconds: 1)).effects == [.languageChanged("en")])
        #expect(p.state.play?.token == church.token)  // the playing clip is not cut
        #expect(p.handle(.language(.next), source: .socket, at: Moment(seconds: 1)).effects == [.languageChanged("ru")])
        #expect(p.handle(.language(.code("EN")), source: .socket, at: Moment(seconds: 1)).effects == [.languageChanged("en")])
        #expect(p.handle(.language(.code("de")), source: .socket, at: Moment(seconds: 1)).refusal == .unknownLanguage("de"))
        #expect(p.language == "en")
        let gate = started(p.handle(.play(.number(1)), source: .socket, at: Moment(seconds: 2)))!
        #expect(gate.clip.path == "selo/1.en.ogg")
    }

    @Test func volumeIsClampedToTheCap() {
        var p = player(PlayerSettings(volumeCap: 60, volumeStep: 10))
        #expect(p.volume == 60)
        #expect(p.handle(.volume(.set(90)), source: .socket, at: Moment(seconds: 0)).effects == [.setVolume(60)])
        #expect(p.handle(.volume(.down), source: .socket, at: Moment(seconds: 0)).effects == [.setVolume(50)])
        #expect(p.handle(.volume(.change(-70)), source: .socket, at: Moment(seconds: 0)).effects == [.setVolume(0)])
        #expect(p.handle(.volume(.up), source: .socket, at: Moment(seconds: 0)).effects == [.setVolume(10)])
        #expect(p.updateSettings(PlayerSettings(volumeCap: 5)) == [.setVolume(5)])
    }

    @Test func pauseExcludesPausedTimeFromSecondsHeard() {
        var p = player()
        _ = p.handle(.play(.number(1)), source: .socket, at: Moment(seconds: 0))
        #expect(p.handle(.pause, source: .socket, at: Moment(seconds: 4)).effects == [.pause])
        #expect(p.elapsed(at: Moment(seconds: 100)) == 4)
        #expect(p.handle(.toggle, source: .socket, at: Moment(seconds: 100)).effects == [.resume])
        #expect(p.elapsed(at: Moment(seconds: 101)) == 5)
        let stop = p.handle(.stop, source: .socket, at: Moment(seconds: 102))
        #expect(ended(stop.effects).first?.secondsHeard == 6)
        #expect(stop.effects.last == .silence)
    }

    @Test func pressingThePausedStopResumesIt() {
        var p = player()
        _ = p.handle(.play(.number(2)), source: .gpio, at: Moment(seconds: 0))
        _ = p.handle(.pause, source: .gpio, at: Moment(seconds: 1))
        #expect(p.handle(.play(.number(2)), source: .gpio, at: Moment(seconds: 2)).effects == [.resume])
    }

    @Test func nextAndPreviousFollowRouteOrderAndStopAtTheEnd() {
        var p = player()
        #expect(started(p.handle(.next, source: .socket, at: Moment(seconds: 0)))?.position == 0)
        #expect(started(p.handle(.next, source: .socket, at: Moment(seconds: 1)))?.position == 1)
        #expect(started(p.handle(.previous, source: .socket, at: Moment(seconds: 2)))?.position == 0)
        #expect(started(p.handle(.previous, source: .socket, at: Moment(seconds: 3)))?.position == 0)
        _ = p.handle(.playPosition(3), source: .socket, at: Moment(seconds: 4))  // "mute": no clip, refused
        _ = p.handle(.playPosition(2), source: .socket, at: Moment(seconds: 4))
        _ = p.handle(.next, source: .socket, at: Moment(seconds: 5))  // position 3 has no clip
        #expect(p.state.play?.position == 2)
        var loop = Player(tour: { var t = Self.tour; t.route.loop = true; t.stops.removeLast(); return t }(), at: Moment(seconds: 0))
        _ = loop.handle(.playPosition(2), source: .socket, at: Moment(seconds: 0))
        #expect(started(loop.handle(.next, source: .socket, at: Moment(seconds: 1)))?.position == 0)
        var end = Player(tour: { var t = Self.tour; t.stops.removeLast(); return t }(), at: Moment(seconds: 0))
        _ = end.handle(.playPosition(2), source: .socket, at: Moment(seconds: 0))
        _ = end.handle(.stop, source: .socket, at: Moment(seconds: 1))
        #expect(end.handle(.next, source: .socket, at: Moment(seconds: 2)).refusal == .endOfTour)
        #expect(started(end.handle(.replay, source: .socket, at: Moment(seconds: 3)))?.position == 2)
    }

    @Test func autoAdvanceWalksTheRouteOnceAndOnlyAfterAFinishedClip() {
        let tour = Tour(id: "t", languages: ["en"], route: RoutePlan(loop: true), stops: [
            Stop(id: "a", number: 1, audio: ["en": "a.ogg"]), Stop(id: "b", number: 2, audio: ["en": "b.ogg"]),
        ])
        var p = Player(tour: tour, settings: PlayerSettings(autoAdvance: true), at: Moment(seconds: 0))
        let a = started(p.handle(.play(.number(1)), source: .gpio, at: Moment(seconds: 0)))!
        let afterA = p.clipEnded(token: a.token, at: Moment(seconds: 10))
        guard case .start(let b) = afterA.last else { Issue.record("no auto-advance"); return }
        #expect(b.stopID == "b" && b.source == .auto)
        #expect(p.clipEnded(token: b.token, at: Moment(seconds: 20)).count == 1)  // ended only; no wrap
        #expect(p.state == .idle)
        let again = started(p.handle(.play(.number(1)), source: .gpio, at: Moment(seconds: 30)))!
        #expect(p.clipEnded(token: again.token, outcome: .failed, at: Moment(seconds: 31)).count == 1)
    }

    @Test func staleClipEndsAreIgnored() {
        var p = player()
        let first = started(p.handle(.play(.number(1)), source: .gpio, at: Moment(seconds: 0)))!
        _ = p.handle(.play(.number(2)), source: .gpio, at: Moment(seconds: 1))
        #expect(p.clipEnded(token: first.token, at: Moment(seconds: 2)).isEmpty)
        #expect(p.state.play?.stopID == "church")
    }

    @Test func quietHoursRefuseSoundAndSilenceAPlayingClip() {
        let settings = PlayerSettings(openingHours: [DailyWindow(start: 9 * 60, end: 18 * 60)])
        var p = player(settings)
        #expect(p.handle(.play(.number(1)), source: .gpio, at: Moment(seconds: 0, minuteOfDay: 8 * 60)).refusal == .quietHours)
        #expect(p.handle(.volume(.set(30)), source: .gpio, at: Moment(seconds: 0, minuteOfDay: 8 * 60)).refusal == nil)
        _ = p.handle(.play(.number(1)), source: .gpio, at: Moment(seconds: 0, minuteOfDay: 17 * 60 + 59))
        #expect(p.tick(at: Moment(seconds: 30, minuteOfDay: 17 * 60 + 59)).isEmpty)
        let closing = p.tick(at: Moment(seconds: 60, minuteOfDay: 18 * 60))
        #expect(ended(closing).first?.outcome == .interrupted)
        #expect(closing.last == .silence)
        #expect(DailyWindow(start: 22 * 60, end: 2 * 60).contains(minuteOfDay: 60))
        #expect(!DailyWindow(start: 22 * 60, end: 2 * 60).contains(minuteOfDay: 12 * 60))
    }

    @Test func idlePromptPlaysAfterSilenceAndNotWhilePlaying() {
        let prompt = IdlePrompt(clips: ["ru": "system/prompt.ru.ogg", "en": "system/prompt.en.ogg"], afterSeconds: 300)
        var p = player(PlayerSettings(autoAdvance: true, idlePrompt: prompt), language: "zh")
        #expect(p.tick(at: Moment(seconds: 299)).isEmpty)
        let effects = p.tick(at: Moment(seconds: 300))
        guard case .start(let play) = effects.first else { Issue.record("no prompt"); return }
        #expect(play.isPrompt && play.source == .auto)
        #expect(play.clip == ClipChoice(path: "system/prompt.ru.ogg", language: "ru", isFallback: true))
        #expect(p.tick(at: Moment(seconds: 700)).isEmpty)  // still playing the prompt
        #expect(p.clipEnded(token: play.token, at: Moment(seconds: 705)).count == 1)  // no auto-advance after a prompt
        _ = p.handle(.play(.number(1)), source: .gpio, at: Moment(seconds: 800))
        _ = p.handle(.stop, source: .gpio, at: Moment(seconds: 801))
        #expect(p.tick(at: Moment(seconds: 1000)).isEmpty)  // a press restarts the count
        #expect(!p.tick(at: Moment(seconds: 1101)).isEmpty)
    }

    @Test func reloadKeepsTheCurrentClipAndATourSwitchStopsIt() {
        var p = player()
        let play = started(p.handle(.play(.number(2)), source: .socket, at: Moment(seconds: 0)))!
        var edited = Self.tour
        edited.stops.swapAt(0, 1)
        #expect(p.replaceTour(edited, at: Moment(seconds: 1)).isEmpty)
        #expect(p.state.play?.token == play.token && p.state.play?.position == 0)
        let other = Tour(id: "other", languages: ["en"], stops: [Stop(id: "x", number: 1, audio: ["en": "x.ogg"])])
        let switched = p.replaceTour(other, at: Moment(seconds: 2))
        #expect(ended(switched).first?.outcome == .interrupted)
        #expect(p.language == "en")
        #expect(p.handle(.tour("koltso"), source: .socket, at: Moment(seconds: 3)).effects == [.loadTour("koltso")])
    }

    @Test func commandLinesParseAsCtlWritesThem() throws {
        #expect(try Command(line: "play 3") == .play(.number(3)))
        #expect(try Command(line: "play village-gate") == .play(.id("village-gate")))
        #expect(try Command(line: "play") == .resume)
        #expect(try Command(line: "lang next") == .language(.next))
        #expect(try Command(line: "language zh") == .language(.code("zh")))
        #expect(try Command(line: "volume +10") == .volume(.change(10)))
        #expect(try Command(line: "vol -5") == .volume(.change(-5)))
        #expect(try Command(line: "volume 40") == .volume(.set(40)))
        #expect(try Command(line: "volume up") == .volume(.up))
        #expect(try Command(line: "  stop  ") == .stop)
        #expect(try Command(line: "playpos 0") == .playPosition(0))
        #expect(throws: CommandSyntaxError.self) { try Command(line: "volume 140") }
        #expect(throws: CommandSyntaxError.self) { try Command(line: "stop now") }
        #expect(throws: CommandSyntaxError.self) { try Command(line: "dance") }
        #expect(throws: CommandSyntaxError.self) { try Command(line: "") }
        #expect(throws: CommandSyntaxError.self) { try Command(line: "play -2") }
    }

    @Test func commandsPrintAsTheLinesThatParseBackToThem() throws {
        let commands: [Command] = [.play(.number(3)), .play(.id("gate")), .playPosition(0), .next, .previous, .replay,
                                   .stop, .pause, .resume, .toggle, .language(.code("zh")), .language(.next),
                                   .volume(.set(40)), .volume(.change(-5)), .volume(.change(10)), .volume(.up),
                                   .volume(.down), .tour("selo"), .reload]
        for command in commands { #expect(try Command(line: command.description) == command) }
        #expect(Command.volume(.change(-5)).description == "volume -5")
    }
}
