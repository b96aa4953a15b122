#if canImport(Glibc)
import Glibc
#endif
import AudiogidCore
import CAudiogidShim
import Logging
import NIOCore
import Synchronization

/// One device a kiosk reads triggers from, and whether it is open now (for `status` and the start-up log).
public struct TriggerInput: Sendable, Equatable {
    /// The device as the config names it ("/dev/ttyUSB0", "gpiochip0").
    public var name: String
    /// "serial", "gps", "keypad" or "gpio".
    public var kind: String
    public var connected: Bool

    public init(name: String, kind: String, connected: Bool) {
        self.name = name
        self.kind = kind
        self.connected = connected
    }
}

/// What a `TriggerSet` needs of a source, whatever its decoder.
protocol RunningSource: Sendable {
    var name: String { get }
    var isConnected: Bool { get }
    func startReading() -> EventLoopFuture<Void>
    func stopReading() -> EventLoopFuture<Void>
}

extension TriggerSource: RunningSource {}

/// Every trigger source a kiosk config defines, started and stopped together.
///
/// Used by the daemon (events become commands) and by `audiogid triggers` (events are printed).
public final class TriggerSet: Sendable {
    /// One line per input, for `audiogid triggers` and the daemon's start-up log.
    public let summary: [String]
    private let sources: [(kind: String, source: any RunningSource)]
    private let leds: GpioLeds?
    private let resetTrip: (@Sendable () -> Void)?
    private let replaceZones: (@Sendable (Tour, [String]?) -> Int)?

    /// Checks the config and prepares the sources; devices are opened only by `start()`, and a missing
    /// device is retried in the background rather than failing the kiosk.
    /// - Parameter tour: needed for GPS geofences (its stops' locations and radii).
    /// - Parameter order: stop ids in route order (the route engine's), for GPS zones; default the tour's order.
    public init(config: TriggersConfig, tour: Tour? = nil, order: [String]? = nil, clock: any TriggerClock = MonotonicClock(),
                logger: Logger = Logger(label: "audiogid.triggers"),
                deliver: @escaping @Sendable (TriggerEvent) -> Void) throws {
        var summary: [String] = []
        var sources: [(kind: String, source: any RunningSource)] = []
        var leds: GpioLeds?
        var resetTrip: (@Sendable () -> Void)?
        var replaceZones: (@Sendable (Tour, [String]?) -> Int)?

        for serial in config.serial {
            let framing = try SerialFraming(serial.framing)
            guard SerialPort.speed(for: serial.baud) != nil else {
                throw TriggerConfigError("serial \(serial.port): baud \(serial.baud) is not a standard rate")
            }
            let matcher = try TokenMatcher(serial.match.rules)
            let decoder = SerialTokenDecoder(port: serial.port, matcher: matcher, terminator: serial.terminator,
                                             maximumLength: serial.max_line, repeatIgnore: .seconds(max(0, serial.repeat_ignore_s)))
            let port = serial.port, baud = serial.baud
            let source = TriggerSource(name: port, decoder: decoder, clock: clock, logger: logger,
                                       open: { try SerialPort.open(port, baud: baud, framing: framing) }, deliver: deliver)
            sources.append(("serial", source))
            summary.append("serial \(port) at \(baud) \(framing): " + (serial.match.rules.isEmpty ? "no match rules"
                : serial.match.rules.map { "\($0.pattern) → \($0.command)" }.joined(separator: ", "))
                + ", same token ignored for \(serial.repeat_ignore_s) s")
        }

        if let gps = config.gps {
            guard let tour else { throw TriggerConfigError("triggers.gps needs a tour with stop locations") }
            guard SerialPort.speed(for: gps.baud) != nil else { throw TriggerConfigError("gps \(gps.port): baud \(gps.baud) is not a standard rate") }
            let geofence = Geofence(tour: tour, order: order, defaultRadiusM: gps.default_radius_m, exitRatio: gps.exit_ratio, leadSeconds: gps.lead_s)
            guard !geofence.zones.isEmpty else { throw TriggerConfigError("triggers.gps: tour \(tour.id) has no stop with a location") }
            let decoder = GpsGeofenceDecoder(port: gps.port, geofence: geofence,
                                             filter: GpsFixFilter(minimumSatellites: gps.min_satellites, maximumHdop: gps.max_hdop))
            let port = gps.port, baud = gps.baud
            let framing = try SerialFraming("8N1")
            let source = TriggerSource(name: port, decoder: decoder, clock: clock, logger: logger,
                                       open: { try SerialPort.open(port, baud: baud, framing: framing) }, deliver: deliver)
            sources.append(("gps", source))
            resetTrip = { source.withDecoder { $0.resetTrip() } }
            replaceZones = { tour, order in
                let fresh = Geofence(tour: tour, order: order, defaultRadiusM: gps.default_radius_m, exitRatio: gps.exit_ratio,
                                     leadSeconds: gps.lead_s)
                source.withDecoder { $0.replaceZones(with: fresh) }
                return fresh.zones.count
            }
            summary.append("gps \(port) at \(baud): \(geofence.zones.count) zones of tour \(tour.id) ("
                + geofence.zones.map { "\($0.stopNumber) r\(Int($0.radiusM))" }.joined(separator: ", ") + ")")
        }

        if let keypad = config.keypad {
            let decoder = KeypadDecoder(device: keypad.device, keys: try keypad.keyTable(), timeout: .seconds(max(0.5, keypad.timeout_s)),
                                        maximumDigits: keypad.max_digits)
            let device = keypad.device, grab = keypad.grab
            let source = TriggerSource(name: device, decoder: decoder, clock: clock, logger: logger,
                                       open: { try EvdevDevice.open(device, grab: grab) }, deliver: deliver)
            sources.append(("keypad", source))
            summary.append("keypad \(device): digits + Enter play a stop; "
                + decoder.keys.sorted { $0.key < $1.key }.map { "\(KeyCode.name($0.key)) → \($0.value)" }.joined(separator: ", "))
        }

        if let gpio = config.gpio, !gpio.buttons.isEmpty || !gpio.leds.isEmpty {
            let timing = gpio.timing
            let kernelDebounce = gpio.kernelDebounceMicroseconds
            let spec = gpio.chip
            let buttonConfigs = gpio.buttons, ledConfigs = gpio.leds
            let activeLow = gpio.active_low ?? true, bias = gpio.bias ?? .pullUp
            for button in buttonConfigs {
                summary.append("gpio \(spec) \(button.line): press → \(button.press ?? "nothing")"
                    + (button.long_press.map { ", long press → \($0)" } ?? "") + (button.repeat == true ? ", repeats while held" : ""))
            }
            for led in ledConfigs { summary.append("gpio \(spec) \(led.line): LED lit while stop \(led.stop) plays") }
            if !buttonConfigs.isEmpty {
                // Line names ("GPIO17") resolve only once the chip is open, so the decoder starts with
                // placeholder offsets and is re-keyed on every (re)open.
                let buttons = buttonConfigs.enumerated().map { index, b in
                    GpioButton(offset: b.line.knownOffset ?? UInt32.max - UInt32(index), press: b.press,
                               longPress: b.long_press, repeats: b.repeat ?? false)
                }
                let box = Mutex<TriggerSource<GpioButtonDecoder>?>(nil)
                let source = TriggerSource(name: spec, decoder: GpioButtonDecoder(chip: spec, buttons: buttons, timing: timing),
                                           clock: clock, logger: logger, open: {
                    let chip = try GpioChip.find(spec)
                    let offsets = try buttonConfigs.map { try chip.offset(of: $0.line) }
                    let fd = try chip.requestButtons(offsets, activeLow: activeLow, bias: bias,
                                                     debounceMicroseconds: kernelDebounce)
                    box.withLock { $0 }?.withDecoder { $0.assignOffsets(offsets) }
                    return fd
                }, deliver: deliver)
                box.withLock { $0 = source }
                sources.append(("gpio", source))
            }
            if !ledConfigs.isEmpty {
                let pattern = LedPattern(leds: ledConfigs.enumerated().map { GpioLed(offset: $0.element.line.knownOffset ?? UInt32($0.offset), stop: $0.element.stop) },
                                         idle: gpio.led_idle ?? .pulse, paused: gpio.led_paused ?? .blink)
                let ledsActiveLow = gpio.leds_active_low ?? false
                // LED lines are requested once at start: a GPIO chip is part of the board and does not come and go.
                let request = GpioLedRequest(chip: spec, lines: ledConfigs.map(\.line), activeLow: ledsActiveLow, logger: logger)
                let lights = GpioLeds(pattern: pattern, clock: clock) { bits, mask in request.write(bits, mask) }
                leds = lights
            }
        }
        self.summary = summary
        self.sources = sources
        self.leds = leds
        self.resetTrip = resetTrip
        self.replaceZones = replaceZones
    }

