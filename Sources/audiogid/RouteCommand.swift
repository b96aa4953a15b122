import ArgumentParser
import AudiogidCore
import AudiogidManifest
import AudiogidRoute
import Foundation

struct RouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Order a tour's stops, work out walking (or sailing) times, and draw the route.",
        discussion: """
        Legs follow the tour folder's paths.geojson when there is one (footpaths, or a river channel for a boat),
        otherwise straight lines times a circuity factor for streets. Walking times follow Tobler's hiking function
        when stops have elevations. The tour's duration adds each stop's clip (in --lang) and its dwell_s.
        A draft tour with no clips yet routes fine: missing clips count as 0 s and are listed.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, geojson, gpx, svg, html
    }

    @Argument(help: "A tour folder, its tour.yaml, or a tour id under ./tours/.")
    var path: String

    @Option(help: "fixed (the author's order) or optimize (the shortest); default: the tour's route.order.")
    var order: String?

    @Option(help: "Id of the stop to start at.")
    var start: String?

    @Option(help: "Id of the stop to end at (an open path).")
    var end: String?

    @Flag(inversion: .prefixedNo, help: "Come back to the start (default: the tour's route.loop).")
    var loop: Bool?

    @Option(help: "Walking (flat ground) or sailing speed in km/h; default: the tour's speed_kmh.")
    var speed: Double?

    @Option(help: "Language whose clip lengths count; default: the tour's first language.")
    var lang: String?

    @Option(name: .customLong("start-time"), help: "Clock time the tour starts, HH:MM, to show arrival times.")
    var startTime: String?

    @Option(help: "text, json, geojson, gpx, svg or html.")
    var format: Format = .text

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    @Option(help: "Folder holding the clips, instead of the library's audio/ folder.")
    var audio: String?

    @Option(help: "A path network (GeoJSON LineStrings) instead of the tour folder's paths.geojson.")
    var paths: String?

    @Flag(help: "Ignore paths.geojson and use straight lines.")
    var straight = false

    @Option(help: "Street detour factor for walking without a path network (default 1.25).")
    var circuity: Double = 1.25

    @Option(name: .customLong("snap-radius"), help: "Farthest a stop may be from the path network, in metres (default 300).")
    var snapRadius: Double = 300

    func validate() throws {
        if let order, RouteOrder(rawValue: order) == nil { throw ValidationError("--order must be fixed or optimize, not '\(order)'") }
        if let startTime, Self.minutes(startTime) == nil { throw ValidationError("--start-time must be HH:MM (24-hour), not '\(startTime)'") }
        if let speed, !(speed.isFinite && speed > 0) { throw ValidationError("--speed must be a positive number of km/h") }
        if !(circuity.isFinite && circuity >= 1) { throw ValidationError("--circuity must be 1 or more") }
        if !(snapRadius.isFinite && snapRadius > 0) { throw ValidationError("--snap-radius must be a positive number of metres") }
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }

    func run() async throws {
        let loaded: LoadedTour
        do {
            // Clips are probed below, one by one, so a tour with none recorded yet still routes.
            loaded = try TourLoader.load(path: path, audioDirectory: audio, checkClips: false)
        } catch {
            for finding in error.findings where finding.severity == .error { printError(finding.line) }
            printError("\(path): not a valid tour; run 'audiogid validate \(path)' for every finding")
            throw ExitCode(1)
        }
        let tour = loaded.tour
        let language = lang ?? tour.defaultLanguage
        guard tour.languages.contains(language) else {
            throw ValidationError("tour \(tour.id) has no language '\(language)' (it has \(tour.languages.joined(separator: ", ")))")
        }

        var clipSeconds: [String: Double] = [:]
        for stop in tour.stops {
            guard let choice = tour.clip(for: stop, language: language) else { continue }
            do {
                clipSeconds[stop.id] = try ClipProbe.probe(loaded.clipURL(choice.path)).durationSeconds
                if choice.isFallback {
                    printError("note: stop \(stop.number) (\(stop.id)) has no \(language) clip; its \(choice.language) clip's length is used")
                }
            } catch {
                // Not recorded yet, most likely: the route is still worth having.
                printError("note: stop \(stop.number) (\(stop.id)): clip \(choice.path) cannot be read (\(error.reason)); counted as 0 s")
            }
        }

        var network: PathNetwork?
        if !straight {
            let file = paths.map { URL(fileURLWithPath: $0) } ?? loaded.tourDirectory.appendingPathComponent("paths.geojson")
            if FileManager.default.fileExists(atPath: file.path) {
                do {
                    network = try PathNetwork(geoJSON: Data(contentsOf: file))
                } catch let error as RouteError {
                    printError("error: \(file.path): \(error.message)")
                    throw ExitCode(1)
                } catch {
                    printError("error: \(file.path): \(error.localizedDescription)")
                    throw ExitCode(1)
                }
            } else if paths != nil {
                printError("error: \(file.path): no such file")
                throw ExitCode(1)
            }
        }

        let options = RouteOptions(order: order.flatMap(RouteOrder.init(rawValue:)), start: start, end: end, loop: loop,
                                   speedKmh: speed, language: language, circuity: circuity, snapRadiusM: snapRadius)
        let itinerary: Itinerary
        do {
            itinerary = try RoutePlanner.plan(tour, clipSeconds: clipSeconds, network: network, options: options)
        } catch {
            printError("error: \(loaded.manifestPath): \(error.message)")
            throw ExitCode(1)
        }

        let clock = startTime.flatMap(Self.minutes)
        let rendered: String
        switch format {
        case .text: rendered = itinerary.text(startTime: clock)
        case .json: rendered = itinerary.json(startTime: clock)
        case .geojson: rendered = itinerary.geoJSON()
        case .gpx: rendered = itinerary.gpx()
        case .svg: rendered = itinerary.svg(startTime: clock)
        case .html: rendered = itinerary.html(startTime: clock, defaultLanguage: tour.defaultLanguage)
        }
        if let output {
            do { try Data(rendered.utf8).write(to: URL(fileURLWithPath: output)) } catch {
                printError("error: cannot write \(output): \(error.localizedDescription)")
                throw ExitCode(1)
            }
            if format != .text { for warning in itinerary.warnings { printError("warning: \(warning)") } }
        } else {
            print(rendered, terminator: "")
        }
    }
}
