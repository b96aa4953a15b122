import AudiogidCore
import Foundation
import Synchronization

/// Checks every clip a tour names: inside `audio/`, present, readable by libsndfile, not empty.
struct ClipCheck {
    let locator: ClipLocator
    let fields: FieldLocator

    private struct Reference {
        let path: String
        let field: String
        let owner: String
        let stop: String?
    }

    func check(_ tour: Tour) -> (clips: [String: ClipInfo], findings: [Finding]) {
        var references: [Reference] = []
        for (code, path) in tour.intro.sorted(by: { $0.key < $1.key }) {
            references.append(Reference(path: path, field: "intro.\(code)", owner: "the intro clip (\(code))", stop: nil))
        }
        for (index, stop) in tour.stops.enumerated() {
            for (code, path) in stop.audio.sorted(by: { $0.key < $1.key }) {
                references.append(Reference(path: path, field: "stops[\(index)].audio.\(code)",
                                            owner: "\(TourRules.describe(stop, in: tour)): the '\(code)' clip", stop: stop.id))
            }
        }

        // Resolve every distinct path once, then probe the files on all cores: a large tour names thousands.
        let distinct = Array(Set(references.map(\.path)))
        let resolved = distinct.map { locator.resolve($0) }
        let probes = Self.probeConcurrently(resolved.map { try? $0.get() })
        var outcome: [String: (Result<URL, ClipLocator.Problem>, Result<ClipInfo, ClipProbeError>?)] = [:]
        for (index, path) in distinct.enumerated() { outcome[path] = (resolved[index], probes[index]) }

        var clips: [String: ClipInfo] = [:]
        var findings: [Finding] = []
        for reference in references {
            guard let (location, probe) = outcome[reference.path] else { continue }
            let at = fields.locate(reference.field)
            func fail(_ message: String, security: Bool = false) {
                findings.append(Finding(.error, at: at, "\(reference.owner) \(message)", stop: reference.stop,
                                        field: reference.field, isSecurity: security))
            }
            switch location {
            case .failure(.empty): fail("has an empty path")
            case .failure(.absolute):
                fail("'\(reference.path)' is an absolute path; refused for security: clips are named relative to audio/", security: true)
            case .failure(.escapes):
                fail("'\(reference.path)' climbs out of the audio/ folder; refused for security", security: true)
            case .failure(.symlinkEscapes(let target)):
                fail("'\(reference.path)' is a link to \(target), outside the audio/ folder; refused for security", security: true)
            case .failure(.missing(let lookedAt)): fail("'\(reference.path)' is missing (looked for \(lookedAt))")
            case .failure(.notAFile): fail("'\(reference.path)' is a folder, not a sound file")
            case .success:
                switch probe {
                case .success(let info) where info.frames > 0: clips[reference.path] = info
                case .success: fail("'\(reference.path)' is empty: it holds no sound")
                case .failure(let error): fail("'\(reference.path)' cannot be played: \(error.reason)")
                case nil: break
                }
            }
        }
        return (clips, findings)
    }

    private static func probeConcurrently(_ urls: [URL?]) -> [Result<ClipInfo, ClipProbeError>?] {
        let results = ResultsBox(count: urls.count)
        DispatchQueue.concurrentPerform(iterations: urls.count) { index in
            guard let url = urls[index] else { return }
            let result: Result<ClipInfo, ClipProbeError>
            do throws(ClipProbeError) { result = .success(try ClipProbe.probe(url)) } catch { result = .failure(error) }
            results.set(index, result)
        }
        return results.values
    }
}

/// Collects results written from several threads, each to its own slot.
private final class ResultsBox: Sendable {
    private let storage: Mutex<[Result<ClipInfo, ClipProbeError>?]>

    init(count: Int) { storage = Mutex(Array(repeating: nil, count: count)) }

    func set(_ index: Int, _ value: Result<ClipInfo, ClipProbeError>) {
        storage.withLock { $0[index] = value }
    }

    var values: [Result<ClipInfo, ClipProbeError>?] { storage.withLock { $0 } }
}
