import AudiogidCore
import AudiogidMessages
import Foundation
import Synchronization

/// Checks every clip a tour names: inside `audio/`, present, readable by libsndfile, not empty.
struct ClipCheck {
    let locator: ClipLocator
    let fields: FieldLocator

    private struct Reference {
        let path: String
        let field: String
        let owner: Piece
        let stop: String?
    }

    func check(_ tour: Tour) -> (clips: [String: ClipInfo], findings: [Finding]) {
        var references: [Reference] = []
        for (code, path) in tour.intro.sorted(by: { $0.key < $1.key }) {
            references.append(Reference(path: path, field: "intro.\(code)", owner: .of(.introClipOwner, .text(code)), stop: nil))
        }
        for (index, stop) in tour.stops.enumerated() {
            for (code, path) in stop.audio.sorted(by: { $0.key < $1.key }) {
                references.append(Reference(path: path, field: "stops[\(index)].audio.\(code)",
                                            owner: .of(.stopClipOwner, TourRules.naming(stop, in: tour), .text(code)), stop: stop.id))
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
            func fail(_ message: Wording, security: Bool = false) {
                findings.append(Finding(.error, at: at, Wording(.clipProblem, reference.owner, .wording(message)), stop: reference.stop,
                                        field: reference.field, isSecurity: security))
            }
            switch location {
            case .failure(.empty): fail(Wording(.clipEmptyPath))
            case .failure(.absolute):
                fail(Wording(.clipAbsolute, .text(reference.path)), security: true)
            case .failure(.escapes):
                fail(Wording(.clipEscapes, .text(reference.path)), security: true)
            case .failure(.symlinkEscapes(let target)):
                fail(Wording(.clipSymlinkEscapes, .text(reference.path), "\(target)"), security: true)
            case .failure(.missing(let lookedAt)): fail(Wording(.clipMissing, .text(reference.path), "\(lookedAt)"))
            case .failure(.notAFile): fail(Wording(.clipFolder, .text(reference.path)))
            case .success:
                switch probe {
                case .success(let info) where info.frames > 0: clips[reference.path] = info
                case .success: fail(Wording(.clipNoSound, .text(reference.path)))
                case .failure(let error): fail(Wording(.clipUnplayable, .text(reference.path), "\(error.reason)"))
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
