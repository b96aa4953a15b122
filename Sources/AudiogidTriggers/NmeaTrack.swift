import AudiogidCore
import Foundation

/// A plausible GPS track along a polyline: one sample a second at a steady speed, with Gaussian
/// position jitter like a consumer receiver's. Drives `audiogid gps simulate` and the geofence tests.
public struct SimulatedTrack: Sendable {
    public struct Sample: Sendable, Equatable {
        /// Seconds since the start of the track.
        public var time: Double
        public var position: Coordinate
        public var truePosition: Coordinate
        public var speedMps: Double
        public var courseDegrees: Double
    }

    public let samples: [Sample]

    /// - Parameters:
    ///   - path: the route, at least two points.
    ///   - speedMps: boat or walking speed.
    ///   - jitterM: standard deviation of the position error, metres.
    ///   - seed: the same seed gives the same track (tests, reproducible bug reports).
    public init(path: [Coordinate], speedMps: Double, jitterM: Double = 0, interval: Double = 1, seed: UInt64 = 1) {
        var random = SplitMix64(seed: seed)
        var samples: [Sample] = []
        guard path.count >= 2, speedMps > 0 else { self.samples = []; return }
        let step = speedMps * interval
        var leg = 0
        var along = 0.0   // metres into the current leg
        var time = 0.0
        while leg < path.count - 1 {
            let a = path[leg], b = path[leg + 1]
            let length = LocalDistance.metres(a, b)
            if along > length || length == 0 {
                along -= length
                leg += 1
                continue
            }
            let course = LocalDistance.bearing(a, b)
            let here = LocalDistance.destination(from: a, bearing: course, distance: along)
            var seen = here
            if jitterM > 0 {
                let (dx, dy) = random.gaussianPair()
                seen = LocalDistance.destination(from: here, bearing: atan2(dx, dy) * 180 / .pi, distance: jitterM * (dx * dx + dy * dy).squareRoot())
            }
            samples.append(Sample(time: time, position: seen, truePosition: here, speedMps: speedMps, courseDegrees: course))
            time += interval
            along += step
        }
        if let last = path.last, let previous = samples.last {
            samples.append(Sample(time: time, position: last, truePosition: last, speedMps: 0, courseDegrees: previous.courseDegrees))
        }
        self.samples = samples
    }
}

/// Writes RMC and GGA sentences (valid checksums, CRLF) for track samples.
public enum NmeaWriter {
    /// The two sentences a receiver sends each second for `sample`, timed from `start` (UTC).
    public static func sentences(for sample: SimulatedTrack.Sample, start: Date, satellites: Int = 9, hdop: Double = 0.9) -> String {
        let date = start.addingTimeInterval(sample.time)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let hundredths = (c.nanosecond ?? 0) / 10_000_000
        let time = String(format: "%02d%02d%02d.%02d", c.hour!, c.minute!, c.second!, hundredths)
        let day = String(format: "%02d%02d%02d", c.day!, c.month!, c.year! % 100)
        let (lat, ns) = angle(sample.position.lat, degreeDigits: 2, positive: "N", negative: "S")
        let (lon, ew) = angle(sample.position.lon, degreeDigits: 3, positive: "E", negative: "W")
        let knots = sample.speedMps * 3600 / 1852
        let rmc = NmeaParser.sentence(String(format: "GPRMC,%@,A,%@,%@,%@,%@,%.1f,%.1f,%@,,,A", time, lat, ns, lon, ew, knots, sample.courseDegrees, day))
        let gga = NmeaParser.sentence(String(format: "GPGGA,%@,%@,%@,%@,%@,1,%02d,%.1f,%.1f,M,0.0,M,,", time, lat, ns, lon, ew, satellites, hdop, sample.position.ele ?? 120.0))
        return rmc + "\r\n" + gga + "\r\n"
    }

    static func angle(_ value: Double, degreeDigits: Int, positive: String, negative: String) -> (String, String) {
        let magnitude = abs(value)
        var degrees = Int(magnitude)
        var minutes = (magnitude - Double(degrees)) * 60
        if minutes >= 59.999995 { degrees += 1; minutes = 0 }
        return (String(format: "%0\(degreeDigits)d%07.4f", degrees, minutes), value < 0 ? negative : positive)
    }
}

extension SplitMix64 {
    /// Two independent standard normal values (Box–Muller).
    mutating func gaussianPair() -> (Double, Double) {
        let u1 = max(Double.random(in: 0..<1, using: &self), .leastNonzeroMagnitude)
        let u2 = Double.random(in: 0..<1, using: &self)
        let r = (-2 * log(u1)).squareRoot()
        return (r * cos(2 * .pi * u2), r * sin(2 * .pi * u2))
    }
}
