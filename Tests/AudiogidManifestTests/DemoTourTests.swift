import AudiogidCore
@testable import AudiogidManifest
import Foundation
import Testing

@Suite(.timeLimit(.minutes(3))) struct DemoTourTests {
    static let demoIDs = ["moyo-selo", "koltso-vremeni", "teplokhodik"]

    @Test(arguments: demoIDs)
    func demoTourLoadsWithoutErrors(_ id: String) throws {
        let loaded = try TourLoader.load(path: FixturePaths.demoTours.appendingPathComponent(id).path)
        #expect(loaded.tour.id == id)
        #expect(loaded.tour.languages == ["ru", "zh", "en"])
        #expect(loaded.audioDirectory.lastPathComponent == "audio")
        for stop in loaded.tour.stops {
            #expect(stop.location != nil)
            for language in loaded.tour.languages {
                let duration = try #require(loaded.clipDuration(for: stop, language: language), "\(id)/\(stop.id)/\(language)")
                #expect(duration > 2 && duration < 60)
            }
        }
    }

    @Test func theVillageTourWarnsAboutItsOneMissingEnglishClip() throws {
        let loaded = try TourLoader.load(path: FixturePaths.demoTours.appendingPathComponent("moyo-selo").path)
        #expect(loaded.warnings.map(\.message) == [#"stop 5 "Дом культуры" (club) has no 'en' clip; visitors who chose en will hear 'ru'"#])
        let club = try #require(loaded.tour.stop(id: "club"))
        #expect(loaded.tour.clip(for: club, language: "en") == ClipChoice(path: "moyo-selo/05-club.ru.ogg", language: "ru", isFallback: true))
    }

    @Test func tourShapesMatchTheirStories() throws {
        let ring = try TourLoader.load(path: FixturePaths.demoTours.appendingPathComponent("koltso-vremeni").path).tour
        #expect(ring.route == RoutePlan(order: .optimize, start: "triumfalnaya-arka", loop: true))
        let boat = try TourLoader.load(path: FixturePaths.demoTours.appendingPathComponent("teplokhodik").path).tour
        #expect(boat.mode == .boat)
        #expect(boat.stops.allSatisfy { ($0.radiusM ?? 0) >= 200 })
        #expect(boat.stops.map(\.number) == [1, 2, 3, 4, 5, 6])
    }

    /// libsndfile's durations agree with sox's own reading of the same files.
    @Test func clipDurationsAgreeWithSox() throws {
        let loaded = try TourLoader.load(path: FixturePaths.demoTours.appendingPathComponent("teplokhodik").path)
        for (path, info) in loaded.clips {
            let soxSeconds = try #require(Double(try Shell.run("/usr/bin/soxi", ["-D", loaded.clipURL(path).path])
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(abs(info.durationSeconds - soxSeconds) < 0.010, "\(path): \(info.durationSeconds) vs sox \(soxSeconds)")
            #expect(info.sampleRate == 22050 && info.channels == 1 && info.format == "OGG/VORBIS")
        }
    }

    @Test func libraryFolderListsEveryTour() throws {
        let manifests = try TourLibrary.manifestPaths(for: FixturePaths.packageRoot.path)
        #expect(manifests.map { URL(fileURLWithPath: $0).deletingLastPathComponent().lastPathComponent }
                == ["koltso-vremeni", "moyo-selo", "teplokhodik"])
    }
}

/// The JSON Schema shipped for editors and the validator must agree on the format.
@Suite(.timeLimit(.minutes(3))) struct SchemaTests {
    static let schemaPath = FixturePaths.packageRoot.appendingPathComponent("schema/tour.schema.json")

    func properties(_ object: Any?, _ path: [String]) -> Set<String> {
        var node = object
        for key in path { node = (node as? [String: Any])?[key] }
        return Set(((node as? [String: Any])?["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
    }

    @Test func schemaAndValidatorKnowTheSameFields() throws {
        let schema = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.schemaPath))
        #expect(properties(schema, []) == Set(ManifestReader.tourKeys))
        #expect(properties(schema, ["properties", "route"]) == Set(ManifestReader.routeKeys))
        #expect(properties(schema, ["$defs", "stop"]) == Set(ManifestReader.stopKeys))
        #expect(properties(schema, ["$defs", "stop", "properties", "location"]) == Set(ManifestReader.locationKeys))
    }

    /// Checked by the `jsonschema` Python package, an independent implementation of JSON Schema 2020-12.
    @Test func demoToursSatisfyTheSchemaAndBrokenOnesDoNot() throws {
        let script = """
        import json, sys, yaml, jsonschema
        schema = json.load(open(sys.argv[1]))
        for path in sys.argv[2:]:
            errors = list(jsonschema.Draft202012Validator(schema).iter_errors(yaml.safe_load(open(path))))
            print(path, "ok" if not errors else "invalid")
        """
        let demos = DemoTourTests.demoIDs.map { FixturePaths.demoTours.appendingPathComponent("\($0)/tour.yaml").path }
        let broken = ["unknown-tour-key", "unknown-stop-key", "number-out-of-range", "mode-typo"]
            .map { FixturePaths.brokenTours.appendingPathComponent("\($0)/tour.yaml").path }
        let output = try Shell.run("/usr/bin/env", ["python3", "-c", script, Self.schemaPath.path] + demos + broken)
        for path in demos { #expect(output.contains("\(path) ok")) }
        for path in broken { #expect(output.contains("\(path) invalid")) }
    }
}

enum Shell {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) failed: \(errorText)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
