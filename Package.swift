// swift-tools-version:6.1
import PackageDescription

// Layers (see README "Architecture"): a pure core with no IO, adapters that touch files,
// devices and C libraries, and one executable that wires them together.
let package = Package(
    name: "Audiogid",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "audiogid", targets: ["audiogid"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        // The staff web page (`audiogid web`), a separate process beside the daemon.
        // Without hummingbird's ConfigurationSupport trait (swift-configuration; unused here), as hummingbird-auth
        // also asks: Swift 6.2's package manager, which builds the Debian packages (scripts/package.sh), fails on
        // the mixed request ("product 'Configuration' ... not found", hummingbird issue 769). FullFoundation stays.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0", traits: ["FullFoundation"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0" ..< "4.0.0"),
    ],
    targets: [
        // C libraries from Debian, each wrapped as a system-library target.
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(name: "CEbur128", pkgConfig: "libebur128", providers: [.apt(["libebur128-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        // QR codes for the visitors' table card (`audiogid card`).
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),

        // Core: tour model, validation rules, player state. No IO. Its findings carry their message's meaning
        // (AudiogidMessages) so staff read them in their language.
        .target(name: "AudiogidCore", dependencies: ["AudiogidMessages"]),

        // Karney's geodesics from GeographicLib (Debian's libgeographiclib-dev, C++), as two C functions.
        .target(name: "CGeodesic", linkerSettings: [.linkedLibrary("GeographicLib")]),

        // Route engine: geodesy (Karney's geodesics), path networks, walk/sail times, TSP solvers.
        // Pure computation; a geodesic is arithmetic, not IO.
        .target(name: "AudiogidRoute", dependencies: [
            "AudiogidCore", "CGeodesic",
            .product(name: "Collections", package: "swift-collections"),
        ]),

        // Adapters.
        .target(name: "AudiogidManifest", dependencies: [
            "AudiogidCore", "AudiogidMessages", "CSndFile", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "AudiogidAudio", dependencies: [
            "AudiogidCore", "CSndFile", "CALSA", "CSoxr", "CEbur128",
            .product(name: "Logging", package: "swift-log"),
        ]),

        .target(name: "AudiogidStore", dependencies: [
            "AudiogidCore", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // File descriptors, sockets, EINTR, errno-carrying errors, back-off: what every part that talks to the
        // kernel directly shares.
        .target(name: "AudiogidPOSIX"),
        // The kiosk's domain service: player + speaker + play log + tour, typed refusals and events.
        .target(name: "AudiogidKiosk", dependencies: [
            "AudiogidCore", "AudiogidManifest", "AudiogidAudio", "AudiogidStore", "AudiogidRoute",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The MPD protocol: the control socket's server and client, parsing requests, translating the kiosk's
        // events and refusals to MPD's words.
        .target(name: "AudiogidControl", dependencies: [
            "AudiogidCore", "AudiogidKiosk", "AudiogidPOSIX",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // Kernel uAPI structs and ioctl numbers Swift cannot import as macros.
        .target(name: "CAudiogidShim"),
        // Trigger sources: GPIO chardev, serial, NMEA GPS, evdev keypad. Each decodes bytes from a file descriptor.
        // Reads kiosk.yaml's `triggers:` with AudiogidManifest's strict YAML reader.
        .target(name: "AudiogidTriggers", dependencies: [
            "AudiogidCore", "AudiogidManifest", "AudiogidPOSIX", "CAudiogidShim",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),

        // Staff authoring: new tours, spreadsheets both ways, places from phone maps, phone recordings.
        .target(name: "AudiogidAuthoring", dependencies: [
            "AudiogidCore", "AudiogidMessages", "AudiogidManifest", "AudiogidAudio", "AudiogidRoute", .product(name: "Yams", package: "Yams"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),

        // Tour packages: pack, sign and verify in minisign's format (libsodium), install atomically, roll back.
        .target(name: "AudiogidPackages", dependencies: [
            "AudiogidCore", "AudiogidManifest", "CSodium", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // The composition root: kiosk.yaml -> one ServiceGroup of the daemon's parts (store, speaker, kiosk,
        // control socket, triggers, systemd), started in order and stopped in reverse.
        .target(name: "AudiogidDaemon", dependencies: [
            "AudiogidCore", "AudiogidManifest", "AudiogidStore", "AudiogidKiosk", "AudiogidControl", "AudiogidTriggers",
            "AudiogidPackages",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),

        // The staff web page: a separate process (`audiogid web`), a client of the daemon's control socket that
        // reads the statistics store read-only. Nothing of it runs in the daemon.
        // The words staff and visitors read, one catalogue per language, shared by the web page and the CLI.
        .target(name: "AudiogidMessages"),
        .target(name: "AudiogidWeb", dependencies: [
            "AudiogidMessages", "AudiogidCore", "AudiogidManifest", "AudiogidRoute", "AudiogidStore", "AudiogidControl",
            "AudiogidPackages",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
            // The visitor listener beside the staff one (ServiceGroup), clip hashes for ETags (SHA-256).
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // `audiogid doctor`: a kiosk's health check (config, data folder, database, sound card, GPIO, serial,
        // keypad, clock, services, tour), read under a configurable system root so tests can fake /dev.
        .target(name: "AudiogidDoctor", dependencies: [
            "AudiogidCore", "AudiogidManifest", "AudiogidStore", "AudiogidKiosk", "AudiogidTriggers", "AudiogidDaemon",
            "CAudiogidShim",
        ]),

        // The version, from the VERSION file, for `audiogid --version`.
        .plugin(name: "VersionFromFile", capability: .buildTool(), path: "Plugins/VersionFromFile"),

        // The app.
        .executableTarget(name: "audiogid", dependencies: [
            "AudiogidCore", "AudiogidMessages", "AudiogidManifest", "AudiogidRoute", "AudiogidAudio",
            "AudiogidStore", "AudiogidKiosk", "AudiogidControl", "AudiogidTriggers", "AudiogidDaemon", "AudiogidWeb",
            "AudiogidAuthoring",
            "AudiogidPackages", "AudiogidMessages", "CQREncode",
            "AudiogidDoctor",
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ], plugins: ["VersionFromFile"]),

        // Benchmarks: `swift run -c release <name>`.
        .executableTarget(name: "audio-benchmark", dependencies: [
            "AudiogidAudio", .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks/AudioBenchmark"),
        .executableTarget(name: "audio-play-benchmark", dependencies: [
            "AudiogidAudio", .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks/AudioPlayBenchmark"),
        .executableTarget(name: "daemon-benchmark", dependencies: [
            "AudiogidCore", "AudiogidKiosk", "AudiogidControl", "AudiogidStore", .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks/DaemonBenchmark"),
        .executableTarget(name: "validate-benchmark", dependencies: ["AudiogidCore", "AudiogidManifest"],
                          path: "Benchmarks/ValidateBenchmark"),
        .executableTarget(name: "route-benchmark", dependencies: ["AudiogidRoute"],
                          path: "Benchmarks/RouteBenchmark", exclude: ["tsplib"]),
        .executableTarget(name: "trigger-latency-player", dependencies: [
            "AudiogidTriggers", "AudiogidAudio", .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks/TriggerLatency/Player"),

        // What tests share: running the built executable.
        .target(name: "AudiogidTestSupport", path: "Tests/AudiogidTestSupport"),

        .testTarget(name: "AudiogidCoreTests", dependencies: ["AudiogidCore"]),
        .testTarget(name: "AudiogidManifestTests", dependencies: ["AudiogidCore", "AudiogidMessages", "AudiogidManifest"], exclude: ["Fixtures"]),
        .testTarget(name: "AudiogidRouteTests", dependencies: ["AudiogidTestSupport", "AudiogidCore", "AudiogidRoute", "AudiogidManifest"]),
        .testTarget(name: "AudiogidAudioTests", dependencies: ["AudiogidTestSupport", "AudiogidCore", "AudiogidAudio", "AudiogidManifest"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "AudiogidStoreTests", dependencies: ["AudiogidCore", "AudiogidStore"]),
        .testTarget(name: "AudiogidKioskTests", dependencies: ["AudiogidTestSupport", "AudiogidCore", "AudiogidKiosk", "AudiogidControl", "AudiogidPOSIX", "AudiogidManifest", "AudiogidAudio", "AudiogidStore",
                                                         .product(name: "GRDB", package: "GRDB.swift")],
                    exclude: ["Fixtures"]),
        .testTarget(name: "AudiogidTriggersTests", dependencies: ["AudiogidTestSupport", "AudiogidCore", "AudiogidTriggers", "AudiogidPOSIX", "CAudiogidShim"]),
        .testTarget(name: "AudiogidDaemonTests", dependencies: ["AudiogidCore", "AudiogidKiosk", "AudiogidControl", "AudiogidStore", "AudiogidDaemon",
                                                          .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "AudiogidAuthoringTests", dependencies: ["AudiogidTestSupport", "AudiogidCore", "AudiogidMessages", "AudiogidManifest",
                                                             "AudiogidAuthoring", "audiogid"], exclude: ["Fixtures"]),
        .testTarget(name: "AudiogidPackagesTests", dependencies: ["AudiogidTestSupport", "AudiogidCore", "AudiogidManifest", "AudiogidPackages", "AudiogidStore"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "AudiogidWebTests", dependencies: ["AudiogidTestSupport", "AudiogidCore", "AudiogidKiosk", "AudiogidControl", "AudiogidPOSIX", "AudiogidStore", "AudiogidManifest",
                                                       "AudiogidMessages", "AudiogidWeb", "AudiogidPackages",
                                                       .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                       .product(name: "Crypto", package: "swift-crypto"),
                                                       .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                                                       .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "AudiogidDoctorTests", dependencies: ["AudiogidTestSupport", "AudiogidDoctor", "AudiogidStore",
                                                          .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "AudiogidCLITests", dependencies: ["AudiogidTestSupport", "AudiogidMessages", "audiogid"]),
    ]
)
