/// The kiosk's player as a pure state machine: idle, playing or paused; fed commands, clip endings
/// and clock ticks; answering with the effects the daemon must carry out.
///
/// It touches no device and reads no clock: every input carries its `Moment`, so the policies
/// (preempt / ignore / queue, same-button stop / restart, auto-advance, idle prompt, quiet hours)
/// are tested in microseconds.
public struct Player: Sendable {
    public private(set) var tour: Tour
    /// The stops in route order: the queue an MPD client sees.
    public private(set) var order: [Stop]
    public private(set) var settings: PlayerSettings
    public private(set) var language: String
    public private(set) var volume: Int
    public private(set) var state: PlayerState = .idle
    /// Stops pressed while busy under the `queue` policy, with who pressed them.
    public private(set) var pending: [(position: Int, source: PressSource)] = []
    /// The last stop played, where `next`, `previous` and `replay` count from when idle.
    public private(set) var lastPosition: Int?
    /// When the last press (or the idle prompt) happened; the idle prompt counts from here.
    public private(set) var lastActivity: Double

    private var nextToken: UInt64 = 1
    /// Seconds heard before the current pause/resume stretch, and when that stretch began.
    private var heardBefore: Double = 0
    private var stretchStart: Double = 0

    public init(tour: Tour, order: [Stop]? = nil, settings: PlayerSettings = PlayerSettings(),
                language: String? = nil, volume: Int = 80, at now: Moment) {
        self.tour = tour
        self.order = order ?? tour.stops
        self.settings = settings
        self.language = language.flatMap { tour.languages.contains($0) ? $0 : nil } ?? tour.defaultLanguage
        self.volume = min(max(volume, 0), settings.volumeCap)
        self.lastActivity = now.seconds
    }

    /// Seconds of the current clip heard so far (pauses excluded).
    public func elapsed(at now: Moment) -> Double {
        switch state {
        case .idle: 0
        case .playing: heardBefore + max(0, now.seconds - stretchStart)
        case .paused: heardBefore
        }
    }

    public mutating func handle(_ command: Command, source: PressSource, at now: Moment) -> PlayerDecision {
        if source != .auto { lastActivity = now.seconds }
        switch command {
        case .play(let reference):
            guard let position = position(of: reference) else { return PlayerDecision(refusal: .noSuchStop(reference)) }
            return press(position: position, source: source, at: now, isStopButton: true)
        case .playPosition(let index):
            guard order.indices.contains(index) else { return PlayerDecision(refusal: .noSuchPosition(index)) }
            return press(position: index, source: source, at: now, isStopButton: false)
        case .next, .previous:
            let step = command == .next ? 1 : -1
            guard let target = neighbour(step: step, wrapping: tour.route.loop) else {
                return PlayerDecision(refusal: .endOfTour)
            }
            return press(position: target, source: source, at: now, isStopButton: false)
        case .replay:
            guard let position = state.play?.position ?? lastPosition ?? (order.isEmpty ? nil : 0) else {
                return PlayerDecision(refusal: .notPlaying)
            }
            return begin(position: position, source: source, at: now)
        case .stop:
            pending.removeAll()
            guard let play = state.play else { return PlayerDecision() }
            return PlayerDecision([end(play, .interrupted, at: now), .silence])
        case .pause:
            guard case .playing(let play) = state else { return PlayerDecision() }
            heardBefore += max(0, now.seconds - stretchStart)
            state = .paused(play)
            return PlayerDecision([.pause])
        case .resume:
            switch state {
            case .paused(let play):
                guard settings.isOpen(minuteOfDay: now.minuteOfDay) else { return PlayerDecision(refusal: .quietHours) }
                stretchStart = now.seconds
                state = .playing(play)
                return PlayerDecision([.resume])
            case .playing:
                return PlayerDecision()
            case .idle:
                guard let position = lastPosition ?? (order.isEmpty ? nil : 0) else {
                    return PlayerDecision(refusal: .noSuchPosition(0))
                }
                return begin(position: position, source: source, at: now)
            }
        case .toggle:
            if case .playing = state { return handle(.pause, source: source, at: now) }
            return handle(.resume, source: source, at: now)
        case .language(let request):
            let code: String
            switch request {
            case .code(let asked):
                guard let match = tour.languages.first(where: { $0.lowercased() == asked.lowercased() }) else {
                    return PlayerDecision(refusal: .unknownLanguage(asked))
                }
                code = match
            case .next:
                let index = tour.languages.firstIndex(of: language) ?? -1
                code = tour.languages.isEmpty ? language : tour.languages[(index + 1) % tour.languages.count]
            }
            // The clip already playing keeps its language: the choice applies from the next press.
            language = code
            return PlayerDecision([.languageChanged(code)])
        case .volume(let request):
            let wanted: Int
            switch request {
            case .set(let level): wanted = level
            case .change(let delta): wanted = volume + delta
            case .up: wanted = volume + settings.volumeStep
            case .down: wanted = volume - settings.volumeStep
            }
            volume = min(max(wanted, 0), settings.volumeCap)
            return PlayerDecision([.setVolume(volume)])
        case .seek(let request):
            return seek(request, source: source, at: now)
        case .tour(let id):
            return PlayerDecision([.loadTour(id)])
        case .reload:
            return PlayerDecision([.reload])
        }
    }

