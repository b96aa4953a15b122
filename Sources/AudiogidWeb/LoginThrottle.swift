import AudiogidMessages
import Foundation
import Synchronization

/// Counts failed logins per address: after `limit` failures within `window`, that address waits until the oldest
/// one leaves the window. Guessing a password over the kiosk's Wi-Fi then takes years, not minutes.
public final class LoginThrottle: Sendable {
    public let limit: Int
    public let window: Double
    private let failures = Mutex<[String: [Double]]>([:])
    private let now: @Sendable () -> Double

    public init(limit: Int = 5, window: Double = 60, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.limit = limit
        self.window = window
        self.now = now
    }

    /// Seconds this address must wait before trying again; nil when it may try now.
    public func wait(for address: String) -> Double? {
        let time = now()
        return failures.withLock { table -> Double? in
            let recent = (table[address] ?? []).filter { time - $0 < window }
            table[address] = recent.isEmpty ? nil : recent
            guard recent.count >= limit, let oldest = recent.first else { return nil }
            return max(1, window - (time - oldest))
        }
    }

    public func failed(_ address: String) {
        let time = now()
        failures.withLock { table in
            // A flood of addresses must not grow the table without end: forget the stale ones first.
            if table.count > 10_000 { table = table.filter { $0.value.contains { time - $0 < window } } }
            table[address, default: []].append(time)
        }
    }

    public func succeeded(_ address: String) {
        _ = failures.withLock { $0.removeValue(forKey: address) }
    }
}
