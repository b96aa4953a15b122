import AudiogidMessages
import Foundation

extension Language {
    /// The language the staff's messages are printed in: Russian when the locale is (LC_ALL, LC_MESSAGES, LANG, as
    /// gettext reads them), English otherwise.
    static var staff: Language { fromEnvironment(ProcessInfo.processInfo.environment) }
}
