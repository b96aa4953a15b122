import AudiogidControl
import AudiogidKiosk
import AudiogidStore
import Logging
import ServiceLifecycle
import UnixSignals

// The daemon's parts as services of one ServiceGroup. The group starts them in this file's order and, on
// SIGTERM or SIGINT, shuts them down one by one in reverse: systemd hears STOPPING first, then the inputs
// close (triggers, the control socket), then the kiosk ends the current play (queued for the log), the
// speaker fades out, and the store writes its last rows and closes.

/// The play log and saved state: drained on the writer's own thread; the last to stop.
struct StoreService: Service {
    let writer: StoreWriter
    let store: KioskStore
    let logger: Logger

    func run() async throws {
        // The writer was started when the daemon opened: a socket reply may wait for it before the group runs.
        try? await gracefulShutdown()
        writer.finish()
        await writer.run()  // returns once every queued row is written
        do { try store.close() } catch {
            logger.error("database not closed cleanly (the WAL keeps every write)", metadata: ["reason": "\(error)"])
        }
        logger.debug("stopped", metadata: ["part": "store"])
    }
}

/// The audio output: fades out and closes the device at shutdown.
struct SpeakerService: Service {
    let speaker: Speaker
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        await speaker.shutdown()
        logger.debug("stopped", metadata: ["part": "speaker"])
    }
}

/// The kiosk's clock (quiet hours, the idle prompt); at shutdown the current play ends as interrupted.
struct KioskService: Service {
    let kiosk: Kiosk
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown { await kiosk.runClock() }
        kiosk.shutdown()
        logger.debug("stopped", metadata: ["part": "kiosk"])
    }
}

/// The MPD-protocol control socket (bound before the group starts): closed at shutdown.
struct ControlService: Service {
    let server: ControlServer
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        server.stop()
        logger.debug("stopped", metadata: ["part": "control"])
    }
}

/// SIGHUP re-reads kiosk.yaml and the tour; a file with errors is refused and the running setup plays on.
struct HangupService: Service {
    let kiosk: Kiosk
    let notifier: SystemdNotifier
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            logger.notice("SIGHUP: reloading")
            notifier.notify("RELOADING=1")
            if case .failure(let refusal) = await kiosk.perform(.reload, source: .auto) { logger.error("\(refusal)") }
            notifier.notify("READY=1")
        }
    }
}

/// Tells systemd the daemon is ready (every part above is open by the time this runs), pings the watchdog
/// only while the kiosk answers, and says STOPPING first at shutdown.
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let kiosk: Kiosk
    let readyStatus: String
    let logger: Logger

    func run() async throws {
        notifier.notify("READY=1\nSTATUS=\(readyStatus)")
        if let interval = notifier.watchdogInterval {
            await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: .seconds(interval)) } catch { return }
                    _ = kiosk.status  // a deadlocked kiosk never answers, and systemd restarts it
                    notifier.notify("WATCHDOG=1")
                }
            }
        } else {
            try? await gracefulShutdown()
        }
        notifier.notify("STOPPING=1")
        logger.debug("stopped", metadata: ["part": "systemd"])
    }
}
