import AudiogidMessages
import AudiogidCore
import Foundation

/// Building pages as text: escaping, and the frame every page shares.
enum HTML {
    /// The frame: navigation, the language switch, who is logged in. No inline script or style (the CSP forbids
    /// both); the one script, /static/live.js, only adds live updates to a page that works without it.
    static func page(_ title: String, active: String, language l: Language, session: WebSession?, body: String) -> String {
        let nav: String
        if let session {
            let links = [("/", l[.navNow], "now"), ("/tours", l[.navTours], "tours"), ("/stats", l[.navStatistics], "stats"),
                         ("/kiosk", l[.navKiosk], "kiosk")]
            nav = "<nav>" + links.map { href, label, key in
                "<a href=\"\(href)\"\(key == active ? " aria-current=\"page\"" : "")>\(Markup.escape(label))</a>"
            }.joined() + "</nav>" +
            """
            <form method="post" action="/logout" class="logout"><input type="hidden" name="csrf" value="\(Markup.escape(session.csrf))">\
            <span>\(Markup.escape(session.user)) (\(Markup.escape(session.role == .staff ? l[.roleStaff] : l[.roleViewer])))</span>\
            <button>\(Markup.escape(l[.logOut]))</button></form>
            """
        } else {
            nav = ""
        }
        let switcher = Language.allCases.map { other in
            other == l ? "<strong>\(other.rawValue.uppercased())</strong>" : "<a href=\"?lang=\(other.rawValue)\" hreflang=\"\(other.rawValue)\">\(other.rawValue.uppercased())</a>"
        }.joined(separator: " ")
        return """
            <!doctype html>
            <html lang="\(l.rawValue)">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Markup.escape(title)) · Audiogid</title>
            <link rel="stylesheet" href="/static/style.css"><script src="/static/live.js" defer></script></head>
            <body data-page="\(active)">
            <header><span class="brand">Audiogid</span>\(nav)<span class="languages">\(switcher)</span></header>
            <main>
            <h1>\(Markup.escape(title))</h1>
            \(body)
            </main>
            </body>
            </html>

            """
    }

    static func csrfField(_ session: WebSession) -> String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(Markup.escape(session.csrf))\">"
    }

    /// `1:05` for 65 seconds.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return "–" }
        let total = Int(seconds.rounded())
        return total >= 3600 ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
                             : String(format: "%d:%02d", total / 60, total % 60)
    }
}
