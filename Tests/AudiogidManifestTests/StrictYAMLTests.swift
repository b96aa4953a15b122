import AudiogidCore
@testable import AudiogidManifest
import Testing

/// The strict YAML primitives every Audiogid file is read with (tour.yaml, kiosk.yaml, its `triggers:`).
@Suite(.timeLimit(.minutes(3))) struct StrictYAMLTests {
    static func root(_ text: String) throws -> YAMLDocument { try YAMLDocument(text: text, file: "f.yaml") }

    @Test func anUnknownKeyNamesItsDottedPathAndTheNearestKey() throws {
        let document = try Self.root("audio:\n  perod_ms: 10\n")
        var yaml = StrictYAML(file: "f.yaml", naming: .dotted)
        let top = yaml.fields(try #require(document.root), allowed: ["audio"], path: "")
        _ = yaml.fields(try #require(top?["audio"]), allowed: ["device", "period_ms"], path: "audio")
        #expect(yaml.findings.map(\.line) == ["f.yaml:2:3: error: audio.perod_ms: unknown key (did you mean 'period_ms'?); known here: device, period_ms"])
        #expect(yaml.findings.first?.field == "audio.perod_ms")
        #expect(yaml.suggested == ["audio.period_ms"])
    }

    @Test func swappedLettersAreOneTypo() throws {
        // "tuor" is two edits from "tour" by insert/delete/replace, one by a swap: a 4-letter key allows one.
        let document = try Self.root("tuor: x\n")
        var yaml = StrictYAML(file: "f.yaml", naming: .described)
        _ = yaml.fields(try #require(document.root), allowed: ["tour", "data"], path: "", what: "the kiosk")
        #expect(yaml.findings.map(\.message) == ["the kiosk: unknown field 'tuor' (did you mean 'tour'?)"])
        // A word far from every key gets no guess.
        var far = StrictYAML(file: "f.yaml", naming: .dotted)
        let farRoot = try #require(try Self.root("xyz: 1\n").root)
        _ = far.fields(farRoot, allowed: ["log", "tour"], path: "")
        #expect(far.findings.first?.message == "xyz: unknown key; known here: log, tour")
    }

    @Test func aMissingFieldExplainedByASuggestionIsNotReportedTwice() throws {
        let document = try Self.root("prot: /dev/ttyUSB0\n")
        var yaml = StrictYAML(file: "f.yaml", naming: .dotted)
        let node = try #require(document.root)
        let fields = yaml.fields(node, allowed: ["port", "baud"], path: "serial")
        #expect(fields?.keys.contains("port") == false)
        yaml.missing(at: node, field: "serial.port", "serial: needs 'port'")
        yaml.missing(at: node, field: "serial.baud", "serial: needs 'baud'")
        #expect(yaml.findings.map(\.message) == ["serial.prot: unknown key (did you mean 'port'?); known here: port, baud",
                                                 "serial: needs 'baud'"])
    }

    @Test func scalarsAreTypedAndRanged() throws {
        let document = try Self.root("""
            a: 12
            b: '12'
            c: 1.5e400
            d: maybe
            e: yes
            f: 101
            g: queu
            """)
        var yaml = StrictYAML(file: "f.yaml", naming: .dotted)
        let root = try #require(document.root)
        let read = yaml.fields(root, allowed: ["a", "b", "c", "d", "e", "f", "g"], path: "")
        let fields = try #require(read)
        enum Busy: String, CaseIterable { case preempt, ignore, queue }
        let values = (a: yaml.int(fields["a"]!, field: "a", in: 0...100),
                      b: yaml.int(fields["b"]!, field: "b"),          // quoted: text, not a number
                      c: yaml.number(fields["c"]!, field: "c"),       // not finite
                      d: yaml.bool(fields["d"]!, field: "d"),
                      e: yaml.bool(fields["e"]!, field: "e"),
                      f: yaml.int(fields["f"]!, field: "f", in: 0...100),
                      g: yaml.choice(fields["g"]!, Busy.self, field: "g"))
        #expect(values.a == 12 && values.b == nil && values.c == nil && values.d == nil)
        #expect(values.e == true && values.f == nil && values.g == nil)
        #expect(yaml.findings.map(\.line) == [
            "f.yaml:2:4: error: b: must be a whole number, found '12'",
            "f.yaml:3:4: error: c: must be a number, found '1.5e400'",
            "f.yaml:4:4: error: d: must be true or false, found 'maybe'",
            "f.yaml:6:4: error: f: must be between 0 and 100, found 101",
            "f.yaml:7:4: error: g: must be one of preempt, ignore, queue, found 'queu' (did you mean 'queue'?)",
        ])
    }

    @Test func yamlErrorsBecomeFindingsAtTheirLineAndColumn() {
        do {
            _ = try YAMLDocument(text: "tour: moyo-selo\naudio: {device: none\n", file: "k.yaml")
            Issue.record("a broken file was composed")
        } catch {
            #expect(error.finding.location.file == "k.yaml")
            #expect(error.finding.location.line == 3)
            #expect(error.finding.message.hasPrefix("YAML syntax error: "))
        }
        do {
            _ = try YAMLDocument(text: "tour: a\ntour: b\n", file: "k.yaml")
            Issue.record("a duplicated key was accepted")
        } catch {
            #expect(error.finding.message == "'tour' is written twice in the same place")
        }
    }

    @Test func aMissingFileIsOneFinding() {
        #expect(throws: YAMLReadError.self) { try YAMLDocument.read(file: "/nonexistent/kiosk.yaml") }
    }
}
