import AudiogidCore

/// A recommended-minimum fix (RMC): where, how fast, which way, and whether the receiver trusts it.
public struct NmeaRMC: Sendable, Equatable {
    /// UTC seconds since midnight.
    public var time: Double?
    /// Status A (valid) and, from NMEA 2.3 on, a mode indicator other than N (no fix) or E (dead reckoning).
    public var valid: Bool
    public var position: Coordinate?
    public var speedKnots: Double?
    public var courseDegrees: Double?
}

/// A fix-data sentence (GGA): position, fix quality, satellites, horizontal dilution, altitude.
public struct NmeaGGA: Sendable, Equatable {
    public var time: Double?
    public var position: Coordinate?
    /// 0 invalid, 1 GPS, 2 DGPS, 4 RTK, 5 float RTK, 6 dead reckoning, 7 manual, 8 simulation.
    public var quality: Int
    public var satellites: Int
    public var hdop: Double?
}

public enum NmeaSentence: Sendable, Equatable {
    case rmc(NmeaRMC)
    case gga(NmeaGGA)
    /// A well-formed sentence of another type (GSV, VTG, ...): not needed for geofences.
    case other(String)
}

/// Why a line was not a usable NMEA sentence.
public struct NmeaError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// NMEA 0183 sentence parsing: checksum first (a sentence without one is rejected: a receiver that
/// omits it is rare, line noise that looks like a sentence is not), then RMC and GGA fields.
public enum NmeaParser {
    public static func parse(_ line: String) throws(NmeaError) -> NmeaSentence {
        let bytes = Array(line.utf8)
        guard bytes.first == UInt8(ascii: "$") else { throw NmeaError("does not start with $") }
        guard let star = bytes.lastIndex(of: UInt8(ascii: "*")), star + 3 == bytes.count else {
            throw NmeaError("no *hh checksum at the end")
        }
        guard let given = UInt8(String(decoding: bytes[(star + 1)...], as: UTF8.self), radix: 16) else {
            throw NmeaError("checksum is not two hex digits")
        }
        let computed = bytes[1..<star].reduce(UInt8(0), ^)
        guard given == computed else {
            throw NmeaError("checksum mismatch: says \(hex(given)), data gives \(hex(computed))")
        }
        let fields = String(decoding: bytes[1..<star], as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let address = fields[0]
        guard address.count >= 5, address.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
            throw NmeaError("bad address field '\(address)'")
        }
        // Any talker: GP (GPS), GN (multi-constellation), GL, GA, BD/GB...
        switch String(address.suffix(3)) {
        case "RMC": return .rmc(try rmc(fields))
        case "GGA": return .gga(try gga(fields))
        default: return .other(address)
        }
    }

    static func rmc(_ f: [String]) throws(NmeaError) -> NmeaRMC {
        guard f.count >= 10 else { throw NmeaError("RMC has \(f.count - 1) fields, expected at least 9") }
        let status = f[2]
        guard status == "A" || status == "V" else { throw NmeaError("RMC status '\(status)' is neither A nor V") }
        let mode = f.count > 12 ? f[12] : ""
        let position = try coordinate(f[3], f[4], f[5], f[6])
        return NmeaRMC(time: try time(f[1]), valid: status == "A" && mode != "N" && mode != "E" && position != nil,
                       position: position, speedKnots: try number(f[7], "speed"), courseDegrees: try number(f[8], "course"))
    }

    static func gga(_ f: [String]) throws(NmeaError) -> NmeaGGA {
        guard f.count >= 9 else { throw NmeaError("GGA has \(f.count - 1) fields, expected at least 8") }
        guard let quality = Int(f[6]), (0...8).contains(quality) else { throw NmeaError("GGA fix quality '\(f[6])' is not 0...8") }
        let satellites = f[7].isEmpty ? 0 : Int(f[7]) ?? -1
        guard (0...99).contains(satellites) else { throw NmeaError("GGA satellites '\(f[7])' is not a count") }
        return NmeaGGA(time: try time(f[1]), position: try coordinate(f[2], f[3], f[4], f[5]), quality: quality,
                       satellites: satellites, hdop: try number(f[8], "HDOP"))
    }

    static func time(_ field: String) throws(NmeaError) -> Double? {
        if field.isEmpty { return nil }
        guard field.count >= 6, let hh = Int(field.prefix(2)), let mm = Int(field.dropFirst(2).prefix(2)),
              let ss = Double(field.dropFirst(4)), hh < 24, mm < 60, ss < 61 else { throw NmeaError("bad time '\(field)'") }
        return Double(hh * 3600 + mm * 60) + ss
    }

