import AudiogidCore
import AudiogidMessages
import Foundation
import Yams

/// A tour read from disk and checked, with where its clips live.
public struct LoadedTour: Sendable {
    public var tour: Tour
    public var manifestPath: String
    public var tourDirectory: URL
    public var audioDirectory: URL
    /// What each referenced clip really holds, by its path relative to `audio/`. Only clips that were checked and open.
    public var clips: [String: ClipInfo]
    /// Warnings found while loading (a loaded tour has no errors).
    public var warnings: [Finding]

    public func clipURL(_ relativePath: String) -> URL { ClipLocator(audioDirectory: audioDirectory).url(for: relativePath) }

    /// Seconds of the clip a visitor hears at `stop` in `language` (after fallback), if it is known.
    public func clipDuration(for stop: Stop, language: String) -> Double? {
        tour.clip(for: stop, language: language).flatMap { clips[$0.path]?.durationSeconds }
    }
}

/// A tour that could not be loaded: every error found, each with file, line and column.
public struct TourLoadError: Error, Sendable, CustomStringConvertible {
    public var findings: [Finding]
    public var description: String { findings.filter { $0.severity == .error }.map(\.line).joined(separator: "\n") }
}

/// Everything the validator found in one manifest.
public struct ValidationReport: Sendable {
    public var manifestPath: String
    public var tour: Tour?
    public var tourDirectory: URL
    public var audioDirectory: URL
    public var findings: [Finding]
    public var clips: [String: ClipInfo]

    public var hasErrors: Bool { findings.contains { $0.severity == .error } }
}

/// Reads and checks `tour.yaml` manifests.
public enum TourLoader {
    /// A manifest larger than this is refused before parsing: real ones are a few kilobytes, and a
    /// runaway file must not take a kiosk's memory.
    public static let maximumManifestBytes = 8 << 20

    /// Loads one tour for use, or throws every error found.
    /// - Parameters:
    ///   - path: a tour folder, its `tour.yaml`, or a tour id under `./tours/`.
    ///   - audioDirectory: where clips live, if not the `audio/` folder of the tour's library.
    ///   - checkClips: false to skip opening clips (a draft tour being routed before it is recorded).
    public static func load(path: String, audioDirectory: String? = nil, checkClips: Bool = true) throws(TourLoadError) -> LoadedTour {
        let manifest: String
        do { manifest = try TourLibrary.manifestPath(for: path) } catch { throw TourLoadError(findings: [error.finding]) }
        let report = validate(manifestPath: manifest, audioDirectory: audioDirectory, checkClips: checkClips)
        guard !report.hasErrors, let tour = report.tour else { throw TourLoadError(findings: report.findings) }
        return LoadedTour(tour: tour, manifestPath: manifest, tourDirectory: report.tourDirectory,
                          audioDirectory: report.audioDirectory, clips: report.clips,
                          warnings: report.findings.filter { $0.severity == .warning })
    }

    /// Checks one manifest file and every clip it names. Never throws: whatever is wrong becomes a finding.
    public static func validate(manifestPath: String, audioDirectory: String? = nil, checkClips: Bool = true) -> ValidationReport {
        let manifestURL = URL(fileURLWithPath: manifestPath).standardizedFileURL
        let tourDirectory = manifestURL.deletingLastPathComponent()
        let audio = audioDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? TourLibrary.audioDirectory(forTourAt: tourDirectory)
        var report = ValidationReport(manifestPath: manifestPath, tour: nil, tourDirectory: tourDirectory,
                                      audioDirectory: audio, findings: [], clips: [:])
        let start = SourceLocation(file: manifestPath, line: 1, column: 1)

        let text: String
        switch readManifestText(manifestURL) {
        case .success(let contents): text = contents
        case .failure(let problem):
            report.findings.append(Finding(.error, at: start, problem.message))
            return report
        }

        let root: Node
        do {
            guard let node = try YAMLDocument(text: text, file: manifestPath).root, node.null == nil else {
                report.findings.append(Finding(.error, at: start, Wording(.manifestEmpty)))
                return report
            }
            root = node
        } catch {
            report.findings.append(error.finding)
            return report
        }

        var reader = ManifestReader(file: manifestPath)
        let tour = reader.readTour(root)
        report.findings += reader.findings
        guard let tour else { return report }
        report.tour = tour
        report.findings += TourRules.check(tour, locator: reader.locator)

        let folderName = tourDirectory.lastPathComponent
        if !tour.id.isEmpty, tour.id != folderName, manifestURL.lastPathComponent == "tour.yaml" {
            report.findings.append(Finding(.warning, at: reader.locator.locate("id"),
                                           Wording(.idDiffersFromFolder, .text(tour.id), .text(folderName)), field: "id"))
        }
        if checkClips {
            let clipCheck = ClipCheck(locator: ClipLocator(audioDirectory: audio), fields: reader.locator)
            let (clips, findings) = clipCheck.check(tour)
            report.clips = clips
            report.findings += findings
            // A stop's picture is optional; one named must be there.
            let locator = ClipLocator(audioDirectory: audio)
            for (index, stop) in tour.stops.enumerated() {
                guard let image = stop.image, case .failure(let problem) = locator.resolve(image) else { continue }
                let field = "stops[\(index)].image"
                report.findings.append(Finding(.error, at: reader.locator.locate(field),
                                               Wording(.imageNotInAudio, .text(stop.id), .text(image), "\(problem)"),
                                               stop: stop.id, field: field, isSecurity: problem == .escapes))
            }
        }
        report.findings.sort { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        return report
    }

    private static func readManifestText(_ url: URL) -> Result<String, ManifestProblem> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            return .failure(ManifestProblem(message: Wording(.manifestMissing)))
        }
        guard !isDirectory.boolValue else { return .failure(ManifestProblem(message: Wording(.manifestIsFolder))) }
        guard let handle = try? FileHandle(forReadingFrom: url) else { return .failure(ManifestProblem(message: Wording(.manifestUnopenable))) }
        defer { try? handle.close() }
        let data: Data
        do {
            // nil means end of file at once: an empty manifest, reported as such below.
            data = try handle.read(upToCount: maximumManifestBytes + 1) ?? Data()
        } catch {
            return .failure(ManifestProblem(message: Wording(.manifestUnreadable, .text(error.localizedDescription))))
        }
        if data.count > maximumManifestBytes {
            return .failure(ManifestProblem(message: Wording(.manifestTooLarge, .number(maximumManifestBytes >> 20))))
        }
        if data.contains(0) { return .failure(ManifestProblem(message: Wording(.manifestBinary))) }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(ManifestProblem(message: Wording(.manifestNotUTF8)))
        }
        return .success(text)
    }

    private struct ManifestProblem: Error { var message: Wording }
}
