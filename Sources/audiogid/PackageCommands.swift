import ArgumentParser
import AudiogidCore
import AudiogidPackages
import Foundation

/// `audiogid keygen`: a minisign key pair for signing tour packages.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make a key pair for signing tour packages (minisign's format).",
        discussion: """
        The public key goes onto every kiosk (in /etc/audiogid/trusted-keys/); the secret key stays with whoever
        packs tours. Keys made with `minisign -G` work the same. With --password the secret key is encrypted
        (asked twice on a terminal, read as one line from standard input otherwise).
        """
    )

    @Option(help: "Where to write the secret key (mode 0600).") var secretKey: String
    @Option(help: "Where to write the public key.") var publicKey: String
    @Flag(help: "Encrypt the secret key with a password.") var password = false
    @Flag(help: "Overwrite existing key files.") var force = false

    func run() throws {
        for path in [secretKey, publicKey] where !force && FileManager.default.fileExists(atPath: path) {
            printError("\(path) already exists; pass --force to overwrite it")
            throw ExitCode(1)
        }
        let passphrase = password ? try Passphrase.read(prompt: "Password for the new secret key: ", confirm: true) : nil
        let key = MinisignSecretKey.generate()
        do {
            // Both files or neither: a lone secret key would block the next try without --force.
            try KeyFile.write(key.publicKey.fileText, to: publicKey, mode: 0o644)
            do { try KeyFile.write(key.fileText(password: passphrase), to: secretKey, mode: 0o600) } catch {
                unlink(publicKey)
                throw error
            }
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        print("key \(key.publicKey.keyIDText): secret \(secretKey), public \(publicKey)")
    }
}

/// `audiogid pack`: one signed file carrying a tour.
struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Pack a tour into one signed file, ID-VERSION.audiogid, for kiosks to install.",
        discussion: """
        Validates the tour first and refuses on any error. The package holds tour.yaml, paths.geojson if the tour
        has one, exactly the clips the tour names, and a manifest of every file's size and SHA-256 signed with
        --key. The same tour and key always give the same bytes. Without --key the package is unsigned, and only
        kiosks with packages.require_signature: false install it.
        """
    )

    @Argument(help: "The tour folder (or its tour.yaml).") var tour: String
    @Option(help: "The minisign secret key to sign with.") var key: String?
    @Option(help: "The version, when tour.yaml has none.") var version: String?
    @Option(help: "Folder holding the clips, instead of the library's audio/ folder.") var audio: String?
    @Option(name: [.short, .customLong("output")], help: "The package file (default: ./ID-VERSION.audiogid).") var output: String?

    func run() throws {
        var parsedVersion: TourVersion?
        if let version {
            guard let value = TourVersion(version) else {
                throw ValidationError("--version '\(version)' must be a positive whole number or dotted numbers, e.g. 3 or 2026.11.2")
            }
            parsedVersion = value
        }
        let secret = try key.map { try KeyFile.readSecretKey($0) }
        do {
            let packed = try TourPacker.pack(tourPath: tour, audioDirectory: audio, version: parsedVersion, key: secret,
                                             output: output.map { URL(fileURLWithPath: $0) })
            let megabytes = String(format: "%.1f", Double(packed.manifest.totalBytes) / 1_000_000)
            print("\(packed.url.path): tour \(packed.manifest.tour) version \(packed.manifest.version), "
                  + "\(packed.manifest.files.count) files, \(megabytes) MB, "
                  + (packed.signerKeyID.map { "signed with key \($0)" } ?? "unsigned"))
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}

/// `audiogid verify`: is this package intact and signed by someone we trust?
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a package's signature, then every file's size and SHA-256.",
        discussion: "Exit status: 0 the package is intact and trusted, 1 it is not (the reason is printed), 2 usage error."
    )

    @Argument(help: "The package file.") var package: String
    @Option(help: "The public key it must be signed with.") var publicKey: String?
    @Option(help: "A folder of trusted public keys (*.pub).") var trustedKeys: String?
    @OptionGroup var limits: LimitOptions

    func validate() throws {
        if (publicKey == nil) == (trustedKeys == nil) { throw ValidationError("give either --public-key FILE or --trusted-keys DIR") }
    }

    func run() throws {
        let trust: TrustPolicy
        do {
            trust = try publicKey.map { path throws(MinisignError) in try TrustPolicy.key(file: path) } ?? TrustPolicy.directory(trustedKeys ?? "")
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        do {
            let opened = try TourPackage(url: URL(fileURLWithPath: package), trust: trust, limits: limits.limits)
            try opened.checkFiles()
            let manifest = opened.manifest
            print("\(package): ok, tour \(manifest.tour) version \(manifest.version), \(manifest.files.count) files, signed with key \(opened.signerKeyID ?? "?")")
        } catch {
            printError("\(package): \(error)")
            throw ExitCode(1)
        }
    }
}

/// The zip-bomb limits, the same options for verify and install.
struct LimitOptions: ParsableArguments {
    @Option(help: "Most entries a package may hold.") var maxEntries = PackageLimits().maxEntries
    @Option(help: "Most megabytes a package may unpack to.") var maxTotalMb = Int(PackageLimits().maxTotalBytes >> 20)
    @Option(help: "Most megabytes one file may unpack to.") var maxFileMb = Int(PackageLimits().maxFileBytes >> 20)
    @Option(help: "Highest compression ratio of a compressed entry.") var maxRatio = PackageLimits().maxCompressionRatio

    var isDefault: Bool { limits == PackageLimits() }

    var limits: PackageLimits {
        PackageLimits(maxEntries: maxEntries, maxTotalBytes: Int64(maxTotalMb) << 20, maxFileBytes: Int64(maxFileMb) << 20,
                      maxCompressionRatio: maxRatio)
    }
}

/// Reading and writing key files.
enum KeyFile {
    /// Writes via a temporary file and rename, so a half-written key never exists under its name.
    static func write(_ text: String, to path: String, mode: mode_t) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw KeyFileError("\(path): cannot be written: \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: Data(text.utf8))
            fchmod(fd, mode)
            try handle.synchronize()
            try handle.close()
        } catch {
            unlink(temporary)
            throw KeyFileError("\(path): cannot be written: \(error.localizedDescription)")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw KeyFileError("\(path): cannot be written: \(String(cString: strerror(errno)))")
        }
    }

    static func readSecretKey(_ path: String) throws -> MinisignSecretKey {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            printError("\(path): cannot read the secret key")
            throw ExitCode(1)
        }
        do {
            return try MinisignSecretKey(text: text, source: path) {
                try Passphrase.read(prompt: "Password for \(path): ", confirm: false)
            }
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}

struct KeyFileError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A password from the terminal (not echoed) or, for scripts, one line of standard input.
enum Passphrase {
    static func read(prompt: String, confirm: Bool) throws -> String {
        guard isatty(STDIN_FILENO) != 0 else {
            guard let line = readLine(strippingNewline: true) else {
                printError("a password was needed, and standard input gave none")
                throw ExitCode(1)
            }
            return line
        }
        let first = readHidden(prompt)
        if confirm, readHidden("Again: ") != first {
            printError("the two passwords differ")
            throw ExitCode(1)
        }
        return first
    }

    private static func readHidden(_ prompt: String) -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
