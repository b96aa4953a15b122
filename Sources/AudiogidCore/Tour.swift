/// How visitors travel between stops: on foot, or on a boat along a river.
public enum TravelMode: String, Sendable, Equatable, CaseIterable, Codable {
    case walk
    case boat

    /// Speed used when a tour gives none.
    /// Walking: 4.5 km/h, a relaxed group pace, a little under the 5 km/h that OSRM and GraphHopper use
    /// for a single adult, because a guided group stops and chats between stops.
    /// Boat: 15 km/h, a small river passenger boat cruising along an embankment.
    public var defaultSpeedKmh: Double {
        switch self {
        case .walk: 4.5
        case .boat: 15
        }
    }
}

/// Whether the route engine keeps the author's order of stops or finds the shortest one.
public enum RouteOrder: String, Sendable, Equatable, CaseIterable, Codable {
    case fixed
    case optimize
}

/// The author's wishes for the route: order, where it starts and ends, whether it returns to the start.
public struct RoutePlan: Sendable, Equatable {
    public var order: RouteOrder
    public var start: String?
    public var end: String?
    public var loop: Bool
    /// Network distance ÷ straight-line distance for walking legs when the tour has no path network.
    public var circuity: Double?

    public init(order: RouteOrder = .fixed, start: String? = nil, end: String? = nil, loop: Bool = false,
                circuity: Double? = nil) {
        self.order = order
        self.start = start
        self.end = end
        self.loop = loop
        self.circuity = circuity
    }
}

/// Clips per language: language code → path relative to the library's `audio/` folder.
public typealias ClipPaths = [String: String]

/// One place on the tour, with its narration.
public struct Stop: Sendable, Equatable, Identifiable {
    public var id: String
    /// What a visitor presses or types: unique in the tour, 1...9999.
    public var number: Int
    public var title: LocalizedText
    public var location: Coordinate?
    /// Geofence radius for GPS-triggered tours, in metres.
    public var radiusM: Double?
    /// Time spent at the stop beyond listening to the clip, in seconds.
    public var dwellS: Double
    public var audio: ClipPaths
    public var transcript: LocalizedText
    /// The clips are machine-spoken drafts (`audiogid narrate`), for walking the route before the recordings exist.
    public var draft: Bool
    /// A picture of the stop (path relative to `audio/`, as the clips), optional: what phone clients show as the
    /// cover of its queue entry.
    public var image: String?

    public init(id: String, number: Int, title: LocalizedText = LocalizedText(), location: Coordinate? = nil,
                radiusM: Double? = nil, dwellS: Double = 0, audio: ClipPaths = [:],
                transcript: LocalizedText = LocalizedText(), draft: Bool = false, image: String? = nil) {
        self.id = id
        self.number = number
        self.title = title
        self.location = location
        self.radiusM = radiusM
        self.dwellS = dwellS
        self.audio = audio
        self.transcript = transcript
        self.draft = draft
        self.image = image
    }
}

/// A tour as staff wrote it in `tours/<id>/tour.yaml`.
public struct Tour: Sendable, Equatable, Identifiable {
    public static let currentFormat = 1

    public var format: Int
    public var id: String
    /// The release, for packages and a kiosk's rollback protection; optional while a tour is being written.
    public var version: TourVersion?
    public var title: LocalizedText
    public var description: LocalizedText
    /// Declared languages; the first is the default.
    public var languages: [String]
    public var mode: TravelMode
    public var speedKmh: Double?
    public var route: RoutePlan
    public var intro: ClipPaths
    public var stops: [Stop]

    public init(format: Int = Tour.currentFormat, id: String, title: LocalizedText = LocalizedText(),
                description: LocalizedText = LocalizedText(), languages: [String], mode: TravelMode = .walk,
                speedKmh: Double? = nil, route: RoutePlan = RoutePlan(), intro: ClipPaths = [:], stops: [Stop],
                version: TourVersion? = nil) {
        self.format = format
        self.id = id
        self.version = version
        self.title = title
        self.description = description
        self.languages = languages
        self.mode = mode
        self.speedKmh = speedKmh
        self.route = route
        self.intro = intro
        self.stops = stops
    }

    public var defaultLanguage: String { languages.first ?? "en" }
    public var effectiveSpeedKmh: Double { speedKmh ?? mode.defaultSpeedKmh }

    public func stop(id: String) -> Stop? { stops.first { $0.id == id } }
    public func stop(number: Int) -> Stop? { stops.first { $0.number == number } }

    /// The stop's title for a visitor who chose `language`, falling back to the tour's default language.
    public func title(of stop: Stop, in language: String) -> String {
        stop.title.text(in: language, fallbacks: [defaultLanguage]) ?? stop.id
    }

    /// The clip a visitor hears at `stop` in `language`: their language, else the tour's default
    /// language (the fallback staff are warned about by the validator).
    public func clip(for stop: Stop, language: String) -> ClipChoice? {
        if let path = stop.audio[language] { return ClipChoice(path: path, language: language, isFallback: false) }
        if let path = stop.audio[defaultLanguage] {
            return ClipChoice(path: path, language: defaultLanguage, isFallback: language != defaultLanguage)
        }
        return nil
    }
}

/// Which clip plays, and in which language (which may be the fallback rather than the one asked for).
public struct ClipChoice: Sendable, Equatable {
    public var path: String
    public var language: String
    public var isFallback: Bool

    public init(path: String, language: String, isFallback: Bool) {
        self.path = path
        self.language = language
        self.isFallback = isFallback
    }
}
