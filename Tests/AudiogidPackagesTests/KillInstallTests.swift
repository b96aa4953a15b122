import AudiogidCore
import AudiogidManifest
import AudiogidPackages
import AudiogidTestSupport
import Foundation
import Testing

/// `kill -9` of `audiogid install`: at each of its named steps (AUDIOGID_INSTALL_STOP_AT makes it kill itself
/// there) and at random moments. Every time, tours/dvor is the old release or the new one, complete, and the next
/// install clears what was left. The long run with a playing daemon is Benchmarks/install-killloop.sh.
@Suite(.timeLimit(.minutes(3)))
struct KillInstallTests {
    let fixture: PackageFixture
    let data: URL

    init() throws {
        fixture = try PackageFixture()
        data = fixture.root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    }

    func install(_ package: URL, stopAt: String? = nil) throws -> RunningProgram {
        try RunningProgram(BuiltTool.executable,
                           ["install", package.path, "--data", data.path, "--trusted-keys", fixture.trustedKeys.path,
                            "--socket", fixture.root.appendingPathComponent("none.sock").path,
                            // Measuring loudness is CPU the suite's other tests need; the kill loop script keeps it.
                            "--no-index"],
                           environment: stopAt.map { ["AUDIOGID_INSTALL_STOP_AT": $0] } ?? [:], in: fixture.root)
    }

    /// The version tours/dvor shows, after checking its release is whole: release.json written and the tour loading
    /// with every clip (the daemon's view).
    func liveVersion() throws -> TourVersion? {
        let link = data.appendingPathComponent("tours/dvor")
        #expect(FileManager.default.fileExists(atPath: link.appendingPathComponent("release.json").path))
        return try TourLoader.load(path: link.path).tour.version
    }

    @Test func killedAtEachStepLeavesTheOldOrTheNewRelease() async throws {
        var versions: [URL] = []
        for version in 1...8 {
            try fixture.writeTour(id: "dvor", version: "\(version)")
            versions.append(try fixture.pack(name: "dvor-\(version).audiogid"))
        }
        #expect(await (try install(versions[0])).finish(within: 30) == 0)
        // Before the switch the old release stays live; from the switch on, the new one.
        let steps: [(String, Bool)] = [("staging", false), ("file", false), ("validated", false), ("release", false),
                                       ("switch", false), ("switched", true)]
        for (index, (step, switched)) in steps.enumerated() {
            let before = try liveVersion()
            let killed = try install(versions[index + 1], stopAt: step)
            #expect(await killed.finish(within: 30) == 128 + SIGKILL || killed.process.terminationReason == .uncaughtSignal, "\(step)")
            let expected = switched ? TourVersion("\(index + 2)") : before
            #expect(try liveVersion() == expected, "killed at \(step)")
            // The next install (of the same version) clears the leftovers and completes.
            #expect(await (try install(versions[index + 1])).finish(within: 30) == 0, "after \(step)")
            #expect(try liveVersion() == TourVersion("\(index + 2)"))
            #expect(leftovers().isEmpty, "after \(step)")
        }
    }

    @Test func killedAtRandomMomentsLeavesACompleteRelease() async throws {
        var versions: [URL] = []
        for version in 1...5 {
            try fixture.writeTour(id: "dvor", version: "\(version)")
            versions.append(try fixture.pack(name: "dvor-\(version).audiogid"))
        }
        let started = ContinuousClock.now
        #expect(await (try install(versions[0])).finish(within: 30) == 0)
        // On a loaded machine the first install can take seconds; the kills spread over at most 2 s of it.
        let whole = min(ContinuousClock.now - started, .seconds(2))
        var generator = SystemRandomNumberGenerator()
        for round in 1..<versions.count {
            let before = try liveVersion()
            let running = try install(versions[round])
            try await Task.sleep(for: whole * Double.random(in: 0...1.2, using: &generator))
            await running.stop(SIGKILL)
            let after = try liveVersion()
            #expect(after == before || after == TourVersion("\(round + 1)"), "round \(round)")
            #expect(await (try install(versions[round])).finish(within: 30) == 0)
            #expect(leftovers().isEmpty)
        }
    }

    func leftovers() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("releases").path)) ?? [])
            .filter { $0.hasPrefix(".staging") || $0.hasPrefix(".trash") || $0.hasPrefix(".next") }
    }
}
