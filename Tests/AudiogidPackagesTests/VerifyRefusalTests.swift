import AudiogidCore
import AudiogidPackages
import Foundation
import Testing

/// Every way a package can be wrong, each with a package crafted for it.
@Suite(.timeLimit(.minutes(3)))
struct VerifyRefusalTests {
    let fixture: PackageFixture
    init() throws { fixture = try PackageFixture() }

    func refusal(_ url: URL, trust: TrustPolicy? = nil, limits: PackageLimits = PackageLimits()) -> PackageRefusal? {
        do {
            let package = try TourPackage(url: url, trust: trust ?? fixture.trust, limits: limits)
            try package.checkFiles()
            return nil
        } catch {
            return error
        }
    }

    @Test func theUnchangedCraftIsAccepted() async throws {
        // The crafting path itself writes packages that verify, so each refusal below is due to its one change.
        #expect(refusal(try await fixture.craft(fixture.signedEntries(try fixture.tourFiles()))) == nil)
    }

    @Test func signatureProblems() async throws {
        let files = try fixture.tourFiles()
        var entries = fixture.signedEntries(files)
        entries[0].data = entries[0].data.replacingOccurrences(of: "dvor", with: "dvoR")
        guard case .badSignature? = refusal(try await fixture.craft(entries)) else { Issue.record("a changed manifest passed"); return }

        let stranger = MinisignSecretKey.generate()
        guard case .untrustedKey(let id, _)? = refusal(try await fixture.craft(fixture.signedEntries(files, signer: stranger))) else {
            Issue.record("a stranger's key passed"); return
        }
        #expect(id == stranger.publicKey.keyIDText)

        let unsigned = fixture.signedEntries(files).filter { $0.name != "manifest.json.minisig" }
        #expect(refusal(try await fixture.craft(unsigned)) == .unsigned)
        var lenient = fixture.trust
        lenient.requireSignature = false
        #expect(refusal(try await fixture.craft(unsigned), trust: lenient) == nil)

        // A signature whose trusted comment names another version.
        let renamed = fixture.signedEntries(files, comment: "timestamp:1\ttour:dvor\tversion:7")
        guard case .badSignature? = refusal(try await fixture.craft(renamed)) else { Issue.record("a mismatched signed version passed"); return }
    }

    @Test func fileProblems() async throws {
        let files = try fixture.tourFiles()
        var changed = files
        var clip = changed["audio/dvor/01.ru.ogg"]!
        clip[clip.count / 2] ^= 0xFF
        changed["audio/dvor/01.ru.ogg"] = clip
        let sameSize = fixture.signedEntries(changed, listed: files)
        guard case .fileMismatch(let path, _)? = refusal(try await fixture.craft(sameSize)) else { Issue.record("a changed clip passed"); return }
        #expect(path == "audio/dvor/01.ru.ogg")

        changed["audio/dvor/01.ru.ogg"] = clip + Data([1])
        guard case .fileMismatch? = refusal(try await fixture.craft(fixture.signedEntries(changed, listed: files))) else {
            Issue.record("a longer clip passed"); return
        }

        var fewer = files
        fewer["audio/dvor/02.en.ogg"] = nil
        #expect(refusal(try await fixture.craft(fixture.signedEntries(fewer, listed: files))) == .missingFile(path: "audio/dvor/02.en.ogg"))

        var more = files
        more["audio/dvor/extra.ogg"] = Data(count: 10)
        #expect(refusal(try await fixture.craft(fixture.signedEntries(more, listed: files))) == .unlistedFile(path: "audio/dvor/extra.ogg"))
    }

    @Test func unsafePaths() async throws {
        let files = try fixture.tourFiles()
        for (bad, reason) in [("/etc/cron.d/x", "absolute"), ("audio/../../x", ".."), ("audio/dvor/./a", "'.'"), ("notes.txt", "belong")] {
            var shaped = files
            shaped[bad] = Data("x".utf8)
            guard case .unsafePath(let path, let why)? = refusal(try await fixture.craft(fixture.signedEntries(shaped))) else {
                Issue.record("\(bad) passed"); continue
            }
            #expect(path == bad)
            #expect(why.contains(reason), "\(why)")
        }
        var caseTwin = files
        caseTwin["audio/dvor/01.RU.ogg"] = Data("x".utf8)
        guard case .unsafePath(_, let caseWhy)? = refusal(try await fixture.craft(fixture.signedEntries(caseTwin))) else {
            Issue.record("a case twin passed"); return
        }
        #expect(caseWhy.contains("case or Unicode"))
        // NFC and NFD spellings of one name. Swift's dictionary treats them as one key, so the entries are built by hand.
        var entries = fixture.signedEntries(files)
        entries.append(.init(name: "audio/dvor/caf\u{E9}.ogg", data: Data("a".utf8)))
        entries.append(.init(name: "audio/dvor/cafe\u{301}.ogg", data: Data("b".utf8)))
        guard case .unsafePath(_, let why)? = refusal(try await fixture.craft(entries)) else { Issue.record("NFC/NFD twins passed"); return }
        #expect(why.contains("case or Unicode"))
    }

    @Test func entriesThatAreNotRegularFiles() async throws {
        let files = try fixture.tourFiles()
        for (mode, word) in [(UInt32(0o120777), "symbolic link"), (0o020644, "character device"), (0o060644, "block device"),
                             (0o010644, "FIFO"), (0o040755, "directory")] {
            var entries = fixture.signedEntries(files)
            let index = entries.firstIndex { $0.name == "audio/dvor/01.en.ogg" }!
            entries[index].mode = mode
            guard case .unsafePath(let path, let why)? = refusal(try await fixture.craft(entries)) else { Issue.record("mode \(String(mode, radix: 8)) passed"); continue }
            #expect(path == "audio/dvor/01.en.ogg")
            #expect(why.contains(word), "\(why)")
        }
    }

    @Test func zipBombs() async throws {
        var files = try fixture.tourFiles()
        // 4 MB of zeros deflates to a few kB: a ratio of about 1000.
        files["audio/dvor/zeros.ogg"] = Data(count: 4 << 20)
        var entries = fixture.signedEntries(files)
        let index = entries.firstIndex { $0.name == "audio/dvor/zeros.ogg" }!
        entries[index].deflate = true
        let bomb = try await fixture.craft(entries)
        guard case .tooLarge(let why)? = refusal(bomb) else { Issue.record("a deflate bomb passed"); return }
        #expect(why.contains("compressed more than"))

        let plain = try await fixture.craft(fixture.signedEntries(try fixture.tourFiles()))
        guard case .tooLarge? = refusal(plain, limits: PackageLimits(maxEntries: 3)) else { Issue.record("entry count"); return }
        guard case .tooLarge? = refusal(plain, limits: PackageLimits(maxTotalBytes: 50_000)) else { Issue.record("total size"); return }
        guard case .tooLarge? = refusal(plain, limits: PackageLimits(maxFileBytes: 20_000)) else { Issue.record("file size"); return }
    }

    @Test func notAZip() async throws {
        let url = fixture.root.appendingPathComponent("junk.audiogid")
        try Data("this is not a zip".utf8).write(to: url)
        guard case .notAPackage? = refusal(url) else { Issue.record("junk passed"); return }
    }
}

extension Data {
    func replacingOccurrences(of target: String, with replacement: String) -> Data {
        Data(String(decoding: self, as: UTF8.self).replacingOccurrences(of: target, with: replacement).utf8)
    }
}