    /// A short sound of the player's own that is not a stop (the keypad's "no such stop", from `audio/system/`):
    /// played like the idle prompt, in the visitor's language if there is one, replacing what plays, so a
    /// wrong number is answered rather than met with silence.
    public mutating func announce(_ clips: ClipPaths, source: PressSource, at now: Moment) -> PlayerDecision {
        guard settings.isOpen(minuteOfDay: now.minuteOfDay) else { return PlayerDecision(refusal: .quietHours) }
        guard let clip = choose(from: clips) else { return PlayerDecision() }
        var effects: [PlayerEffect] = []
        if let playing = state.play { effects.append(end(playing, .interrupted, at: now)) }
        pending.removeAll()
        let play = Play(token: takeToken(), stopID: nil, stopNumber: nil, position: nil, clip: clip,
                        source: source, startedAt: now.seconds)
        startStretch(play, at: now)
        effects.append(.start(play))
        return PlayerDecision(effects)
    }

    /// The audio engine played the clip to its end (or gave up on it).
    public mutating func clipEnded(token: UInt64, outcome: PlayOutcome = .finished, secondsHeard: Double? = nil,
                                   at now: Moment) -> [PlayerEffect] {
        guard let play = state.play, play.token == token else { return [] }
        var effects = [end(play, outcome, secondsHeard: secondsHeard, at: now)]
        guard !play.isPrompt, settings.isOpen(minuteOfDay: now.minuteOfDay) else { return effects }
        if !pending.isEmpty {
            let next = pending.removeFirst()
            effects += begin(position: next.position, source: next.source, at: now).effects
        } else if settings.autoAdvance, let position = play.position, position + 1 < order.count,
                  outcome == .finished {
            // Auto-advance walks the route once; it never wraps round a loop tour, or it would talk forever.
            effects += begin(position: position + 1, source: .auto, at: now).effects
        }
        return effects
    }

    /// Time passes: quiet hours begin, or the kiosk has been idle long enough for its prompt.
    public mutating func tick(at now: Moment) -> [PlayerEffect] {
        let open = settings.isOpen(minuteOfDay: now.minuteOfDay)
        if !open, let play = state.play {
            pending.removeAll()
            return [end(play, .interrupted, at: now), .silence]
        }
        guard open, case .idle = state, let prompt = settings.idlePrompt,
              now.seconds - lastActivity >= prompt.afterSeconds,
              let clip = choose(from: prompt.clips) else { return [] }
        lastActivity = now.seconds
        let play = Play(token: takeToken(), stopID: nil, stopNumber: nil, position: nil, clip: clip,
                        source: .auto, startedAt: now.seconds)
        startStretch(play, at: now)
        return [.start(play)]
    }

    /// Swap in another (or a re-read) tour. A clip of the same stop keeps playing when the stop is
    /// still there, so `reload` does not cut the visitor off; otherwise it is stopped.
    public mutating func replaceTour(_ newTour: Tour, order newOrder: [Stop]? = nil, at now: Moment) -> [PlayerEffect] {
        let sameTour = newTour.id == tour.id
        tour = newTour
        order = newOrder ?? newTour.stops
        pending.removeAll()
        if !tour.languages.contains(language) { language = tour.defaultLanguage }
        if let play = state.play, !play.isPrompt {
            if sameTour, let id = play.stopID, let index = order.firstIndex(where: { $0.id == id }) {
                var moved = play
                moved.position = index
                state = state.isPaused ? .paused(moved) : .playing(moved)
                lastPosition = index
                return []
            }
            lastPosition = nil
            return [end(play, .interrupted, at: now), .silence]
        }
        if !sameTour { lastPosition = nil }
        return []
    }

    public mutating func updateSettings(_ newSettings: PlayerSettings) -> [PlayerEffect] {
        settings = newSettings
        guard volume > settings.volumeCap else { return [] }
        volume = settings.volumeCap
        return [.setVolume(volume)]
    }

    // MARK: - Decisions

    private func position(of reference: StopReference) -> Int? {
        switch reference {
        case .number(let number): order.firstIndex { $0.number == number }
        case .id(let id): order.firstIndex { $0.id == id }
        }
    }

