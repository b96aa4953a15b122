import AudiogidCore
import AudiogidManifest
import AudiogidPackages
import Foundation
import Testing

/// Install, rollback and uninstall on a real data folder, and every refusal leaving it exactly as it was.
@Suite(.timeLimit(.minutes(3)))
struct InstallTests {
    let fixture: PackageFixture
    let data: URL
    init() throws {
        fixture = try PackageFixture()
        data = fixture.root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    }

    func installer(requireSignature: Bool = true) -> TourInstaller {
        var trust = fixture.trust
        trust.requireSignature = requireSignature
        return TourInstaller(dataDirectory: data, trust: trust)
    }

    /// An install on a thread of its own (it fsyncs; see PackageFixture.onThread).
    func install(_ package: URL, allowDowngrade: Bool = false, requireSignature: Bool = true,
                 into installer: TourInstaller? = nil) async throws -> TourInstaller.Outcome {
        let chosen = installer ?? self.installer(requireSignature: requireSignature)
        return try await PackageFixture.onThread { try chosen.install(package, allowDowngrade: allowDowngrade) }
    }

    func rollback(_ id: String) async throws -> TourInstaller.Outcome {
        let installer = installer()
        return try await PackageFixture.onThread { try installer.rollback(id) }
    }

    func uninstall(_ id: String) async throws -> DaemonReload {
        let installer = installer()
        return try await PackageFixture.onThread { try installer.uninstall(id) }
    }

    func packVersion(_ version: String) throws -> URL {
        try fixture.writeTour(id: "dvor", version: version)
        return try fixture.pack()
    }

    /// The daemon's view: the tour tours/ID loads, with its clips from the release.
    func loadedVersion() throws -> TourVersion? {
        try TourLoader.load(path: data.appendingPathComponent("tours/dvor").path).tour.version
    }

    @Test func installSwitchesTheLinkAndKeepsThePreviousRelease() async throws {
        let v1 = try packVersion("1"), v2 = try packVersion("2")
        let first = try await install(v1)
        #expect(first.change == .installed && first.previous == nil)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: data.appendingPathComponent("tours/dvor").path) == "../releases/dvor/1")
        #expect(try loadedVersion() == TourVersion("1"))

        let second = try await install(v2)
        #expect(second.previous == TourVersion("1"))
        #expect(try loadedVersion() == TourVersion("2"))
        #expect(installer().list().map(\.kept) == [["1", "2"]])
        #expect(installer().list().first?.signer == fixture.key.publicKey.keyIDText)

        #expect(try await install(v2).change == .alreadyInstalled)
        #expect(try await rollback("dvor").version == TourVersion("1"))
        #expect(try loadedVersion() == TourVersion("1"))
        await #expect(throws: PackageRefusal.self) { try await rollback("dvor") }
        // The newer release was kept: installing it again switches back without unpacking.
        #expect(try await install(v2).change == .switchedBack)
        #expect(try loadedVersion() == TourVersion("2"))
        #expect(leftovers().isEmpty)
    }

    @Test func olderReleasesArePrunedKeepingOneToRollBackTo() async throws {
        for version in ["1", "2", "3"] { _ = try await install(try packVersion(version)) }
        #expect(installer().list().first?.kept == ["2", "3"])
    }

