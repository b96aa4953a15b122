import Foundation
import Testing

@Suite(.timeLimit(.minutes(3))) struct ValidateCommandTests {
    @Test func demoToursValidate() throws {
        let result = try CLI.run(["validate", "tours/moyo-selo", "tours/koltso-vremeni", "tours/teplokhodik"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == #"tours/moyo-selo/tour.yaml:61:5: warning: stop 5 "Дом культуры" (club) has no 'en' clip; visitors who chose en will hear 'ru'"# + "\n")
        #expect(result.stderr.contains("tours/teplokhodik/tour.yaml: ok, 6 stops, 18 clips"))
    }

    @Test func theRepositoryIsALibrary() throws {
        let result = try CLI.run(["validate", "."])
        #expect(result.status == 0)
        #expect(result.stderr.split(separator: "\n").filter { $0.contains(": ok,") }.count == 3)
    }

    @Test func aBrokenTourExitsOneWithCompilerStyleLines() throws {
        let path = "Tests/AudiogidManifestTests/Fixtures/library/tours/unknown-stop-key"
        let result = try CLI.run(["validate", path])
        #expect(result.status == 1)
        #expect(result.stdout == "\(path)/tour.yaml:17:5: error: stop 'second': unknown field 'radius' (did you mean 'radius_m'?)\n")
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try CLI.run(["validate", "no/such/tour"]).status == 2)
        #expect(try CLI.run(["validate"]).status == 2)
        #expect(try CLI.run(["validate", "tours/moyo-selo", "--format", "xml"]).status == 2)
    }

    @Test func jsonFindingsForTools() throws {
        let path = "Tests/AudiogidManifestTests/Fixtures/library/tours/symlink-outside"
        let result = try CLI.run(["validate", path, "--format", "json"])
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["ok"] as? Bool == false)
        let tour = try #require((json["tours"] as? [[String: Any]])?.first)
        let finding = try #require((tour["findings"] as? [[String: Any]])?.first)
        #expect(finding["line"] as? Int == 17)
        #expect(finding["severity"] as? String == "error")
        #expect(finding["security"] as? Bool == true)
        #expect(finding["stop"] as? String == "second")
        #expect(finding["field"] as? String == "stops[1].audio.en")
    }
}

@Suite(.timeLimit(.minutes(3))) struct InfoCommandTests {
    @Test func jsonDurationsMatchTheRealClips() throws {
        let result = try CLI.run(["info", "tours/moyo-selo", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let stops = try #require(json["stops"] as? [[String: Any]])
        #expect(stops.map { $0["id"] as? String } == ["library", "school", "memorial", "church", "club", "mill", "pond"])
        var checked = 0
        for stop in stops {
            let clips = try #require(stop["clips"] as? [String: [String: Any]])
            for (_, clip) in clips {
                let path = try #require(clip["path"] as? String)
                let reported = try #require(clip["duration_s"] as? Double)
                // sox decodes the file itself: an independent measurement of the same clip.
                let measured = try #require(Double(try CLI.tool("/usr/bin/soxi", ["-D", CLI.packageRoot.path + "/audio/" + path])
                    .trimmingCharacters(in: .whitespacesAndNewlines)))
                #expect(abs(reported - measured) <= 0.010, "\(path): info says \(reported) s, sox \(measured) s")
                checked += 1
            }
        }
        #expect(checked == 20)
        let club = try #require(stops.first { $0["id"] as? String == "club" })
        #expect(club["fallback_languages"] as? [String] == ["en"])
        let totals = try #require(json["total_audio_s"] as? [String: Double])
        #expect(Set(totals.keys) == ["ru", "zh", "en"])
        #expect(totals["zh"]! > totals["ru"]!, "the Chinese narration is the slowest")
    }

    @Test func textTableShowsStopsAndFallbacks() throws {
        let result = try CLI.run(["info", "tours/moyo-selo"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "Моё село (moyo-selo): walk tour, 7 stops, languages ru, zh, en (default ru)")
        let club = try #require(lines.first { $0.hasPrefix("5  club") })
        #expect(club.hasSuffix("→ru"))
        #expect(lines.contains { $0.hasPrefix("Total audio per language (fallbacks included): ru ") })
    }

    @Test func infoOnABrokenTourExplainsAndFails() throws {
        let result = try CLI.run(["info", "Tests/AudiogidManifestTests/Fixtures/library/tours/missing-clip"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("clips/missing.en.ogg' is missing"))
    }
}
