import AudiogidCore

/// What the author (or the command line) wants beyond the tour file; nil means "as the tour says".
public struct RouteOptions: Sendable {
    public var order: RouteOrder?
    public var start: String?
    public var end: String?
    public var loop: Bool?
    public var speedKmh: Double?
    /// Language whose clip lengths count; the tour's default when nil.
    public var language: String?
    /// Network distance ÷ straight-line distance for walking legs when there is no path network.
    /// 1.25: published urban walking circuity is 1.2–1.25 (Newell 1980; O'Sullivan 1996; Boeing's
    /// OpenStreetMap study of US cities, 1.22 for walking), rounded up because old town centres are rarely grids.
    public var circuity: Double
    /// A stop farther than this from the path network is an error rather than a long walk across fields.
    public var snapRadiusM: Double
    /// Speed for the bit between a stop and the network; the tour's speed when nil.
    public var offNetworkSpeedKmh: Double?
    public var solver: OrderSolver

    public init(order: RouteOrder? = nil, start: String? = nil, end: String? = nil, loop: Bool? = nil,
                speedKmh: Double? = nil, language: String? = nil, circuity: Double = 1.25, snapRadiusM: Double = 300,
                offNetworkSpeedKmh: Double? = nil, solver: OrderSolver = OrderSolver()) {
        self.order = order
        self.start = start
        self.end = end
        self.loop = loop
        self.speedKmh = speedKmh
        self.language = language
        self.circuity = circuity
        self.snapRadiusM = snapRadiusM
        self.offNetworkSpeedKmh = offNetworkSpeedKmh
        self.solver = solver
    }
}

