import AudiogidCore
import AudiogidPackages
import Foundation
import Hummingbird
import NIOCore

/// Real tour packages for the upload tests, made with the project's own `TourPacker` (what `audiogid pack` runs):
/// a two-stop tour `dvor` in a scratch library, clips from the demo tour, signed by the museum's key, whose public
/// half the rig's kiosk trusts as `museum.pub`.
final class PackageShop: Sendable {
    let library: URL
    let key = MinisignSecretKey.generate()

    init(trustedKeys: URL) throws {
        library = URL(fileURLWithPath: "/tmp/agw-lib-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: library.appendingPathComponent("tours/dvor"), withIntermediateDirectories: true)
        let audio = library.appendingPathComponent("audio/dvor")
        try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
        let demo = repositoryRoot.appendingPathComponent("audio/moyo-selo")
        for (name, source) in ["01.ru.ogg": "01-library.ru.ogg", "01.en.ogg": "01-library.en.ogg",
                               "02.ru.ogg": "02-school.ru.ogg", "02.en.ogg": "02-school.en.ogg"] {
            try FileManager.default.copyItem(at: demo.appendingPathComponent(source), to: audio.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(at: trustedKeys, withIntermediateDirectories: true)
        try Data(key.publicKey.fileText.utf8).write(to: trustedKeys.appendingPathComponent("museum.pub"))
    }

    deinit { try? FileManager.default.removeItem(at: library) }

    /// `dvor-VERSION.audiogid`, signed by `signer` (the trusted key unless said), unsigned with `signed: false`.
    func package(version: String, signer: MinisignSecretKey? = nil, signed: Bool = true) throws -> URL {
        try """
            format: 1
            id: dvor
            version: \(version)
            title: {ru: Двор, en: The yard}
            languages: [ru, en]
            stops:
              - id: vorota
                number: 1
                title: Ворота
                audio: {ru: dvor/01.ru.ogg, en: dvor/01.en.ogg}
              - id: kolodets
                number: 2
                title: Колодец
                audio: {ru: dvor/02.ru.ogg, en: dvor/02.en.ogg}

            """.write(to: library.appendingPathComponent("tours/dvor/tour.yaml"), atomically: true, encoding: .utf8)
        let output = library.appendingPathComponent("dvor-\(version)-\(UUID().uuidString.prefix(6)).audiogid")
        return try TourPacker.pack(tourPath: library.appendingPathComponent("tours/dvor").path,
                                   key: signed ? (signer ?? key) : nil, output: output).url
    }

    /// The package with one byte of its signed manifest changed after signing (the zip itself stays whole:
    /// Python's zipfile writes it again with correct checksums), as a corrupted or tampered download would be.
    func tampered(_ package: URL) throws -> URL {
        let output = package.deletingPathExtension().appendingPathExtension("tampered.audiogid")
        let script = """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as source, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_STORED) as target:
                for info in source.infolist():
                    data = source.read(info)
                    if info.filename == "manifest.json":
                        data = data.replace(b'"dvor"', b'"dvoR"', 1)
                    target.writestr(info, data)
            """
        try Self.python(script, [package.path, output.path])
        return output
    }

    /// A package signed by the trusted key whose tour does not validate: stop 2 names a clip the package lacks.
    /// Its manifest is made and signed again after the change, so only the validator can find the mistake.
    func withMistakes(version: String) throws -> URL {
        let good = try package(version: version)
        let folder = library.appendingPathComponent("unpacked-\(UUID().uuidString.prefix(6))")
        try Self.python("import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", [good.path, folder.path])
        let yamlURL = folder.appendingPathComponent("tour.yaml")
        let yaml = try String(contentsOf: yamlURL, encoding: .utf8).replacingOccurrences(of: "dvor/02.ru.ogg", with: "dvor/03.ru.ogg")
        try yaml.write(to: yamlURL, atomically: true, encoding: .utf8)
        var manifest = try PackageManifest.decode(try Data(contentsOf: folder.appendingPathComponent(PackageManifest.entryName)))
        var hasher = SHA256Hasher()
        hasher.update(Data(yaml.utf8))
        manifest.files = manifest.files.map { $0.path == "tour.yaml" ? .init(path: $0.path, size: Int64(yaml.utf8.count), sha256: hasher.finishHex()) : $0 }
        let data = manifest.encoded()
        try data.write(to: folder.appendingPathComponent(PackageManifest.entryName))
        let signature = MinisignSignature.sign([UInt8](data), with: key, trustedComment: manifest.trustedComment)
        try Data(signature.fileText.utf8).write(to: folder.appendingPathComponent(PackageManifest.signatureEntryName))
        let output = library.appendingPathComponent("dvor-\(version)-mistaken.audiogid")
        try Self.python("""
            import os, sys, zipfile
            with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_STORED) as target:
                for name in sys.argv[3:]:
                    target.write(os.path.join(sys.argv[1], name), name)
            """, [folder.path, output.path] + manifest.files.map(\.path) + [PackageManifest.entryName, PackageManifest.signatureEntryName])
        return output
    }

    static func python(_ script: String, _ arguments: [String]) throws {
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        python.arguments = ["-c", script] + arguments
        try python.run()
        python.waitUntilExit()
        guard python.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    static func bytes(_ url: URL) throws -> ByteBuffer { ByteBuffer(data: try Data(contentsOf: url)) }
}

/// A `multipart/form-data` body as a browser's form sends it.
struct MultipartBody {
    static let boundary = "----AudiogidTestBoundary7MA4YWxkTrZu0gW"
    var parts: [(name: String, filename: String?, data: Data)]

    var contentType: String { "multipart/form-data; boundary=\(Self.boundary)" }

    func buffer(closed: Bool = true) -> ByteBuffer {
        var body = Data()
        for part in parts {
            body += Data("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\"".utf8)
            if let filename = part.filename {
                body += Data("; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream".utf8)
            }
            body += Data("\r\n\r\n".utf8) + part.data + Data("\r\n".utf8)
        }
        if closed { body += Data("--\(Self.boundary)--\r\n".utf8) }
        return ByteBuffer(data: body)
    }
}
