import Testing
@testable import AudiogidCore

/// `seek`: jumping within a clip, from MPD's `seek`/`seekid`/`seekcur` or a visitor's "back 10 s" button.
@Suite(.timeLimit(.minutes(3))) struct PlayerSeekTests {
    let tour = PlayerTests.tour

    func seeks(_ decision: PlayerDecision) -> [Double] {
        decision.effects.compactMap { if case .seek(_, let seconds) = $0 { seconds } else { nil } }
    }

    @Test func relativeAndAbsoluteSeeksMoveWhatElapsedReports() {
        var p = Player(tour: tour, at: Moment(seconds: 0))
        _ = p.handle(.play(.number(1)), source: .gpio, at: Moment(seconds: 100))
        #expect(seeks(p.handle(.seek(SeekRequest(seconds: 3, relative: true)), source: .socket, at: Moment(seconds: 102))) == [5])
        #expect(p.elapsed(at: Moment(seconds: 103)) == 6)
        // Back 10 s from 6 s is the clip's start, not before it.
        #expect(seeks(p.handle(.seek(SeekRequest(seconds: -10, relative: true)), source: .gpio, at: Moment(seconds: 103))) == [0])
        #expect(seeks(p.handle(.seek(SeekRequest(seconds: 7.5, relative: false)), source: .socket, at: Moment(seconds: 104))) == [7.5])
        #expect(p.elapsed(at: Moment(seconds: 105)) == 8.5)
        #expect(p.state.isPlaying)
    }

    @Test func aPausedClipStaysPausedWhereItWasSent() {
        var p = Player(tour: tour, at: Moment(seconds: 0))
        _ = p.handle(.play(.number(1)), source: .socket, at: Moment(seconds: 0))
        _ = p.handle(.pause, source: .socket, at: Moment(seconds: 4))
        #expect(seeks(p.handle(.seek(SeekRequest(seconds: 2, relative: true)), source: .socket, at: Moment(seconds: 9))) == [6])
        #expect(p.state.isPaused)
        #expect(p.elapsed(at: Moment(seconds: 20)) == 6)
    }

    @Test func seekingInAnotherStopStartsIt() {
        var p = Player(tour: tour, at: Moment(seconds: 0))
        _ = p.handle(.play(.number(1)), source: .socket, at: Moment(seconds: 0))
        let decision = p.handle(.seek(SeekRequest(position: 1, seconds: 4, relative: false)), source: .socket, at: Moment(seconds: 1))
        guard case .start(let play) = decision.effects.dropLast().last, case .seek(let token, 4) = decision.effects.last else {
            Issue.record("no start then seek: \(decision.effects)")
            return
        }
        #expect(play.stopID == "church" && token == play.token)
        #expect(p.handle(.seek(SeekRequest(position: 9, seconds: 0, relative: false)), source: .socket, at: Moment(seconds: 2)).refusal
                == .noSuchPosition(9))
    }

    @Test func nothingPlayingIsRefused() {
        var p = Player(tour: tour, at: Moment(seconds: 0))
        #expect(p.handle(.seek(SeekRequest(seconds: 5, relative: false)), source: .socket, at: Moment(seconds: 0)).refusal == .notPlaying)
    }

    @Test func theButtonWordsReadAsSeeks() throws {
        #expect(try Command(line: "seek -10") == .seek(SeekRequest(seconds: -10, relative: true)))
        #expect(try Command(line: "seek +2.5") == .seek(SeekRequest(seconds: 2.5, relative: true)))
        #expect(try Command(line: "seek 30") == .seek(SeekRequest(seconds: 30, relative: false)))
        #expect(throws: CommandSyntaxError.self) { try Command(line: "seek back") }
        #expect(try Command(line: Command.seek(SeekRequest(seconds: -10, relative: true)).description) == .seek(SeekRequest(seconds: -10, relative: true)))
    }
}
