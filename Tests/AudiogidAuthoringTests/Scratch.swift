import AudiogidTestSupport
import Testing
import Foundation

/// A fresh folder under /tmp for one test, removed when the test is done with it.
struct Scratch {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("audiogid-authoring-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> URL { url.appendingPathComponent(name) }
    func remove() { try? FileManager.default.removeItem(at: url) }

    /// A library holding copies of the demo tours, and their clips through a link (the clips are only read).
    func demoLibrary() throws -> URL {
        let library = path("library")
        try FileManager.default.createDirectory(at: library, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: BuiltTool.packageRoot.appendingPathComponent("tours"), to: library.appendingPathComponent("tours"))
        try FileManager.default.createSymbolicLink(at: library.appendingPathComponent("audio"),
                                                   withDestinationURL: BuiltTool.packageRoot.appendingPathComponent("audio"))
        return library
    }

    func write(_ name: String, _ text: String) throws -> URL {
        let url = path(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

/// Programs the tests make their inputs with, as staff's own tools would: LibreOffice, iconv, ffmpeg.
enum Tool {
    struct Failed: Error, CustomStringConvertible { var description: String }

    @discardableResult
    static func run(_ program: String, _ arguments: [String], in directory: URL? = nil) throws -> BuiltTool.Result {
        let result = try BuiltTool.runProgram(URL(fileURLWithPath: program), arguments, in: directory ?? BuiltTool.packageRoot)
        guard result.status == 0 else {
            throw Failed(description: "\(program) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result
    }

    /// Converts `file` with LibreOffice (`xlsx`, `csv:...` filters), into a folder beside `file`; returns the new file.
    /// Each run gets its own LibreOffice profile, so tests never share (or lock) one.
    static func libreOffice(convert file: URL, to target: String, extension newExtension: String,
                            inputFilter: String? = nil) throws -> URL {
        let folder = file.deletingLastPathComponent()
        let outFolder = folder.appendingPathComponent("libreoffice-\(newExtension)")
        var arguments = ["-env:UserInstallation=file://\(folder.path)/lo-profile", "--headless"]
        if let inputFilter { arguments.append("--infilter=\(inputFilter)") }
        arguments += ["--convert-to", target, "--outdir", outFolder.path, file.path]
        try run("/usr/bin/soffice", arguments, in: folder)
        let output = outFolder.appendingPathComponent(file.deletingPathExtension().lastPathComponent).appendingPathExtension(newExtension)
        guard FileManager.default.fileExists(atPath: output.path) else { throw Failed(description: "LibreOffice wrote no \(output.path)") }
        return output
    }
}

/// The suites that run LibreOffice, ffmpeg, espeak-ng and rsvg-convert, one test at a time: together they would take
/// both cores from the timing-sensitive suites (audio, daemon) running beside them.
@Suite(.serialized, .timeLimit(.minutes(3)))
enum ExternalProgramTests {}
