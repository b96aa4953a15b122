import AudiogidMessages
import AudiogidPackages
import Foundation
import Hummingbird

/// What `POST /api/packages` and `POST /api/tours/{id}/rollback` answer when the library changed.
struct PackageReply: Codable, Equatable {
    var ok: Bool
    var tour: String
    var version: String
    var previous: String?
    /// installed, already_installed, switched_back (a kept release in use again, or a rollback).
    var change: String
    /// reloaded, not_running, failed.
    var daemon: String
    /// In the page's language, for people.
    var message: String
}

/// A refused package or upload: `error` in plain words (the page's language), `reason` for programs, and the
/// installer's own words (English) in `detail`, with the validator's findings when the tour has mistakes.
struct PackageRefusalReply: Codable, Equatable {
    var error: String
    var reason: String
    var detail: String?
    var findings: [String]?
}

/// A refusal as the page shows it: the status, the plain words and the technical detail.
struct PackageRefusalNotice: Error {
    var status: HTTPResponse.Status
    var reply: PackageRefusalReply
}

/// Turns the installer's outcomes and refusals into words staff can act on, in Russian or English.
enum PackageWords {
    static func fill(_ text: String, tour: String, version: String) -> String {
        text.replacingOccurrences(of: "{tour}", with: tour).replacingOccurrences(of: "{version}", with: version)
    }

    static func reply(_ outcome: TourInstaller.Outcome, rollback: Bool = false, _ l: Language) -> PackageReply {
        let tour = outcome.tour, version = outcome.version.description
        let (change, headline): (String, Phrase) = switch outcome.change {
        case .installed: ("installed", .installedTour)
        case .alreadyInstalled: ("already_installed", .alreadyInstalled)
        case .switchedBack: ("switched_back", rollback ? .rolledBack : .switchedToKept)
        }
        var message = fill(l[headline], tour: tour, version: version)
        let daemon: String
        switch outcome.daemon {
        case .reloaded:
            daemon = "reloaded"
            if outcome.change != .alreadyInstalled { message += " " + l[.playerReloaded] }
        case .notRunning:
            daemon = "not_running"
            if outcome.change != .alreadyInstalled { message += " " + l[.playerNotRunning] }
        case .failed(let reason):
            daemon = "failed"
            message += " " + l[.playerDidNotReload] + " " + reason
        }
        return PackageReply(ok: true, tour: tour, version: version, previous: outcome.previous?.description, change: change,
                            daemon: daemon, message: message)
    }

    static func refusal(_ refusal: PackageRefusal, _ l: Language) -> PackageRefusalNotice {
        let (status, reason, phrase): (HTTPResponse.Status, String, Phrase) = switch refusal {
        case .notAPackage: (.unprocessableContent, "not_a_package", .refusedNotAPackage)
        case .badManifest: (.unprocessableContent, "broken_manifest", .refusedBrokenManifest)
        case .unsigned: (.unprocessableContent, "unsigned", .refusedUnsigned)
        case .badSignature: (.unprocessableContent, "bad_signature", .refusedBadSignature)
        case .untrustedKey: (.unprocessableContent, "unknown_signer", .refusedUnknownSigner)
        case .fileMismatch, .unlistedFile, .missingFile: (.unprocessableContent, "damaged_file", .refusedDamagedFile)
        case .unsafePath: (.unprocessableContent, "unsafe_name", .refusedUnsafeName)
        case .tooLarge: (.unprocessableContent, "over_limits", .refusedOverLimits)
        case .invalidTour: (.unprocessableContent, "tour_mistakes", .refusedTourMistakes)
        case .downgrade: (.conflict, "older_version", .refusedOlderVersion)
        case .diskFull: (.insufficientStorage, "disk_full", .refusedDiskFull)
        case .io: (.conflict, "library", .refusedByLibrary)
        case .notInstalled: (.conflict, "nothing_to_roll_back", .nothingToRollBack)
        }
        var findings: [String]?
        if case .invalidTour(let list) = refusal { findings = list }
        return PackageRefusalNotice(status: status, reply: PackageRefusalReply(
            error: l[phrase], reason: reason, detail: findings == nil ? refusal.description : nil, findings: findings))
    }

    static func problem(_ problem: UploadProblem, _ l: Language) -> PackageRefusalNotice {
        switch problem {
        case .tooLarge(let limit):
            let mb = "\(limit >> 20)"
            return PackageRefusalNotice(status: .contentTooLarge, reply: PackageRefusalReply(
                error: l[.uploadTooLarge].replacingOccurrences(of: "{mb}", with: mb), reason: "too_large",
                detail: "the upload is over web.upload_limit_mb (\(mb) MB)"))
        case .diskFull(let needed, let available):
            return PackageRefusalNotice(status: .insufficientStorage, reply: PackageRefusalReply(
                error: l[.refusedDiskFull], reason: "disk_full",
                detail: PackageRefusal.diskFull(needed: needed, available: available).description))
        case .noFile:
            return PackageRefusalNotice(status: .badRequest, reply: PackageRefusalReply(error: l[.uploadNoFile], reason: "no_file"))
        case .malformed(let why):
            return PackageRefusalNotice(status: .badRequest, reply: PackageRefusalReply(error: l[.uploadCutOff], reason: "malformed", detail: why))
        case .io(let why):
            return PackageRefusalNotice(status: .conflict, reply: PackageRefusalReply(error: l[.refusedByLibrary], reason: "library", detail: why))
        }
    }
}

extension HTTPResponse.Status {
    /// 507: the kiosk's disk has not the room (WebDAV's code, the one HTTP has for it).
    static var insufficientStorage: Self { .init(code: 507, reasonPhrase: "Insufficient Storage") }
}
