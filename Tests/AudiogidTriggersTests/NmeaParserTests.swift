import AudiogidCore
import Testing
@testable import AudiogidTriggers

@Suite(.timeLimit(.minutes(3))) struct NmeaParserTests {
    // As a receiver at the Blagoveshchensk pier would send them (checksums computed independently with Python).
    static let rmc = "$GPRMC,083559.00,A,5015.4440,N,12730.9600,E,8.10,93.5,261126,,,A*57"
    static let gga = "$GPGGA,083559.00,5015.4440,N,12730.9600,E,1,08,0.9,121.0,M,0.0,M,,*50"

    @Test func checksumIsComputedOverTheBody() {
        #expect(NmeaParser.sentence("GPRMC,083559.00,A,5015.4440,N,12730.9600,E,8.10,93.5,261126,,,A") == Self.rmc)
        #expect(NmeaParser.sentence("GPGGA,083559.00,5015.4440,N,12730.9600,E,1,08,0.9,121.0,M,0.0,M,,") == Self.gga)
    }

    @Test func parsesRMC() throws {
        guard case .rmc(let rmc) = try NmeaParser.parse(Self.rmc) else { Issue.record("not RMC"); return }
        #expect(rmc.valid)
        #expect(abs(rmc.position!.lat - 50.257400) < 1e-6)
        #expect(abs(rmc.position!.lon - 127.516000) < 1e-6)
        #expect(rmc.speedKnots == 8.1)
        #expect(rmc.courseDegrees == 93.5)
        #expect(rmc.time == Double(8 * 3600 + 35 * 60 + 59))
    }

    @Test func parsesGGAFromAnyTalker() throws {
        let gn = NmeaParser.sentence("GNGGA,083559.00,3352.1200,S,15112.6000,W,2,12,0.7,5.0,M,0.0,M,,")
        guard case .gga(let gga) = try NmeaParser.parse(gn) else { Issue.record("not GGA"); return }
        #expect(gga.quality == 2)
        #expect(gga.satellites == 12)
        #expect(gga.hdop == 0.7)
        #expect(abs(gga.position!.lat + 33.868667) < 1e-6)
        #expect(abs(gga.position!.lon + 151.21) < 1e-6)
    }

    @Test func rejectsBadChecksumsAndMalformedSentences() {
        let flipped = Self.rmc.replacingOccurrences(of: "5015.4440", with: "5015.4441")
        #expect(throws: NmeaError("checksum mismatch: says 57, data gives 56")) { try NmeaParser.parse(flipped) }
        #expect(throws: NmeaError.self) { try NmeaParser.parse(String(Self.rmc.dropLast(3))) }
        #expect(throws: NmeaError.self) { try NmeaParser.parse(String(Self.rmc.dropFirst())) }
        #expect(throws: NmeaError.self) { try NmeaParser.parse(NmeaParser.sentence("GPRMC,083559.00,A,5075.0000,N,12730.9600,E,8.1,93.5,261126,,,A")) }
        #expect(throws: NmeaError.self) { try NmeaParser.parse(NmeaParser.sentence("GPGGA,083559.00,5015.4440,N,12730.9600,E,x,08,0.9,121.0,M,0.0,M,,")) }
        #expect(throws: NmeaError.self) { try NmeaParser.parse(NmeaParser.sentence("GPRMC,1")) }
        #expect(throws: NmeaError.self) { try NmeaParser.parse("$*00") }
    }

    @Test func otherSentencesAreRecognisedAndSkipped() throws {
        #expect(try NmeaParser.parse(NmeaParser.sentence("GPGSV,3,1,11,01,40,083,46")) == .other("GPGSV"))
    }

    @Test func receiverWithoutFixGivesEmptyFields() throws {
        guard case .rmc(let rmc) = try NmeaParser.parse(NmeaParser.sentence("GPRMC,083559.00,V,,,,,,,261126,,,N")) else {
            Issue.record("not RMC"); return
        }
        #expect(!rmc.valid)
        #expect(rmc.position == nil)
    }

    @Test func filterRejectsBadFixes() throws {
        func gga(quality: Int, satellites: Int, hdop: Double) throws -> NmeaSentence {
            try NmeaParser.parse(NmeaParser.sentence("GPGGA,083559.00,5015.4440,N,12730.9600,E,\(quality),\(satellites),\(hdop),121.0,M,0.0,M,,"))
        }
        var filter = GpsFixFilter(minimumSatellites: 5, maximumHdop: 4)
        func accepted(_ s: NmeaSentence) -> Bool { if case .success = filter.accept(s) { return true } else { return false } }
        #expect(!accepted(try gga(quality: 0, satellites: 8, hdop: 1)))
        #expect(!accepted(try gga(quality: 6, satellites: 8, hdop: 1)))   // dead reckoning
        #expect(!accepted(try gga(quality: 1, satellites: 4, hdop: 1)))
        #expect(!accepted(try gga(quality: 1, satellites: 8, hdop: 9.5)))
        // The same second's RMC says A, but its GGA was bad: vetoed.
        #expect(!accepted(try NmeaParser.parse(Self.rmc)))
        #expect(accepted(try gga(quality: 1, satellites: 8, hdop: 1)))
        #expect(accepted(try NmeaParser.parse(Self.rmc)))
        #expect(!accepted(try NmeaParser.parse(NmeaParser.sentence("GPRMC,083600.00,V,5015.4440,N,12730.9600,E,8.1,93.5,261126,,,N"))))
        if case .success(let fix) = filter.accept(try NmeaParser.parse(Self.rmc)) {
            #expect(abs(fix.speedMps! - 8.1 * 1852 / 3600) < 1e-9)
        } else {
            Issue.record("RMC rejected")
        }
    }

    @Test func writerProducesSentencesTheParserAccepts() throws {
        let sample = SimulatedTrack.Sample(time: 0, position: Coordinate(lat: -0.5, lon: -179.999999), truePosition: Coordinate(lat: 0, lon: 0),
                                           speedMps: 4.2, courseDegrees: 270)
        let text = NmeaWriter.sentences(for: sample, start: .init(timeIntervalSince1970: 1_795_000_000))
        let lines = text.split(separator: "\r\n").map(String.init)
        #expect(lines.count == 2)
        guard case .rmc(let rmc) = try NmeaParser.parse(lines[0]), case .gga(let gga) = try NmeaParser.parse(lines[1]) else {
            Issue.record("wrong sentences"); return
        }
        #expect(abs(rmc.position!.lat + 0.5) < 1e-6 && abs(rmc.position!.lon + 179.999999) < 1e-6)
        #expect(gga.satellites == 9 && gga.quality == 1)
        #expect(abs(rmc.speedKnots! - 4.2 * 3600 / 1852) < 0.06)
    }
}