/// Turns a tour into an itinerary: places its stops (on the path network when there is one), measures every
/// leg, orders the stops as the author asked, and schedules the visit. Never opens a file: clip lengths come
/// in as `clipSeconds` (stop id → seconds of the clip in the chosen language).
public enum RoutePlanner {
    public static func plan(_ tour: Tour, clipSeconds: [String: Double] = [:], network: PathNetwork? = nil,
                            options: RouteOptions = RouteOptions()) throws(RouteError) -> Itinerary {
        let speed = options.speedKmh ?? tour.effectiveSpeedKmh
        let offSpeed = options.offNetworkSpeedKmh ?? speed
        guard speed.isFinite, speed > 0, offSpeed.isFinite, offSpeed > 0 else {
            throw RouteError(.badOptions, "speed must be a positive number of km/h, got \(speed)")
        }
        guard options.circuity.isFinite, options.circuity >= 1 else {
            throw RouteError(.badOptions, "circuity must be 1 or more (a path is never shorter than a straight line), got \(options.circuity)")
        }
        guard options.snapRadiusM.isFinite, options.snapRadiusM > 0 else {
            throw RouteError(.badOptions, "snap radius must be a positive number of metres, got \(options.snapRadiusM)")
        }
        let stops = tour.stops
        guard !stops.isEmpty else { throw RouteError(.badOptions, "tour \(tour.id) has no stops to route") }
        let unplaced = stops.filter { $0.location == nil }
        guard unplaced.isEmpty else {
            let names = unplaced.map { "\($0.number) (\($0.id))" }.joined(separator: ", ")
            throw RouteError(.unplaceableStops, stops: unplaced.map(\.id),
                             "cannot place stop\(unplaced.count == 1 ? "" : "s") \(names) on the route: no coordinates")
        }
        let offGlobe = stops.filter { stop in
            let c = stop.location!
            return !(c.lat.isFinite && c.lon.isFinite && abs(c.lat) <= 90 && abs(c.lon) <= 180 && (c.ele?.isFinite ?? true))
        }
        guard offGlobe.isEmpty else {
            let names = offGlobe.map { "\($0.number) (\($0.id)) at \($0.location!.lat), \($0.location!.lon)" }.joined(separator: "; ")
            throw RouteError(.unplaceableStops, stops: offGlobe.map(\.id),
                             "cannot place stop\(offGlobe.count == 1 ? "" : "s") \(names): latitude must be within ±90°, longitude within ±180°")
        }
        let locations = stops.map { $0.location! }
        func index(of id: String?, _ role: String) throws(RouteError) -> Int? {
            guard let id else { return nil }
            guard let i = stops.firstIndex(where: { $0.id == id }) else {
                throw RouteError(.unknownStop, stops: [id], "\(role) stop \"\(id)\" is not in tour \(tour.id)")
            }
            return i
        }
        let order = options.order ?? tour.route.order
        let loop = options.loop ?? tour.route.loop
        let start = try index(of: options.start ?? tour.route.start, "start")
        let end = try index(of: options.end ?? tour.route.end, "end")
        var warnings: [String] = []

        // Every leg's length, time and (lazily) its line.
        let n = stops.count
        var distance = [Double](repeating: 0, count: n * n)
        var seconds = [Double](repeating: 0, count: n * n)
        var snaps: [PathNetwork.Snap] = []
        var trees: [PathNetwork.Tree] = []
        var chainage: [Double]?
        if let network {
            var far: [String] = []
            var farIDs: [String] = []
            for (stop, location) in zip(stops, locations) {
                if let snap = network.snap(location, within: options.snapRadiusM) {
                    snaps.append(snap)
                } else {
                    let away = network.snap(location, within: 50_000).map { "\(Int($0.offsetM.rounded())) m" } ?? "more than 50 km"
                    far.append("\(stop.number) (\(stop.id)) is \(away) from it")
                    farIDs.append(stop.id)
                }
            }
            guard far.isEmpty else {
                throw RouteError(.unplaceableStops, stops: farIDs,
                                 "cannot place stop\(farIDs.count == 1 ? "" : "s") on the path network (snap radius \(Int(options.snapRadiusM)) m): "
                                 + far.joined(separator: "; "))
            }
            // With elevations on the network, walkers take the quickest way by each slope (a flat detour can
            // beat a steep shortcut); otherwise the shortest, timed by the stops' own elevations.
            let slopes = tour.mode == .walk && network.hasElevations
            let weight: PathNetwork.Weight = slopes ? .walkingTime(flatKmh: speed) : .distance
            trees = snaps.map { network.tree(from: $0, weight: weight) }
            for i in 0..<n {
                for j in 0..<n where i != j {
                    let way = network.route(from: snaps[i], tree: trees[i], to: snaps[j])
                    // A boat passes its stops (sights on the bank) without leaving the channel; a walker
                    // walks from the path to the stop and back.
                    let off = tour.mode == .boat ? 0 : snaps[i].offsetM + snaps[j].offsetM
                    distance[i * n + j] = way.distance + off
                    seconds[i * n + j] = slopes
                        ? way.cost + off / (offSpeed / 3.6)
                        : travelSeconds(tour.mode, along: way.distance, off: off, speed: speed, offSpeed: offSpeed,
                                        from: locations[i], to: locations[j])
                }
            }
            // The network is undirected, so stops fall into groups that reach each other; the biggest group is
            // the tour, and the others are the ones to name (the first stop may well be the stray one).
            var groups: [[Int]] = []
            for i in 0..<n where !groups.contains(where: { $0.contains(i) }) {
                groups.append((0..<n).filter { $0 == i || distance[i * n + $0].isFinite })
            }
            if groups.count > 1 {
                let main = groups.max { $0.count < $1.count }!
                let cutOff = (0..<n).filter { !main.contains($0) }
                let names = cutOff.map { "\(stops[$0].number) (\(stops[$0].id))" }.joined(separator: ", ")
                throw RouteError(.unreachableStops, stops: cutOff.map { stops[$0].id },
                                 "stop\(cutOff.count == 1 ? "" : "s") \(names) \(cutOff.count == 1 ? "is" : "are") on a part of the path network "
                                 + "that the other \(main.count) stop\(main.count == 1 ? "" : "s") cannot reach: join the lines at a shared vertex")
            }
            if tour.mode == .boat {
                let fromSource = network.tree(fromNode: 0)
                chainage = snaps.map { network.chainage(of: $0, tree: fromSource) }
            }
        } else {
            let detour = tour.mode == .walk ? options.circuity : 1
            for i in 0..<n {
                for j in 0..<n where i != j {
                    let d = Geodesic.distance(locations[i], locations[j]) * detour
                    distance[i * n + j] = d
                    seconds[i * n + j] = travelSeconds(tour.mode, along: d, off: 0, speed: speed, offSpeed: offSpeed,
                                                       from: locations[i], to: locations[j])
                }
            }
            if tour.mode == .boat {
                warnings.append("no river network (paths.geojson): sailing legs are straight lines")
            }
        }

        // The order.
        var method = OrderMethod.fixed
        var sequence = Array(0..<n)
        switch order {
        case .fixed:
            if let start, sequence.first != start {
                if loop {
                    sequence = Array(sequence[start...] + sequence[..<start])
                } else {
                    warnings.append("order is fixed: the tour starts at its first stop, not at \(stops[start].id) (use --order optimize)")
                }
            }
            if let end, !loop, sequence.last != end {
                warnings.append("order is fixed: the tour ends at its last stop, not at \(stops[end].id) (use --order optimize)")
            }
        case .optimize:
            let costs: CostMatrix
            do { costs = try CostMatrix(count: n, values: seconds) } catch {
                throw RouteError(.badOptions, "leg times: \(error.message)")
            }
            if tour.mode == .boat && !loop, let chainage, network?.isSingleLine == true,
               let downstream = chainageDirection(chainage, start: start, end: end) {
                // Along one river the order is simply the order along the bank.
                sequence = Array(0..<n).sorted { (chainage[$0], $0) < (chainage[$1], $1) }
                if !downstream { sequence.reverse() }
                method = .chainage
            } else {
                let solution: OrderSolution
                do { solution = try options.solver.solve(costs, start: start, end: end, loop: loop) } catch {
                    throw RouteError(.badOptions, error.message)
                }
                sequence = solution.order
                method = solution.method
            }
        }

        // Legs and schedule.
        var legs: [Itinerary.Leg] = []
        var pairs = zip(sequence, sequence.dropFirst()).map { ($0, $1) }
        if loop && n > 1 { pairs.append((sequence[n - 1], sequence[0])) }
        for (i, j) in pairs {
            var path: [Coordinate]
            if let network {
                path = network.route(from: snaps[i], tree: trees[i], to: snaps[j]).path
                if tour.mode == .walk {
                    if snaps[i].offsetM > 0.5 { path.insert(locations[i], at: 0) }
                    if snaps[j].offsetM > 0.5 { path.append(locations[j]) }
                }
            } else {
                path = [locations[i], locations[j]]
            }
            let rise = locations[i].ele.flatMap { a in locations[j].ele.map { $0 - a } }
            legs.append(Itinerary.Leg(from: stops[i].id, to: stops[j].id, distanceM: distance[i * n + j],
                                      durationS: seconds[i * n + j], riseM: rise, path: path))
        }
        let language = options.language ?? tour.defaultLanguage
        var visits: [Itinerary.Visit] = []
        var clock = 0.0
        var silent: [String] = []
        for (k, i) in sequence.enumerated() {
            let stop = stops[i]
            if k > 0 { clock += legs[k - 1].durationS }
            let audio = clipSeconds[stop.id]
            if audio == nil { silent.append("\(stop.number) (\(stop.id))") }
            let visit = Itinerary.Visit(sequence: k + 1, stop: stop, title: tour.title(of: stop, in: language),
                                        location: locations[i], networkPoint: snaps.isEmpty ? nil : snaps[i].point,
                                        chainageM: chainage?[i], arrivalS: clock, audioS: max(0, audio ?? 0),
                                        hasClip: audio != nil, dwellS: max(0, stop.dwellS))
            visits.append(visit)
            clock = visit.departureS
        }
        if !silent.isEmpty {
            warnings.append("no clip length for stop\(silent.count == 1 ? "" : "s") \(silent.joined(separator: ", ")) in \(language): counted as 0 s")
        }
        return Itinerary(tourID: tour.id, tourTitle: tour.title.text(in: language, fallbacks: [tour.defaultLanguage]) ?? tour.id,
                         mode: tour.mode, speedKmh: speed, language: language, isLoop: loop && n > 1, method: method,
                         followsNetwork: network != nil, circuity: network == nil && tour.mode == .walk ? options.circuity : 1,
                         visits: visits, legs: legs, warnings: warnings, networkLines: network?.lines ?? [])
    }

