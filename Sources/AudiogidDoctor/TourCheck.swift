import AudiogidKiosk
import AudiogidManifest
import AudiogidStore
import Foundation

/// The tour kiosk.yaml names: it validates, and its clips are in the clip index (the daemon measures new clips
/// at start, so a freshly copied tour starts slower until then).
enum TourCheck {
    static func run(_ configuration: KioskConfiguration, store: KioskStore?) -> DoctorCheck {
        let manifest = ((configuration.toursDirectory as NSString).appendingPathComponent(configuration.tour) as NSString)
            .appendingPathComponent("tour.yaml")
        guard FileManager.default.fileExists(atPath: manifest) else {
            return DoctorCheck("tour", .problem, "tour \(configuration.tour): no \(manifest)",
                               fix: "copy the tour into \(configuration.toursDirectory) (or `audiogid install` its package), or set `tour:` to one that is there")
        }
        let report = TourLoader.validate(manifestPath: manifest, audioDirectory: configuration.audioDirectory)
        let errors = report.findings.filter { $0.severity == .error }
        if !errors.isEmpty {
            return DoctorCheck("tour", .problem, "tour \(configuration.tour): \(errors.count) error\(errors.count == 1 ? "" : "s")",
                               details: errors.prefix(10).map { "\($0.location.file):\($0.location.line):\($0.location.column): \($0.message)" },
                               fix: "`audiogid validate \(configuration.dataDirectory)` lists them all")
        }
        let clips = Set(report.clips.keys)
        guard let store, let indexed = try? store.indexedClips() else {
            return DoctorCheck("tour", .ok, "tour \(configuration.tour): valid, \(clips.count) clips")
        }
        let missing = clips.subtracting(indexed.keys).sorted()
        if !missing.isEmpty {
            return DoctorCheck("tour", .warning, "tour \(configuration.tour): valid; \(missing.count) of \(clips.count) clips not indexed yet",
                               details: missing.prefix(5).map { "not indexed: \($0)" },
                               fix: "restart the daemon (sudo systemctl restart audiogid): it measures new clips at start")
        }
        return DoctorCheck("tour", .ok, "tour \(configuration.tour): valid, \(clips.count) clips, all indexed")
    }
}
