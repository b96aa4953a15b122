import AudiogidCore

/// One input from a trigger source, and the `audiogid ctl` command line it maps to.
///
/// Every source speaks the control socket's language ("play 3" = stop number 3, "lang next",
/// "volume +10", "stop"), so anything `audiogid ctl` can do, a button can do, and the play log
/// records which source asked.
public struct TriggerEvent: Sendable, Equatable, CustomStringConvertible {
    public var source: PressSource
    /// What happened, in a technician's words: "gpiochip0 line 17 pressed", "/dev/ttyUSB0 token BTN3".
    public var input: String
    /// The command line to run, or nil when the input maps to nothing (a release, an unmatched token,
    /// discarded garbage): those still show in `audiogid triggers` so wiring can be checked.
    public var command: String?

    public init(source: PressSource, input: String, command: String?) {
        self.source = source
        self.input = input
        self.command = command
    }

    public var description: String { "\(input) → \(command ?? "(nothing)")" }
}
