import AudiogidCore
import AudiogidPackages
import AudiogidTestSupport
import Foundation

/// A scratch folder with a small real tour (two stops, clips copied from the demo tour), and helpers to
/// write packages of any shape: real ones through `TourPacker`, crafted ones through Python's zipfile,
/// which can write what a forger would (symlinks, devices, `..`, deflated bombs).
final class PackageFixture {
    let root: URL
    let key = MinisignSecretKey.generate()

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("audiogid-packages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try writeTour(id: "dvor", version: "1")
        try Data(key.publicKey.fileText.utf8).write(to: trustedKeys.appendingPathComponent("staff.pub"))
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var library: URL { root.appendingPathComponent("library") }
    var trustedKeys: URL {
        let url = root.appendingPathComponent("trusted-keys")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
    var trust: TrustPolicy { TrustPolicy(keys: [key.publicKey], source: "the fixture's key") }

    static let demoAudio = BuiltTool.packageRoot.appendingPathComponent("audio/moyo-selo")

    /// library/tours/ID/tour.yaml with two stops in ru and en, and their clips under library/audio/ID/.
    func writeTour(id: String, version: String?, extraYAML: String = "", clips: [String: String] = [
        "01.ru.ogg": "01-library.ru.ogg", "01.en.ogg": "01-library.en.ogg", "02.ru.ogg": "02-school.ru.ogg", "02.en.ogg": "02-school.en.ogg",
    ]) throws {
        let folder = library.appendingPathComponent("tours/\(id)")
        let audio = library.appendingPathComponent("audio/\(id)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
        for (name, demo) in clips {
            let target = audio.appendingPathComponent(name)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: Self.demoAudio.appendingPathComponent(demo), to: target)
        }
        let yaml = """
        format: 1
        id: \(id)
        \(version.map { "version: \($0)\n" } ?? "")title: Двор
        languages: [ru, en]
        \(extraYAML)stops:
          - id: vorota
            number: 1
            title: Ворота
            audio: {ru: \(id)/01.ru.ogg, en: \(id)/01.en.ogg}
          - id: kolodets
            number: 2
            title: Колодец
            audio: {ru: \(id)/02.ru.ogg, en: \(id)/02.en.ogg}

        """
        try Data(yaml.utf8).write(to: folder.appendingPathComponent("tour.yaml"))
    }

    func tourFolder(_ id: String = "dvor") -> String { library.appendingPathComponent("tours/\(id)").path }

    /// A real package of the tour, as `audiogid pack` writes it.
    @discardableResult
    func pack(_ id: String = "dvor", version: TourVersion? = nil, name: String? = nil, signed: Bool = true) throws -> URL {
        let output = root.appendingPathComponent(name ?? "\(id)-\(UUID().uuidString.prefix(8)).audiogid")
        return try TourPacker.pack(tourPath: tourFolder(id), version: version, key: signed ? key : nil, output: output).url
    }

    // MARK: - Crafted packages

    struct Entry {
        var name: String
        var data: Data
        /// st_mode as the zip's external attributes carry it.
        var mode: UInt32 = 0o100644
        var deflate = false
    }

    /// The entries of a real package, to be changed before `craft` writes them back.
    func entries(of package: URL) async throws -> [Entry] {
        let script = """
        import base64, json, sys, zipfile
        with zipfile.ZipFile(sys.argv[1]) as z:
            print(json.dumps([{"name": i.filename, "data": base64.b64encode(z.read(i)).decode()} for i in z.infolist()]))
        """
        let result = try await Self.run("/usr/bin/python3", ["-c", script, package.path])
        let items = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: String]] ?? []
        return items.map { Entry(name: $0["name"]!, data: Data(base64Encoded: $0["data"]!)!) }
    }

