import ArgumentParser
import AudiogidControl
import AudiogidDaemon
import AudiogidKiosk
import AudiogidManifest
import AudiogidPOSIX
import AudiogidPackages
import AudiogidStore
import Foundation
import Logging

/// Where the installing commands act, and how they reach a running daemon: from the flags, or from the kiosk's
/// kiosk.yaml (its data folder, control socket and `packages:` section).
struct LibraryOptions: ParsableArguments {
    @Option(help: "The kiosk's data folder (holding tours/ and releases/).") var data: String?
    @Option(help: "The kiosk's kiosk.yaml: its data folder, control socket and packages settings.") var config: String?
    @Option(help: "The running daemon's control socket, told to reload after a change.") var socket: String?

    func validate() throws {
        if data == nil, config == nil { throw ValidationError("give the kiosk's data folder with --data DIR (or its kiosk.yaml with --config)") }
    }

    /// kiosk.yaml, when given; a file with errors stops the command with them.
    func kioskFile() throws -> KioskFile? {
        guard let config else { return nil }
        do { return try KioskFile.read(path: config) } catch {
            printError(error.problems.map(\.line).joined(separator: "\n"))
            throw ExitCode(1)
        }
    }

    func resolved() throws -> (data: String, socket: String, packages: PackageSettings, database: String?) {
        let file = try kioskFile()
        let dataFolder = data ?? file?.configuration.dataDirectory ?? "."
        return (dataFolder, socket ?? file?.configuration.control.socketPath ?? ControlSettings.defaultSocketPath,
                file?.packages ?? PackageSettings(), file?.configuration.databaseOverride)
    }
}

enum DaemonReloader {
    static func reload(socket: String) -> DaemonReload {
        let client: ControlClient
        do {
            client = try ControlClient(address: socket)
        } catch let error as SystemCallError where [ENOENT, ECONNREFUSED, ENOTSOCK].contains(error.errno) {
            return .notRunning
        } catch {
            return .failed("\(error)")
        }
        do {
            let reply = try client.send("reload")
            return reply.ack.map { .failed($0) } ?? .reloaded
        } catch {
            return .failed("\(error)")
        }
    }

    static func describe(_ outcome: DaemonReload) -> String {
        switch outcome {
        case .reloaded: "the daemon reloaded"
        case .notRunning: "no daemon running"
        case .failed(let reason): "the daemon did not reload: \(reason)"
        }
    }
}

struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Verify a tour package and install it atomically in a kiosk's data folder.",
        discussion: """
        Checks the signature against the trusted keys, unpacks into a staging folder while checking every file's
        SHA-256, validates the tour, measures its clips, then switches tours/ID to the new release in one step and
        tells a running daemon to reload. The previous release is kept for `audiogid rollback`. A package older than
        the highest version this kiosk installed is refused unless --allow-downgrade. Any refusal leaves the kiosk as it was.
        Exit status: 0 installed (or already installed), 1 refused, 2 usage error.
        """
    )

    @Argument(help: "The package file (ID-VERSION.audiogid).") var package: String
    @OptionGroup var library: LibraryOptions
    @Option(help: "Folder of trusted public keys (*.pub); default: kiosk.yaml's packages.trusted_keys, else /etc/audiogid/trusted-keys.")
    var trustedKeys: String?
    @Flag(help: "Accept an unsigned package (as a kiosk.yaml with packages.require_signature: false does).") var allowUnsigned = false
    @Flag(help: "Install a version older than the highest one installed, on purpose.") var allowDowngrade = false
    @Option(help: "The clip index database (default: DATA/audiogid.sqlite).") var database: String?
    @Flag(help: "Do not measure the clips now; the daemon measures them when it next loads the tour (slower first start).")
    var noIndex = false
    @OptionGroup var limits: LimitOptions

    func run() throws {
        let (data, socket, settings, configuredDatabase) = try library.resolved()
        let trust: TrustPolicy
        do {
            trust = try TrustPolicy.directory(trustedKeys ?? settings.trustedKeys,
                                              requireSignature: !allowUnsigned && settings.requireSignature)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        var installer = TourInstaller(dataDirectory: URL(fileURLWithPath: data), trust: trust,
                                      limits: limits.isDefault ? settings.limits : limits.limits,
                                      indexClips: noIndex ? { _ in } : ClipIndexing.indexer(data: data, database: database ?? configuredDatabase),
                                      reloadDaemon: { DaemonReloader.reload(socket: socket) })
        installer.checkpoint = InstallCheckpoints.fromEnvironment()
        do {
            let outcome = try installer.install(URL(fileURLWithPath: package), allowDowngrade: allowDowngrade)
            let before = outcome.previous.map { " (was \($0))" } ?? ""
            switch outcome.change {
            case .installed: print("installed tour \(outcome.tour) version \(outcome.version)\(before); \(DaemonReloader.describe(outcome.daemon))")
            case .alreadyInstalled: print("tour \(outcome.tour) version \(outcome.version) is already installed")
            case .switchedBack: print("tour \(outcome.tour) version \(outcome.version) was kept; switched to it\(before); \(DaemonReloader.describe(outcome.daemon))")
            }
        } catch {
            printError("\(package): refused: \(error)")
            throw ExitCode(1)
        }
    }
}

