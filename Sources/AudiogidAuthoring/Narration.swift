import AudiogidCore
import Foundation

/// `audiogid narrate`: each stop's transcript spoken by espeak-ng into draft clips (`NN-STOP.LANG.draft.ogg`,
/// the stop marked `draft: true`), so a route can be walked and a kiosk tried before the recordings exist.
public enum Narration {
    public struct Result: Sendable {
        public var edits: [StopEdit]
        /// Stops left alone: no transcript in the language, or a real recording already there.
        public var skipped: [(id: String, reason: String)]
    }

    /// espeak-ng's voice for a language code where the two differ (Mandarin is `cmn`).
    static func voice(for language: String) -> String {
        ["zh": "cmn"][language] ?? language
    }

    public static func draftPath(tour: Tour, stop: Stop, language: String) -> String {
        "\(tour.id)/\(String(stop.number).leftPadded(to: 2))-\(stop.id).\(language).draft.ogg"
    }

    public static func narrate(_ tour: Tour, language: String, voice: String?, audioDirectory: URL) throws(AuthoringError) -> Result {
        let espeak = try Programs.locate("espeak-ng", install: "espeak-ng")
        var result = Result(edits: [], skipped: [])
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("audiogid-narrate-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true) } catch {
            throw AuthoringError("cannot create \(work.path): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: work) }
        for (index, stop) in tour.stops.enumerated() {
            guard let text = stop.transcript.byLanguage[language], !text.isEmpty else {
                result.skipped.append((stop.id, "no '\(language)' transcript"))
                continue
            }
            if let existing = stop.audio[language], !existing.contains(".draft.") {
                result.skipped.append((stop.id, "already has a recording (\(existing)); drafts never replace recordings"))
                continue
            }
            let spoken = work.appendingPathComponent("\(stop.id).wav")
            // From a file, so a transcript starting with '-' is never read as an option.
            let script = work.appendingPathComponent("\(stop.id).txt")
            do { try text.write(to: script, atomically: true, encoding: .utf8) } catch {
                throw AuthoringError("cannot write \(script.path): \(error.localizedDescription)")
            }
            try Programs.run(espeak, ["-v", voice ?? self.voice(for: language), "-w", spoken.path, "-f", script.path], about: "espeak-ng")
            let converted = try AudioImport.convert(spoken, stop: stop, tour: tour, language: language, audioDirectory: audioDirectory,
                                                    clipPath: draftPath(tour: tour, stop: stop, language: language))
            var drafted = converted.stop
            drafted.draft = true
            result.edits.append(StopEdit(index: index, stop: drafted, changed: StopEdit.changes(from: stop, to: drafted), row: 0))
        }
        return result
    }
}

/// Finding and running the Debian programs authoring uses.
enum Programs {
    static func locate(_ name: String, install package: String) throws(AuthoringError) -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw AuthoringError("\(name) is not installed; install it with: sudo apt-get install \(package)")
    }

    static func run(_ program: URL, _ arguments: [String], about what: String) throws(AuthoringError) {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            throw AuthoringError("cannot run \(program.path): \(error.localizedDescription)")
        }
        guard process.terminationStatus == 0 else { throw AuthoringError("\(what) failed (exit status \(process.terminationStatus))") }
    }
}
