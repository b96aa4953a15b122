import ArgumentParser
import AudiogidCore
import AudiogidManifest
import AudiogidRoute
import AudiogidTriggers
import Foundation

struct GpsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gps",
        abstract: "GPS tools for boat tours.",
        subcommands: [GpsSimulateCommand.self]
    )
}

/// Testing a boat setup on land: a plausible NMEA track of the tour's route, to a file or a pseudo-terminal
/// the kiosk's `triggers.gps.port` can point at.
struct GpsSimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write NMEA (RMC + GGA, 1 Hz, with jitter) along the tour's route to a file, stdout or a pseudo-terminal."
    )

    @Argument(help: "A tour folder, its tour.yaml, or a tour id under ./tours/.")
    var tour: String

    @Option(help: "Write to this file ('-' = stdout, the default).")
    var out: String?

    @Option(help: "Create a pseudo-terminal and link this path to it (e.g. ./gps); point triggers.gps.port there.")
    var pty: String?

    @Option(help: "Speed in km/h (default: the tour's).")
    var speed: Double?

    @Option(name: .customLong("jitter-m"), help: "Standard deviation of the position error, metres.")
    var jitterM: Double = 5

    @Option(help: "Random seed: the same seed gives the same track.")
    var seed: UInt64 = 1

    @Flag(help: "Straight lines between the stops, ignoring the tour's paths.geojson.")
    var straight = false

    @Option(help: "Time factor: 1 = real time, 10 = ten times faster, 0 = no waiting (default: 1 with --pty, 0 otherwise).")
    var pace: Double?

    func validate() throws {
        if out != nil && pty != nil { throw ValidationError("give --out or --pty, not both") }
        if let speed, !(speed > 0 && speed < 200) { throw ValidationError("--speed must be between 0 and 200 km/h") }
        if !(jitterM >= 0 && jitterM < 1000) { throw ValidationError("--jitter-m must be between 0 and 1000") }
        if let pace, !(pace >= 0) { throw ValidationError("--pace must be 0 or more") }
    }

    func run() async throws {
        let loaded: LoadedTour
        do {
            loaded = try TourLoader.load(path: tour, checkClips: false)
        } catch {
            for finding in error.findings where finding.severity == .error { printError(finding.line) }
            printError("\(tour): not a valid tour; run 'audiogid validate \(tour)' for every finding")
            throw ExitCode(1)
        }
        let (path, how) = Self.routePath(loaded, straight: straight)
        guard path.count >= 2 else {
            printError("\(tour): a track needs at least two stops with a location")
            throw ExitCode(1)
        }
        let kmh = speed ?? loaded.tour.effectiveSpeedKmh
        let track = SimulatedTrack(path: path, speedMps: kmh / 3.6, jitterM: jitterM, seed: seed)
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let fd: Int32
        var keepOpen: Int32 = -1
        var destination = out ?? "stdout"
        if let pty {
            let terminal: PseudoTerminal
            do {
                terminal = try PseudoTerminal.open()
            } catch {
                printError("cannot create a pseudo-terminal: \(error)")
                throw ExitCode(1)
            }
            let device = terminal.path
            unlink(pty)
            guard symlink(device, pty) == 0 else {
                printError("\(pty): cannot create the link: \(String(cString: strerror(errno)))")
                throw ExitCode(1)
            }
            fd = terminal.primary
            keepOpen = terminal.secondary   // held open so a reader that reconnects finds the pty still there
            destination = "\(pty) → \(device)"
        } else if let out, out != "-" {
            fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                printError("\(out): cannot write: \(String(cString: strerror(errno)))")
                throw ExitCode(1)
            }
        } else {
            fd = STDOUT_FILENO
        }
        let metres = zip(path, path.dropFirst()).reduce(0) { $0 + LocalDistance.metres($1.0, $1.1) }
        printError(String(format: "%@: %@, %.2f km at %.1f km/h, %d fixes (RMC+GGA at 1 Hz, jitter %.0f m) → %@",
                          loaded.tour.id, how, metres / 1000, kmh, track.samples.count, jitterM, destination))
        let factor = pace ?? (pty == nil ? 0 : 1)
        for sample in track.samples {
            if factor > 0 {
                let due = start.addingTimeInterval(sample.time / factor)
                let wait = due.timeIntervalSinceNow
                if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
            }
            let bytes = Array(NmeaWriter.sentences(for: sample, start: start).utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    printError("\(destination): write failed: \(String(cString: strerror(errno)))")
                    throw ExitCode(1)
                }
                offset += n
            }
        }
        if let pty {
            // Give the reader a moment to drain the last sentences before the pty disappears.
            try await Task.sleep(nanoseconds: 500_000_000)
            unlink(pty)
            close(keepOpen)
        }
        if fd != STDOUT_FILENO { close(fd) }
    }

    /// The route as one line: the route engine's itinerary (its order, along the tour's paths.geojson where there
    /// is one, e.g. the Amur channel for the riverboat), or straight lines between the stops in the tour's order.
    static func routePath(_ loaded: LoadedTour, straight: Bool) -> ([Coordinate], String) {
        let stops = loaded.tour.stops.filter { $0.location != nil }.count
        var network: PathNetwork?
        let file = loaded.tourDirectory.appendingPathComponent("paths.geojson")
        if !straight, let data = try? Data(contentsOf: file) {
            do {
                network = try PathNetwork(geoJSON: data)
            } catch {
                printError("note: \(file.path): \(error.message); using straight lines")
            }
        }
        if let itinerary = try? RoutePlanner.plan(loaded.tour, network: network), itinerary.polyline.count >= 2 {
            // Each leg runs stop → network → stop; a boat passing a landmark stays in the channel, so the
            // detours out to the stops between the first and the last are left out.
            let passed = Set(itinerary.visits.dropFirst().dropLast().filter { $0.networkPoint != nil }.map(\.location))
            let line = itinerary.polyline.filter { !passed.contains($0) }
            return (line, "\(itinerary.visits.count) stops in route order, " + (itinerary.followsNetwork ? "along paths.geojson" : "straight lines"))
        }
        return (loaded.tour.stops.compactMap(\.location), "\(stops) stops, straight lines")
    }
}
