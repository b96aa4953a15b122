import AudiogidMessages
import AudiogidCore
import Foundation

/// The Now page: what the kiosk is doing, and (for staff) a button for everything it can be asked.
/// Every value carries `data-field`, which /static/live.js fills from the event stream.
struct NowPage {
    var status: NowStatus
    var stops: [StopButton]
    var languages: [String]
    var volumeCap: Int
    var message: String?

    func render(_ l: Language, session: WebSession) -> String {
        let e = Markup.escape
        let state: String = switch status.state {
        case "play": l[.statePlaying]
        case "pause": l[.statePaused]
        default: l[.stateStopped]
        }
        var body = ""
        if let message { body += "<p class=\"notice\" role=\"alert\">\(e(message))</p>" }
        if !status.daemonReachable { body += "<p class=\"warning\" data-field=\"unreachable\">\(e(l[.daemonUnreachable]))</p>" }
        let rows: [(String, String, String)] = [
            ("state", l[.state], state),
            ("stop", l[.stop], status.stop.map { number in
                stops.first { $0.number == number }.map { "\($0.number) · \($0.title)" } ?? "\(number)" } ?? "–"),
            ("language", l[.language], status.language),
            ("volume", l[.volume], "\(status.volume)"),
            ("timeLeft", l[.timeLeft], HTML.duration(status.timeLeft)),
            ("device", l[.device], status.device + " · " + (status.deviceOpen ? l[.deviceOpen] : l[.deviceClosed])),
            ("underruns", l[.underruns], "\(status.underruns)"),
            ("lastError", l[.lastError], status.lastError ?? "–"),
        ]
        body += "<table class=\"status\" data-live=\"/api/events\" data-state-play=\"\(e(l[.statePlaying]))\" data-state-pause=\"\(e(l[.statePaused]))\" data-state-stop=\"\(e(l[.stateStopped]))\" data-device-open=\"\(e(l[.deviceOpen]))\" data-device-closed=\"\(e(l[.deviceClosed]))\">"
        for (field, label, value) in rows {
            body += "<tr><th>\(e(label))</th><td data-field=\"\(field)\">\(e(value))</td></tr>"
        }
        body += "</table>"
        guard session.role == .staff else {
            return body + "<p>\(e(l[.viewerCannotPlay]))</p>"
        }
        let csrf = HTML.csrfField(session)
        body += "<h2>\(e(l[.stops]))</h2><form method=\"post\" action=\"/command\" class=\"stops\">\(csrf)<input type=\"hidden\" name=\"action\" value=\"play\">"
        for stop in stops {
            body += "<button name=\"stop\" value=\"\(stop.number)\" data-stop=\"\(stop.number)\"><b>\(stop.number)</b> \(e(stop.title))</button>"
        }
        body += "</form>"
        body += "<h2>\(e(l[.controls]))</h2><form method=\"post\" action=\"/command\" class=\"controls\">\(csrf)"
        body += "<button name=\"action\" value=\"stop\">■ \(e(l[.pressStop]))</button>"
        body += "<button name=\"action\" value=\"pause\">❚❚ \(e(l[.pressPause]))</button>"
        body += "<button name=\"action\" value=\"replay\">↺ \(e(l[.pressReplay]))</button></form>"
        if !languages.isEmpty {
            body += "<h2>\(e(l[.language]))</h2><form method=\"post\" action=\"/command\" class=\"languages\">\(csrf)<input type=\"hidden\" name=\"action\" value=\"language\">"
            for code in languages {
                body += "<button name=\"language\" value=\"\(e(code))\"\(code == status.language ? " aria-pressed=\"true\"" : "")>\(e(code))</button>"
            }
            body += "</form>"
        }
        body += "<h2>\(e(l[.volume]))</h2><form method=\"post\" action=\"/command\" class=\"volume\">\(csrf)"
        body += "<button name=\"action\" value=\"volume_down\">−</button>"
        body += "<input type=\"number\" name=\"volume\" min=\"0\" max=\"\(volumeCap)\" value=\"\(min(status.volume, volumeCap))\" aria-label=\"\(e(l[.volume]))\">"
        body += "<button name=\"action\" value=\"volume\">\(e(l[.setVolume]))</button>"
        body += "<button name=\"action\" value=\"volume_up\">+</button>"
        body += "<small>\(e(l[.volumeCap])) \(volumeCap)</small></form>"
        return body
    }
}