    /// Starts every source and the lights, and returns at once; devices open in the background.
    public func start() {
        for member in sources { _ = member.source.startReading() }
        leds?.start()
    }

    /// Starts every source and the lights, and returns once each source's first open attempt is done: its device
    /// is open and read (bytes sent from now on are decoded), or it is missing, logged, and retried in the background.
    public func start() async {
        let attempts = sources.map { $0.source.startReading() }
        leds?.start()
        for attempt in attempts { try? await attempt.get() }
    }

    /// Stops every source and waits until every device is closed and the lights are off.
    /// Not to be called from an event loop thread.
    public func stop() {
        for closing in stopAll() { try? closing.wait() }
    }

    /// Stops every source; returns when every device is closed and the lights are off.
    public func stop() async {
        for closing in stopAll() { try? await closing.get() }
    }

    private func stopAll() -> [EventLoopFuture<Void>] {
        sources.map { $0.source.stopReading() } + (leds.map { [$0.stopLights()] } ?? [])
    }

    /// Every input device the config defines, and whether it is open now (a missing one is being retried).
    public var inputs: [TriggerInput] {
        sources.map { TriggerInput(name: $0.source.name, kind: $0.kind, connected: $0.source.isConnected) }
    }

    /// Tells the button lights what the player is doing.
    public func show(_ light: PlayerLight) { leds?.show(light) }

    /// Starts a new boat trip: every GPS stop may play again.
    public func resetGpsTrip() { resetTrip?() }

    /// Whether a GPS source runs (it needs the kiosk's tour).
    public var hasGps: Bool { replaceZones != nil }

    /// Moves the GPS zones to another tour (the kiosk switched tours). Returns the number of zones.
    @discardableResult
    public func replaceGpsTour(_ tour: Tour, order: [String]? = nil) -> Int { replaceZones?(tour, order) ?? 0 }
}
