import AudiogidKiosk
import Foundation

/// The sound card: found, and named in kiosk.yaml by its stable name (`CARD=Id`), never by its number: on a Pi
/// with a USB card the numbers change between reboots, depending on which driver comes up first.
enum SoundCardCheck {
    struct Card: Equatable { var number: Int; var id: String; var name: String }

    /// /proc/asound/cards: ` 0 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones` (then an indented line).
    static func cards(system: DoctorSystem) -> [Card] {
        (system.read("/proc/asound/cards") ?? "").split(separator: "\n").compactMap { line in
            let text = line.trimmingCharacters(in: .whitespaces)
            guard let open = text.firstIndex(of: "["), let close = text.firstIndex(of: "]"), open < close,
                  let number = Int(text[..<open].trimmingCharacters(in: .whitespaces)) else { return nil }
            let id = text[text.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
            let name = text[text.index(after: close)...].split(separator: "-", maxSplits: 1).last
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? id
            return Card(number: number, id: id, name: name)
        }
    }

    static func stableName(_ card: Card) -> String { "plughw:CARD=\(card.id),DEV=0" }

    static func run(device: String, system: DoctorSystem) -> DoctorCheck {
        if device == "none" { return DoctorCheck("sound", .ok, "audio.device is none: the kiosk keeps time silently") }
        let cards = cards(system: system)
        let listing = cards.map { "card \($0.number): \($0.id) (\($0.name)) -> device: \(stableName($0))" }
        guard !cards.isEmpty else {
            return DoctorCheck("sound", .problem, "no sound card found",
                               fix: "plug in the USB card, or on a Pi enable the headphone output (dtparam=audio=on in /boot/firmware/config.txt); `aplay -l` lists cards")
        }
        let suggestion = "in /etc/audiogid/kiosk.yaml: audio: {device: \"\(stableName(cards[0]))\"}"
        // hw:1,0  plughw:1  hw:CARD=1 (a number given as CARD)
        if let number = cardNumber(in: device) {
            let card = cards.first { $0.number == number }
            return DoctorCheck("sound", .warning, "audio.device \(device) names a card by its number, which can change at the next boot",
                               details: listing,
                               fix: card.map { "in /etc/audiogid/kiosk.yaml: audio: {device: \"\(stableName($0))\"}" } ?? suggestion)
        }
        if let id = cardID(in: device) {
            guard cards.contains(where: { $0.id == id }) else {
                return DoctorCheck("sound", .problem, "audio.device \(device): no card \(id) here", details: listing, fix: suggestion)
            }
            return DoctorCheck("sound", .ok, "audio.device \(device): card \(id) found")
        }
        if cards.count > 1 {
            return DoctorCheck("sound", .warning, "audio.device \(device) with \(cards.count) cards: which one plays depends on ALSA's default",
                               details: listing, fix: suggestion)
        }
        return DoctorCheck("sound", .ok, "audio.device \(device), one card: \(cards[0].id) (\(cards[0].name))",
                           details: ["stable name, if you add a card later: \(stableName(cards[0]))"])
    }

    /// The card number in `hw:1,0`, `plughw:1`, `hw:CARD=1,DEV=0`; nil for names.
    static func cardNumber(in device: String) -> Int? {
        guard let colon = device.firstIndex(of: ":") else { return nil }
        var card = device[device.index(after: colon)...].split(separator: ",").first.map(String.init) ?? ""
        if card.hasPrefix("CARD=") { card.removeFirst(5) }
        return Int(card)
    }

    /// The card id in `plughw:CARD=Device,DEV=0`, `hw:Device`, `sysdefault:CARD=Device`; nil for numbers.
    static func cardID(in device: String) -> String? {
        guard let colon = device.firstIndex(of: ":") else { return nil }
        let parts = device[device.index(after: colon)...].split(separator: ",").map(String.init)
        let card = parts.first { $0.hasPrefix("CARD=") }.map { String($0.dropFirst(5)) } ?? parts.first
        guard let card, Int(card) == nil, !card.contains("=") else { return nil }
        return card
    }
}