    static func number(_ field: String, _ what: String) throws(NmeaError) -> Double? {
        if field.isEmpty { return nil }
        guard let value = Double(field), value.isFinite else { throw NmeaError("bad \(what) '\(field)'") }
        return value
    }

    /// ddmm.mmmm,N and dddmm.mmmm,E → degrees. Nil when the receiver left them empty (no fix yet).
    static func coordinate(_ lat: String, _ ns: String, _ lon: String, _ ew: String) throws(NmeaError) -> Coordinate? {
        if lat.isEmpty || lon.isEmpty { return nil }
        guard let latitude = angle(lat, degreeDigits: 2, limit: 90), let longitude = angle(lon, degreeDigits: 3, limit: 180) else {
            throw NmeaError("bad position '\(lat),\(ns),\(lon),\(ew)'")
        }
        guard ns == "N" || ns == "S", ew == "E" || ew == "W" else { throw NmeaError("bad hemisphere '\(ns)'/'\(ew)'") }
        return Coordinate(lat: ns == "S" ? -latitude : latitude, lon: ew == "W" ? -longitude : longitude)
    }

    private static func angle(_ text: String, degreeDigits: Int, limit: Double) -> Double? {
        guard text.count > degreeDigits + 1, let degrees = Int(text.prefix(degreeDigits)),
              let minutes = Double(text.dropFirst(degreeDigits)), minutes >= 0, minutes < 60 else { return nil }
        let value = Double(degrees) + minutes / 60
        return value <= limit ? value : nil
    }

    static func hex(_ value: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(value >> 4)], digits[Int(value & 15)]])
    }

    /// `$...*hh` for a sentence body (without $ and checksum): used by `gps simulate` and tests.
    public static func sentence(_ body: String) -> String {
        "$\(body)*\(hex(body.utf8.reduce(UInt8(0), ^)))"
    }
}

/// A position good enough to place the boat, with speed and course when the receiver gave them.
public struct GpsFix: Sendable, Equatable {
    public var position: Coordinate
    public var speedMps: Double?
    public var courseDegrees: Double?
    public init(position: Coordinate, speedMps: Double? = nil, courseDegrees: Double? = nil) {
        self.position = position
        self.speedMps = speedMps
        self.courseDegrees = courseDegrees
    }
}

/// Keeps only fixes a geofence should trust: RMC valid, GGA quality 1/2/4/5 with enough satellites and
/// a small enough HDOP. A receiver sends RMC and GGA for the same second; a bad GGA vetoes that second's RMC,
/// so a 3-satellite fix cannot slip in through the other sentence.
public struct GpsFixFilter: Sendable {
    public var minimumSatellites: Int
    public var maximumHdop: Double
    private var lastGGA: (time: Double?, good: Bool)?
    private var lastVelocity: (speedMps: Double?, course: Double?)

    public init(minimumSatellites: Int = 4, maximumHdop: Double = 5) {
        self.minimumSatellites = minimumSatellites
        self.maximumHdop = maximumHdop
    }

    /// The fix this sentence gives, or the reason it gives none.
    public mutating func accept(_ sentence: NmeaSentence) -> Result<GpsFix, NmeaError>? {
        switch sentence {
        case .other: return nil
        case .gga(let gga):
            var problem: String?
            if gga.quality == 0 { problem = "no fix (quality 0)" }
            else if ![1, 2, 4, 5].contains(gga.quality) { problem = "untrusted fix quality \(gga.quality)" }
            else if gga.satellites < minimumSatellites { problem = "\(gga.satellites) satellites (need \(minimumSatellites))" }
            else if let hdop = gga.hdop, hdop > maximumHdop { problem = "HDOP \(hdop) (at most \(maximumHdop))" }
            else if gga.position == nil { problem = "no position" }
            lastGGA = (gga.time, problem == nil)
            if let problem { return .failure(NmeaError(problem)) }
            return .success(GpsFix(position: gga.position!, speedMps: lastVelocity.speedMps, courseDegrees: lastVelocity.course))
        case .rmc(let rmc):
            guard rmc.valid, let position = rmc.position else { return .failure(NmeaError("receiver says the fix is not valid")) }
            let speed = rmc.speedKnots.map { $0 * 1852 / 3600 }
            lastVelocity = (speed, rmc.courseDegrees)
            if let last = lastGGA, !last.good, last.time == nil || rmc.time == nil || abs(last.time! - rmc.time!) < 2 {
                return .failure(NmeaError("the same second's GGA was not good enough"))
            }
            return .success(GpsFix(position: position, speedMps: speed, courseDegrees: rmc.courseDegrees))
        }
    }

    public mutating func reset() {
        lastGGA = nil
        lastVelocity = (nil, nil)
    }
}
