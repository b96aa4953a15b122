/// Delays between attempts to reopen a device that vanished (USB unplugged) or is not there yet:
/// quick at first so a replug is picked up within a blink, then slower so a missing device costs nothing.
public struct Backoff: Sendable, Equatable {
    public var initialSeconds: Double
    public var maximumSeconds: Double
    public var factor: Double
    /// Attempts that failed since the last success.
    public private(set) var failures = 0

    public init(initialSeconds: Double = 0.1, maximumSeconds: Double = 5, factor: Double = 2) {
        self.initialSeconds = initialSeconds
        self.maximumSeconds = maximumSeconds
        self.factor = factor
    }

    /// The delay before the next attempt; each call makes the following one longer, up to the maximum.
    public mutating func next() -> Double {
        var delay = initialSeconds
        for _ in 0..<min(failures, 64) { delay *= factor; if delay >= maximumSeconds { break } }
        failures += 1
        return min(delay, maximumSeconds)
    }

    public mutating func reset() { failures = 0 }
}
