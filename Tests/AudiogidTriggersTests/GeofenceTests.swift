#if canImport(Glibc)
import Glibc
#endif
import AudiogidCore
import Foundation
import Testing
@testable import AudiogidTriggers

@Suite(.timeLimit(.minutes(3))) struct GeofenceTests {
    func fix(_ c: Coordinate, speed: Double? = nil, course: Double? = nil) -> GpsFix {
        GpsFix(position: c, speedMps: speed, courseDegrees: course)
    }

    @Test func distancesAreCloseToTheGeodesic() {
        // Stop 1 → stop 2 of the riverboat tour: 763.6 m on the WGS84 ellipsoid (GeographicLib).
        let d = LocalDistance.metres(teplokhodik.stops[0].location!, teplokhodik.stops[1].location!)
        #expect(abs(d - 763.6) / 763.6 < 0.006)
        let there = LocalDistance.destination(from: teplokhodik.stops[0].location!, bearing: 123, distance: 250)
        #expect(abs(LocalDistance.metres(teplokhodik.stops[0].location!, there) - 250) < 0.01)
    }

    @Test func everyStopPlaysOnceInRouteOrderAlongTheAmur() {
        // 15 km/h (the tour's boat speed), 12 m jitter, several seeds.
        for seed in UInt64(1)...8 {
            var fence = Geofence(tour: teplokhodik)
            let track = SimulatedTrack(path: amurChannel, speedMps: 15 / 3.6, jitterM: 12, seed: seed)
            var played: [Int] = []
            var entries = 0
            for sample in track.samples {
                for change in fence.update(fix(sample.position)) {
                    if change.kind == .play { played.append(change.zone.stopNumber) }
                    if change.kind == .entered { entries += 1 }
                }
            }
            #expect(played == [1, 2, 3, 4, 5, 6], "seed \(seed)")
            #expect(entries == 6, "seed \(seed): jitter at a zone edge re-entered")
        }
    }

    @Test func jitterAtTheEdgeDoesNotFlickerThanksToHysteresis() {
        let center = teplokhodik.stops[2].location!
        func at(_ metres: Double) -> GpsFix { fix(LocalDistance.destination(from: center, bearing: 180, distance: metres)) }
        var fence = Geofence(tour: teplokhodik)
        var withoutHysteresis = Geofence(tour: teplokhodik, exitRatio: 1.0)
        var changes: [Geofence.Change] = [], flicker: [Geofence.Change] = []
        for i in 0..<60 {
            let d = i.isMultiple(of: 2) ? 245.0 : 262.0
            changes += fence.update(at(d))
            flicker += withoutHysteresis.update(at(d))
        }
        #expect(changes.map(\.kind) == [.entered, .play])
        #expect(flicker.filter { $0.kind == .entered }.count == 30)
        // Beyond 1.3 × 250 m the boat has really left.
        changes = fence.update(at(330))
        #expect(changes.map(\.kind) == [.left])
    }

    @Test func stopsPlayOncePerTripUntilReset() {
        let center = teplokhodik.stops[1].location!
        var fence = Geofence(tour: teplokhodik)
        #expect(fence.update(fix(center)).map(\.kind) == [.entered, .play])
        #expect(fence.update(fix(LocalDistance.destination(from: center, bearing: 0, distance: 500))).map(\.kind) == [.left])
        #expect(fence.update(fix(center)).map(\.kind) == [.entered])
        fence.reset()
        #expect(fence.update(fix(center)).map(\.kind) == [.play])
    }

    @Test func theRouteStartingAgainStartsANewTrip() {
        var fence = Geofence(tour: teplokhodik)
        var played: [Int] = []
        let there = SimulatedTrack(path: amurChannel, speedMps: 4, seed: 3).samples
        for sample in there + there.reversed() + there {
            played += fence.update(fix(sample.position)).filter { $0.kind == .play }.map(\.zone.stopNumber)
        }
        // Out, back (nothing new: same trip), then from the pier again: a second trip.
        #expect(played == [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6])
    }

    @Test func overlappingZonesPlayTheNearerStopFirstThenTheOther() {
        let a = Coordinate(lat: 50.25, lon: 127.50)
        let b = LocalDistance.destination(from: a, bearing: 90, distance: 150)
        var fence = Geofence(zones: [GeofenceZone(stopNumber: 1, stopId: "a", center: a, radiusM: 120),
                                     GeofenceZone(stopNumber: 2, stopId: "b", center: b, radiusM: 120)])
        let start = LocalDistance.destination(from: a, bearing: 270, distance: 300)
        let end = LocalDistance.destination(from: b, bearing: 90, distance: 300)
        var played: [(Int, Double)] = []
        for sample in SimulatedTrack(path: [start, end], speedMps: 3, seed: 1).samples {
            for change in fence.update(fix(sample.position)) where change.kind == .play {
                played.append((change.zone.stopNumber, LocalDistance.metres(sample.position, a)))
            }
        }
        #expect(played.map(\.0) == [1, 2])
        // B plays where the boat is first nearer to B than to A: just past the midpoint, 75 m from A.
        #expect(played.count == 2 && abs(played[1].1 - 76) < 4)
    }

    @Test func leadTimeStartsTheClipBeforeTheZone() {
        let center = teplokhodik.stops[3].location!
        let start = LocalDistance.destination(from: center, bearing: 270, distance: 1000)
        var plain = Geofence(tour: teplokhodik)
        var early = Geofence(tour: teplokhodik, leadSeconds: 20)
        var plainAt: Double?, earlyAt: Double?
        for sample in SimulatedTrack(path: [start, center], speedMps: 5, seed: 1).samples {
            let f = fix(sample.position, speed: sample.speedMps, course: sample.courseDegrees)
            let distance = LocalDistance.metres(sample.position, center)
            if plain.update(f).contains(where: { $0.kind == .play && $0.zone.stopNumber == 4 }) { plainAt = distance }
            if early.update(f).contains(where: { $0.kind == .play && $0.zone.stopNumber == 4 }) { earlyAt = distance }
        }
        // 20 s at 5 m/s = 100 m earlier, within one 5 m sample.
        #expect(abs((plainAt ?? 0) - 250) < 5.5)
        #expect(abs((earlyAt ?? 0) - 350) < 5.5)
    }

    @Test func decoderTurnsNmeaFromAPseudoTerminalIntoPlaysInRouteOrder() throws {
        let dir = temporaryDirectory()
        let port = FakeSerialPort(link: dir + "/ttyACM0")
        let log = EventLog()
        let link = port.link
        let framing = try SerialFraming("8N1")
        let decoder = GpsGeofenceDecoder(port: "/dev/ttyACM0", geofence: Geofence(tour: teplokhodik))
        let source = TriggerSource(name: link, decoder: decoder, open: { try SerialPort.open(link, baud: 9600, framing: framing) },
                                   deliver: log.append)
        source.start()
        defer { source.stop() }
        #expect(log.wait { _ in source.isConnected })
        let track = SimulatedTrack(path: amurChannel, speedMps: 15 / 3.6, jitterM: 10, seed: 7)
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        var text = NmeaParser.sentence("GPGGA,000000.00,,,,,0,00,99.9,,M,,M,,") + "\r\n"   // cold start: no fix yet
        text += "$GPGSV,3,1,11,01,40,083,46*7F\r\n\u{00}\u{FF}garbage\r\n"
        for sample in track.samples { text += NmeaWriter.sentences(for: sample, start: start) }
        port.send(text)
        #expect(log.wait(seconds: 20) { $0.compactMap(\.command).count == 6 })
        #expect(log.commands == ["play 1", "play 2", "play 3", "play 4", "play 5", "play 6"])
        #expect(log.all.first?.input.contains("no usable fix: no fix (quality 0)") == true)
        #expect(log.all.allSatisfy { $0.source == .gps })
        // The sentences after the last stop are still being read: wait for all of them.
        #expect(log.wait { _ in source.withDecoder { $0.acceptedFixes } == 2 * track.samples.count })
        let counts = source.withDecoder { ($0.acceptedFixes, $0.rejectedSentences) }
        #expect(counts.1 >= 2)
    }
}