    @Test func downgradesAreRefusedEvenAfterUninstall() async throws {
        let v1 = try packVersion("1"), v2 = try packVersion("2")
        _ = try await install(v2)
        try await expectRefusedUnchanged(v1) { if case .downgrade(_, "1", "2") = $0 { true } else { false } }
        #expect(try await uninstall("dvor") == .notRunning)
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("tours/dvor").path))
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("releases/dvor").path))
        try await expectRefusedUnchanged(v1) { if case .downgrade = $0 { true } else { false } }
        // On purpose, it goes.
        #expect(try await install(v1, allowDowngrade: true).version == TourVersion("1"))
    }

    @Test func theSameVersionWithOtherContentsIsRefused() async throws {
        _ = try await install(try packVersion("1"))
        try fixture.writeTour(id: "dvor", version: "1", clips: ["01.ru.ogg": "03-memorial.ru.ogg"])
        try await expectRefusedUnchanged(try fixture.pack()) { $0.description.contains("already installed with different contents") }
    }

    @Test func everyBadPackageIsRefusedAndChangesNothing() async throws {
        _ = try await install(try packVersion("1"))
        try fixture.writeTour(id: "dvor", version: "2")
        let files = try fixture.tourFiles()
        func crafted(_ change: (inout [PackageFixture.Entry]) -> Void) async throws -> URL {
            var entries = fixture.signedEntries(files, version: "2")
            change(&entries)
            return try await fixture.craft(entries)
        }
        let index = { (entries: [PackageFixture.Entry], name: String) in entries.firstIndex { $0.name == name }! }

        try await expectRefusedUnchanged(try await crafted { $0[0].data = $0[0].data.replacingOccurrences(of: "dvor", with: "dvoR") }) {
            if case .badSignature = $0 { true } else { false }
        }
        try await expectRefusedUnchanged(try await fixture.craft(fixture.signedEntries(files, version: "2", signer: .generate()))) {
            if case .untrustedKey = $0 { true } else { false }
        }
        try await expectRefusedUnchanged(try await crafted { $0.removeAll { $0.name == "manifest.json.minisig" } }) { $0 == PackageRefusal.unsigned }
        try await expectRefusedUnchanged(try await crafted { entries in
            let at = index(entries, "audio/dvor/02.ru.ogg")
            entries[at].data[100] ^= 1
        }) { if case .fileMismatch("audio/dvor/02.ru.ogg", _) = $0 { true } else { false } }
        try await expectRefusedUnchanged(try await crafted { $0.removeAll { $0.name == "audio/dvor/02.en.ogg" } }) { $0 == PackageRefusal.missingFile(path: "audio/dvor/02.en.ogg") }
        try await expectRefusedUnchanged(try await crafted { $0.append(.init(name: "audio/dvor/x.ogg", data: Data(count: 8))) }) {
            $0 == PackageRefusal.unlistedFile(path: "audio/dvor/x.ogg")
        }
        try await expectRefusedUnchanged(try await crafted { $0.append(.init(name: "audio/../../etc/passwd", data: Data(count: 8))) }) {
            if case .unsafePath = $0 { true } else { false }
        }
        try await expectRefusedUnchanged(try await crafted { entries in entries[index(entries, "audio/dvor/01.en.ogg")].mode = 0o120777 }) {
            if case .unsafePath(_, let why) = $0 { why.contains("symbolic link") } else { false }
        }
        var bomb = files
        bomb["audio/dvor/zeros.ogg"] = Data(count: 4 << 20)
        var bombEntries = fixture.signedEntries(bomb, version: "2")
        bombEntries[index(bombEntries, "audio/dvor/zeros.ogg")].deflate = true
        try await expectRefusedUnchanged(try await fixture.craft(bombEntries)) { if case .tooLarge = $0 { true } else { false } }

        // Signed and intact, but the tour names a clip the package lacks: validation refuses it after unpacking.
        var incomplete = files
        incomplete["audio/dvor/02.en.ogg"] = nil
        try await expectRefusedUnchanged(try await fixture.craft(fixture.signedEntries(incomplete, version: "2"))) {
            if case .invalidTour(let findings) = $0 { findings.contains { $0.contains("tour.yaml:") && $0.contains("02.en.ogg") } } else { false }
        }
    }

    @Test func aFolderCopiedByHandIsNotReplaced() async throws {
        try FileManager.default.createDirectory(at: data.appendingPathComponent("tours/dvor"), withIntermediateDirectories: true)
        try Data("format: 1\n".utf8).write(to: data.appendingPathComponent("tours/dvor/tour.yaml"))
        try await expectRefusedUnchanged(try packVersion("1")) { $0.description.contains("copied by hand") }
    }

    @Test func unsignedPackagesOnlyWhereTheKioskAllowsThem() async throws {
        let unsigned = try fixture.pack(signed: false)
        try await expectRefusedUnchanged(unsigned) { $0 == PackageRefusal.unsigned }
        let outcome = try await install(unsigned, requireSignature: false)
        #expect(outcome.change == .installed)
        #expect(installer().list().first?.signer == nil)
    }

    /// A tmpfs of 1 MB: the space check refuses before unpacking; with the check fooled, the disk fills while
    /// unpacking and the refusal still leaves nothing behind.
    @Test func aFullDiskRefusesCleanly() async throws {
        let mountPoint = fixture.root.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let mounted = mount("tmpfs", mountPoint.path, "tmpfs", 0, "size=1m")
        try #require(mounted == 0, "mount tmpfs (the tests run as root, as CI does): \(String(cString: strerror(errno)))")
        defer { umount2(mountPoint.path, Int32(MNT_DETACH)) }
        // Leaves about 64 kB: less than the tour's clips.
        try Data(count: 1_048_576 - 65_536).write(to: mountPoint.appendingPathComponent("ballast"))
        try FileManager.default.createDirectory(at: mountPoint.appendingPathComponent("data"), withIntermediateDirectories: true)
        var small = TourInstaller(dataDirectory: mountPoint.appendingPathComponent("data"), trust: fixture.trust)
        let package = try packVersion("1")
        let before = snapshot(mountPoint)
        do {
            _ = try await install(package, into: small)
            Issue.record("installed onto a full disk")
        } catch {
            #expect("\(error)".contains("not enough free disk space"), "\(error)")
        }

        small.reserveBytes = -(1 << 30)
        do {
            _ = try await install(package, into: small)
            Issue.record("the install fitted on a full disk")
        } catch {
            #expect("\(error)".contains("the disk filled up while unpacking"), "\(error)")
        }
        // The releases/ folder made for staging stays, empty; nothing else is left.
        #expect(snapshot(mountPoint).filter { $0 != "data/releases/ dir" } == before)
    }

    // MARK: - Helpers

    /// Installs `package`, expects a refusal matching `matches`, and checks the data folder did not change at all.
    func expectRefusedUnchanged(_ package: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation,
                                _ matches: (PackageRefusal) -> Bool) async throws {
        let before = snapshot(data)
        do {
            let outcome = try await install(package)
            Issue.record("installed \(outcome.tour) \(outcome.version) instead of refusing", sourceLocation: sourceLocation)
        } catch let refusal as PackageRefusal {
            #expect(matches(refusal), "refused for another reason: \(refusal)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("failed instead of refusing: \(error)", sourceLocation: sourceLocation)
        }
        #expect(snapshot(data) == before, "the data folder changed", sourceLocation: sourceLocation)
        #expect(leftovers().isEmpty, sourceLocation: sourceLocation)
    }

    func leftovers() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("releases").path)) ?? [])
            .filter { $0.hasPrefix(".staging") || $0.hasPrefix(".trash") || $0.hasPrefix(".next") }
    }

    /// Every path under `root` with its kind, size, modification time and link target.
    func snapshot(_ root: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var lines: [String] = []
        while let path = walker.nextObject() as? String {
            var info = stat()
            guard lstat(root.appendingPathComponent(path).path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFLNK: lines.append("\(path) -> \((try? FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent(path).path)) ?? "?")")
            case S_IFDIR: lines.append("\(path)/ dir")
            default: lines.append("\(path) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)")
            }
        }
        return lines.sorted()
    }
}
