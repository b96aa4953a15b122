/// Where a command came from, so the play log can tell a button press from a GPS fix.
public enum PressSource: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case socket
    case gpio
    case serial
    case gps
    case keypad
    case auto   // auto-advance, idle prompt: the daemon itself
}