struct RollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rollback",
                                                    abstract: "Switch a packaged tour back to its previous release.")
    @Argument(help: "The tour id.") var tour: String
    @OptionGroup var library: LibraryOptions

    func run() throws {
        let (data, socket, _, _) = try library.resolved()
        let installer = TourInstaller(dataDirectory: URL(fileURLWithPath: data), trust: TrustPolicy(keys: [], source: ""),
                                      reloadDaemon: { DaemonReloader.reload(socket: socket) })
        do {
            let outcome = try installer.rollback(tour)
            print("tour \(tour) is back at version \(outcome.version) (was \(outcome.previous.map(\.description) ?? "?")); \(DaemonReloader.describe(outcome.daemon))")
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}

struct UninstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "uninstall",
                                                    abstract: "Remove a packaged tour and its releases from a kiosk.")
    @Argument(help: "The tour id.") var tour: String
    @OptionGroup var library: LibraryOptions

    func run() throws {
        let (data, socket, _, _) = try library.resolved()
        let installer = TourInstaller(dataDirectory: URL(fileURLWithPath: data), trust: TrustPolicy(keys: [], source: ""),
                                      reloadDaemon: { DaemonReloader.reload(socket: socket) })
        do {
            let daemon = try installer.uninstall(tour)
            print("uninstalled tour \(tour); \(DaemonReloader.describe(daemon))")
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the packaged tours installed in a data folder.")
    @Option(help: "The kiosk's data folder.") var data: String
    @Option(help: "text or json.") var format: OutputFormat = .text

    func run() throws {
        let installed = TourInstaller(dataDirectory: URL(fileURLWithPath: data), trust: TrustPolicy(keys: [], source: "")).list()
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(installed), as: UTF8.self))
        case .text:
            if installed.isEmpty { printError("no packaged tours in \(data)") }
            let dates = ISO8601DateFormatter()
            for item in installed {
                let older = item.kept.filter { $0 != item.version }
                print([item.id, item.version ?? "(not linked)", item.signer.map { "key \($0)" } ?? "unsigned",
                       item.installedAt.map { dates.string(from: $0) } ?? "-",
                       older.isEmpty ? "" : "kept: " + older.joined(separator: ", ")].filter { !$0.isEmpty }.joined(separator: "  "))
            }
        }
    }
}

/// Measures a staged release's clips into the daemon's clip index, with the daemon's own code.
enum ClipIndexing {
    static func indexer(data: String, database: String?) -> (LoadedTour) -> Void {
        { loaded in
            let path = database ?? (data as NSString).appendingPathComponent("audiogid.sqlite")
            let store = try? KioskStore(path: path)
            var logger = Logger(label: "audiogid.install")
            logger.logLevel = .warning
            let shelf = TourShelf(toursDirectory: (data as NSString).appendingPathComponent("tours"),
                                  audioDirectory: loaded.audioDirectory.path, store: store,
                                  measureLoudness: AudioSpeaker.measure, logger: logger)
            _ = shelf.index(loaded)
            try? store?.close()
        }
    }
}

/// `AUDIOGID_INSTALL_STOP_AT=NAME` makes install kill itself (SIGKILL) at that checkpoint: the crash tests use it
/// to stop an install at exact points, besides killing it at random times.
enum InstallCheckpoints {
    static func fromEnvironment() -> (String) -> Void {
        guard let stop = ProcessInfo.processInfo.environment["AUDIOGID_INSTALL_STOP_AT"], !stop.isEmpty else { return { _ in } }
        return { name in if name == stop { kill(getpid(), SIGKILL) } }
    }
}