    /// Seconds for a leg: boats at their speed; walkers at their flat speed adjusted by Tobler's function
    /// for the average slope between the two stops when both have an elevation.
    static func travelSeconds(_ mode: TravelMode, along: Double, off: Double, speed: Double, offSpeed: Double,
                              from a: Coordinate, to b: Coordinate) -> Double {
        let flat = along / (speed / 3.6) + off / (offSpeed / 3.6)
        guard mode == .walk, let ea = a.ele, let eb = b.ele, along + off > 0 else { return flat }
        return flat / WalkingPace.factor(slope: (eb - ea) / (along + off))
    }

    /// Downstream (true, increasing chainage) or upstream, when the start/end wishes allow sailing in one
    /// direction; nil when a pinned stop sits mid-river, which needs the general solver.
    static func chainageDirection(_ chainage: [Double], start: Int?, end: Int?) -> Bool? {
        let ascending = Array(chainage.indices).sorted { (chainage[$0], $0) < (chainage[$1], $1) }
        guard let first = ascending.first, let last = ascending.last else { return true }
        switch (start, end) {
        case (nil, nil): return true
        case (let s?, nil): return s == first ? true : (s == last ? false : nil)
        case (nil, let e?): return e == last ? true : (e == first ? false : nil)
        case (let s?, let e?): return s == first && e == last ? true : (s == last && e == first ? false : nil)
        }
    }
}
