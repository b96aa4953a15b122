import AudiogidMessages
import AudiogidCore
import Foundation

/// The Kiosk page: disk, uptime, versions, the daemon's log, kiosk.yaml (secrets hidden), and the clock.
struct KioskPage {
    var facts: KioskFacts
    var message: String?

    func render(_ l: Language, session: WebSession) -> String {
        let e = Markup.escape
        func gigabytes(_ bytes: Int64?) -> String { bytes.map { String(format: "%.1f GB", Double($0) / 1e9) } ?? "–" }
        var body = ""
        if let message { body += "<p class=\"notice\" role=\"alert\">\(e(message))</p>" }
        body += "<table class=\"status\">"
        body += "<tr><th>\(e(l[.diskFree]))</th><td>\(gigabytes(facts.diskFreeBytes)) / \(gigabytes(facts.diskTotalBytes))</td></tr>"
        body += "<tr><th>\(e(l[.uptime]))</th><td>\(e(facts.uptimeSeconds.map { String(format: "%.1f h", $0 / 3600) } ?? "–"))</td></tr>"
        for (name, version) in facts.versions.sorted(by: { $0.key < $1.key }) {
            body += "<tr><th>\(e(name))</th><td>\(e(version))</td></tr>"
        }
        let now = Date(timeIntervalSince1970: Double(facts.serverTimeMs) / 1000)
        body += "<tr><th>\(e(l[.kioskClock]))</th><td><time data-server-time=\"\(facts.serverTimeMs)\">\(e(ISO8601DateFormatter().string(from: now)))</time></td></tr>"
        body += "</table>"
        body += "<p class=\"warning\" id=\"clock-warning\" hidden>\(e(l[.clockOff]))</p>"
        if session.role == .staff {
            body += """
                <h2>\(e(l[.setClock]))</h2>
                <form method="post" action="/clock" class="clock">\(HTML.csrfField(session))
                <label>\(e(l[.timeUTC])) <input type="datetime-local" name="time" step="1" required></label>
                <input type="hidden" name="epoch_ms" value="">
                <button>\(e(l[.setClockButton]))</button></form>
                """
        }
        body += "<h2>\(e(l[.logTitle]))</h2>"
        if let lines = facts.logLines {
            body += "<pre class=\"log\">\(e(lines.joined(separator: "\n")))</pre>"
        } else {
            body += "<p>\(e(l[.logUnreadable]))</p>"
        }
        body += "<h2>kiosk.yaml</h2>"
        body += facts.config.map { "<pre class=\"config\">\(e($0))</pre>" } ?? "<p>\(e(l[.noConfigFile]))</p>"
        return body
    }
}