    /// Writes `entries` as a zip, exactly as given.
    @discardableResult
    func craft(_ entries: [Entry], name: String = "crafted-\(UUID().uuidString.prefix(8)).audiogid") async throws -> URL {
        let url = root.appendingPathComponent(name)
        let spec = root.appendingPathComponent("\(name).json")
        let json = entries.map { ["name": $0.name, "data": $0.data.base64EncodedString(), "mode": Int($0.mode), "deflate": $0.deflate] as [String: Any] }
        try JSONSerialization.data(withJSONObject: json).write(to: spec)
        let script = """
        import base64, json, sys, zipfile
        entries = json.load(open(sys.argv[1]))
        with zipfile.ZipFile(sys.argv[2], "w") as z:
            for e in entries:
                info = zipfile.ZipInfo(e["name"], (2026, 1, 1, 0, 0, 0))
                info.create_system = 3
                info.external_attr = e["mode"] << 16
                info.compress_type = zipfile.ZIP_DEFLATED if e["deflate"] else zipfile.ZIP_STORED
                z.writestr(info, base64.b64decode(e["data"]))
        """
        let result = try await Self.run("/usr/bin/python3", ["-c", script, spec.path, url.path])
        guard result.status == 0 else { throw FixtureError("python could not write the zip: \(result.stderr)") }
        return url
    }

    /// Entries for `files` with a manifest listing `listed` (default: the same files) signed by `signer`.
    func signedEntries(_ files: [String: Data], listed: [String: Data]? = nil, tour: String = "dvor", version: String = "1",
                       signer: MinisignSecretKey? = nil, comment: String? = nil) -> [Entry] {
        let manifest = PackageManifest(tour: tour, version: TourVersion(version)!, created: Date(timeIntervalSince1970: 1_790_000_000),
                                       files: (listed ?? files).sorted { $0.key < $1.key }.map { path, data in
                                           var hasher = SHA256Hasher()
                                           hasher.update(data)
                                           return .init(path: path, size: Int64(data.count), sha256: hasher.finishHex())
                                       })
        let manifestData = manifest.encoded()
        let signature = MinisignSignature.sign([UInt8](manifestData), with: signer ?? key, trustedComment: comment ?? manifest.trustedComment)
        return [Entry(name: "manifest.json", data: manifestData), Entry(name: "manifest.json.minisig", data: Data(signature.fileText.utf8))]
            + files.sorted { $0.key < $1.key }.map { Entry(name: $0.key, data: $0.value) }
    }

    /// The fixture tour's files as a package holds them.
    func tourFiles(_ id: String = "dvor") throws -> [String: Data] {
        var files: [String: Data] = ["tour.yaml": try Data(contentsOf: URL(fileURLWithPath: tourFolder(id)).appendingPathComponent("tour.yaml"))]
        for name in ["01.ru.ogg", "01.en.ogg", "02.ru.ogg", "02.en.ogg"] {
            files["audio/\(id)/\(name)"] = try Data(contentsOf: library.appendingPathComponent("audio/\(id)/\(name)"))
        }
        return files
    }

    /// Runs a program to completion, awaiting its exit (an event with a deadline) so no thread of the test pool waits.
    static func run(_ program: String, _ arguments: [String], in directory: URL? = nil) async throws -> ProgramResult {
        let running = try RunningProgram(URL(fileURLWithPath: program), arguments, in: directory ?? BuiltTool.packageRoot)
        let status = await running.finish(within: 40)
        return ProgramResult(status: status, stdout: running.stdout, stderr: running.stderr)
    }

    /// A shell line, for feeding passwords to `minisign` on standard input.
    static func shell(_ line: String, in directory: URL) async throws -> ProgramResult {
        try await run("/bin/sh", ["-c", line], in: directory)
    }

    /// `audiogid ARGUMENTS`, the built executable, from `directory`.
    static func audiogid(_ arguments: [String], in directory: URL) async throws -> ProgramResult {
        try await run(BuiltTool.executable.path, arguments, in: directory)
    }

    /// Work that blocks (scrypt with minisign's 1 GiB; an install's fsyncs, slow on a busy disk) runs on a thread
    /// of its own, never on the test pool's two.
    static func onThread<T>(_ body: @escaping () throws -> T) async throws -> T {
        let work = Unchecked(body)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Unchecked<T>, any Error>) in
            Thread { continuation.resume(with: Result { Unchecked(try work.value()) }) }.start()
        }.value
    }
}

/// Hands a value to another thread that the test alone uses meanwhile.
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

struct ProgramResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