    private func neighbour(step: Int, wrapping: Bool) -> Int? {
        guard !order.isEmpty else { return nil }
        guard let from = state.play?.position ?? lastPosition else { return step > 0 ? 0 : nil }
        let target = from + step
        if order.indices.contains(target) { return target }
        if wrapping { return (target + order.count) % order.count }
        // `previous` on the first stop replays it, as a CD player does.
        return step < 0 ? from : nil
    }

    /// A press that asks for a stop, with the busy and same-button policies applied.
    private mutating func press(position: Int, source: PressSource, at now: Moment, isStopButton: Bool) -> PlayerDecision {
        switch state {
        case .playing(let play) where !play.isPrompt:
            if play.position == position && isStopButton {
                switch settings.samePress {
                case .stop: return PlayerDecision([end(play, .interrupted, at: now), .silence])
                case .restart: return begin(position: position, source: source, at: now)
                }
            }
            switch settings.whileBusy {
            case .preempt:
                return begin(position: position, source: source, at: now)
            case .ignore:
                return PlayerDecision(refusal: .busy(playing: play.stopNumber))
            case .queue:
                guard settings.isOpen(minuteOfDay: now.minuteOfDay) else { return PlayerDecision(refusal: .quietHours) }
                if !pending.contains(where: { $0.position == position }) { pending.append((position, source)) }
                return PlayerDecision()
            }
        case .paused(let play) where play.position == position && isStopButton:
            // The visitor paused this stop and presses its button again: carry on where it was.
            return handle(.resume, source: source, at: now)
        default:
            return begin(position: position, source: source, at: now)
        }
    }

    /// Jumps within the clip playing or paused (a paused one stays paused), or starts the stop asked for and jumps
    /// within it. Before the clip's start is its start; past its end, the audio engine ends it.
    private mutating func seek(_ request: SeekRequest, source: PressSource, at now: Moment) -> PlayerDecision {
        var effects: [PlayerEffect] = []
        if let position = request.position, position != state.play?.position {
            guard order.indices.contains(position) else { return PlayerDecision(refusal: .noSuchPosition(position)) }
            let started = begin(position: position, source: source, at: now)
            if started.refusal != nil { return started }
            effects = started.effects
        }
        guard let play = state.play, !play.isPrompt else { return PlayerDecision(refusal: .notPlaying) }
        let target = max(0, request.relative ? elapsed(at: now) + request.seconds : request.seconds)
        heardBefore = target
        stretchStart = now.seconds
        effects.append(.seek(token: play.token, seconds: target))
        return PlayerDecision(effects)
    }

    /// Start the stop at `position` now, ending whatever plays.
    private mutating func begin(position: Int, source: PressSource, at now: Moment) -> PlayerDecision {
        guard settings.isOpen(minuteOfDay: now.minuteOfDay) else { return PlayerDecision(refusal: .quietHours) }
        let stop = order[position]
        guard let clip = tour.clip(for: stop, language: language) else {
            return PlayerDecision(refusal: .noClip(stopID: stop.id, language: language))
        }
        var effects: [PlayerEffect] = []
        if let playing = state.play { effects.append(end(playing, .interrupted, at: now)) }
        let play = Play(token: takeToken(), stopID: stop.id, stopNumber: stop.number, position: position, clip: clip,
                        source: source, startedAt: now.seconds)
        startStretch(play, at: now)
        lastPosition = position
        effects.append(.start(play))
        return PlayerDecision(effects)
    }

    private mutating func startStretch(_ play: Play, at now: Moment) {
        state = .playing(play)
        heardBefore = 0
        stretchStart = now.seconds
    }

    private mutating func end(_ play: Play, _ outcome: PlayOutcome, secondsHeard: Double? = nil, at now: Moment) -> PlayerEffect {
        let heard = secondsHeard ?? elapsed(at: now)
        state = .idle
        heardBefore = 0
        return .ended(PlayEnded(play: play, outcome: outcome, secondsHeard: heard, endedAt: now.seconds))
    }

    private mutating func takeToken() -> UInt64 {
        defer { nextToken += 1 }
        return nextToken
    }

    private func choose(from clips: ClipPaths) -> ClipChoice? {
        if let path = clips[language] { return ClipChoice(path: path, language: language, isFallback: false) }
        if let path = clips[tour.defaultLanguage] {
            return ClipChoice(path: path, language: tour.defaultLanguage, isFallback: true)
        }
        return clips.keys.sorted().first.map { ClipChoice(path: clips[$0]!, language: $0, isFallback: true) }
    }
}

extension PlayerState {
    public var isPaused: Bool { if case .paused = self { true } else { false } }
    public var isPlaying: Bool { if case .playing = self { true } else { false } }
}
