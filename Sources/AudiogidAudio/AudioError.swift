/// Why a clip or the device failed, with the library's own words and code.
public struct AudioError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// libsndfile could not open or read the clip.
        case decode
        /// libsoxr refused the conversion.
        case resample
        /// libebur128 failed to measure.
        case loudness
        /// libasound failed: opening, configuring or writing the PCM.
        case device
    }

    public var kind: Kind
    /// What failed and why, for a log line a kiosk owner can act on.
    public var message: String
    /// The C library's result code (a negative errno for ALSA), 0 when there is none.
    public var code: Int32

    public init(_ kind: Kind, _ message: String, code: Int32 = 0) {
        self.kind = kind
        self.message = message
        self.code = code
    }

    public var description: String { message }
}
