import AudiogidCore
import AudiogidPackages
import Foundation
import Testing

@Suite(.timeLimit(.minutes(3)))
struct PackTests {
    let fixture: PackageFixture
    init() throws { fixture = try PackageFixture() }

    @Test func theSameTourPacksTheSameBytesAndVerifies() async throws {
        let first = try fixture.pack(name: "a.audiogid")
        let second = try fixture.pack(name: "b.audiogid")
        #expect(try Data(contentsOf: first) == Data(contentsOf: second))

        let package = try TourPackage(url: first, trust: fixture.trust)
        try package.checkFiles()
        #expect(package.manifest.tour == "dvor")
        #expect(package.manifest.version == TourVersion("1"))
        #expect(package.signerKeyID == fixture.key.publicKey.keyIDText)
        #expect(package.manifest.files.map(\.path) == ["audio/dvor/01.en.ogg", "audio/dvor/01.ru.ogg", "audio/dvor/02.en.ogg",
                                                       "audio/dvor/02.ru.ogg", "tour.yaml"])
    }

    @Test func onlyReferencedClipsAreStoredUncompressed() async throws {
        // A clip in the tour's audio folder that no stop names stays out of the package.
        try Data(count: 1000).write(to: fixture.library.appendingPathComponent("audio/dvor/draft.wav"))
        let url = try fixture.pack()
        let names = try await fixture.entries(of: url).map(\.name)
        #expect(!names.contains { $0.hasSuffix("draft.wav") })
        #expect(names.suffix(2) == ["manifest.json", "manifest.json.minisig"])
        let listing = try await PackageFixture.run("/usr/bin/python3", ["-c", """
            import sys, zipfile
            print(set(i.compress_type for i in zipfile.ZipFile(sys.argv[1]).infolist()))
            """, url.path])
        #expect(listing.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "{0}")  // ZIP_STORED only
    }

    @Test func aStopsPictureTravelsWithItsTour() async throws {
        let yamlURL = fixture.library.appendingPathComponent("tours/dvor/tour.yaml")
        let yaml = try String(contentsOf: yamlURL, encoding: .utf8)
        try yaml.replacingOccurrences(of: "    title: Ворота\n", with: "    title: Ворота\n    image: dvor/vorota.jpg\n")
            .write(to: yamlURL, atomically: true, encoding: .utf8)
        let picture = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 7, count: 2000) + [0xFF, 0xD9])
        try picture.write(to: fixture.library.appendingPathComponent("audio/dvor/vorota.jpg"))
        let entries = try await fixture.entries(of: try fixture.pack())
        #expect(entries.first { $0.name == "audio/dvor/vorota.jpg" }?.data == picture)
    }

    @Test func minisignVerifiesThePackagesManifest() async throws {
        let url = try fixture.pack()
        let entries = try await fixture.entries(of: url)
        for entry in entries where entry.name.hasPrefix("manifest.json") {
            try entry.data.write(to: fixture.root.appendingPathComponent(entry.name))
        }
        let result = try await PackageFixture.run("/usr/bin/minisign", ["-V", "-P", fixture.key.publicKey.base64, "-m", "manifest.json"], in: fixture.root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("tour:dvor\tversion:1"))
    }

    @Test func aTourThatDoesNotValidateIsNotPacked() async throws {
        try FileManager.default.removeItem(at: fixture.library.appendingPathComponent("audio/dvor/02.en.ogg"))
        let output = fixture.root.appendingPathComponent("broken.audiogid")
        do {
            _ = try TourPacker.pack(tourPath: fixture.tourFolder(), key: fixture.key, output: output)
            Issue.record("a tour with a missing clip was packed")
        } catch {
            #expect(error.findings.contains { $0.contains("tour.yaml:") && $0.contains("error") })
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.root.path).allSatisfy { !$0.contains("partial") })
    }

    @Test func aVersionIsRequiredAndMustAgree() async throws {
        try fixture.writeTour(id: "dvor", version: nil)
        #expect(throws: PackingError.self) { try fixture.pack() }
        let url = try fixture.pack(version: TourVersion("2026.11.2"))
        #expect(try TourPackage(url: url, trust: fixture.trust).manifest.version.description == "2026.11.2")

        try fixture.writeTour(id: "dvor", version: "3")
        do {
            try fixture.pack(version: TourVersion("4"))
            Issue.record("--version 4 was packed over tour.yaml's version 3")
        } catch let error as PackingError {
            #expect(error.message.contains("tour.yaml says version 3 but --version says 4"))
        }
    }
}

@Suite struct TourVersionTests {
    @Test func comparesNumberByNumber() {
        #expect(TourVersion("2026.11.10")! > TourVersion("2026.11.9")!)
        #expect(TourVersion("1.2")! == TourVersion("1.2.0")!)
        #expect(TourVersion("10")! > TourVersion("9.9")!)
        #expect(TourVersion("1.10")!.description == "1.10")
        for bad in ["", "0", "0.0", "1..2", "-1", "1.a", "v2", " 1", "1.2."] { #expect(TourVersion(bad) == nil, "\(bad)") }
    }
}
