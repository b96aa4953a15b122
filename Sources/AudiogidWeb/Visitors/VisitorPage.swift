import AudiogidCore
import AudiogidMessages
import Foundation

/// The public page a visitor's phone opens: the tour in the language they chose, a Start button, the stop the
/// kiosk is playing (a live region a screen reader announces) and every stop to browse and play.
///
/// Rendered whole on the server, so it reads without its script; /visitor.js adds the following and the sound.
/// Every word is a `VisitorPhrase` in the chosen language's catalogue; the tour's own texts come from the tour.
struct VisitorPage {
    var tour: VisitorTour?
    /// The tour language chosen (one of the tour's); the page's own words follow it.
    var language: String
    var event: VisitorEvent

    func render() -> String {
        let e = Markup.escape
        let w = VisitorLanguage(code: language)
        guard let tour else {
            return frame(title: "Audiogid", words: w, tourID: "", body: "<p class=\"notice\" role=\"status\">\(e(w[.noTour]))</p>")
        }
        let tourTitle = tour.title(in: language)
        var body = "<header><h1>\(e(tourTitle))</h1>"
        body += "<nav class=\"languages\" aria-label=\"\(e(w[.chooseLanguage]))\">"
        for code in tour.languages {
            let current = code == language ? " aria-current=\"true\"" : ""
            body += "<a href=\"/?lang=\(e(code))\" hreflang=\"\(e(code))\" lang=\"\(e(code))\" data-lang=\"\(e(code))\"\(current)>\(e(VisitorLanguage.nativeName(code)))</a>"
        }
        body += "</nav>"
        body += "<label class=\"large\"><input type=\"checkbox\" id=\"large-text\"> \(e(w[.largeText]))</label></header>"
        body += "<main>"
        if let description = tour.description.text(in: language, fallbacks: [tour.defaultLanguage]) {
            body += "<p class=\"description\">\(e(description))</p>"
        }
        body += "<p id=\"hint\">\(e(w[.startHint])) \(e(w[.headphones]))</p>"
        body += "<button id=\"start\" type=\"button\">▶ \(e(w[.start]))</button>"
        body += "<p id=\"save\" hidden><progress id=\"save-progress\" max=\"1\" value=\"0\"></progress> <span id=\"save-text\"></span></p>"
        body += "<p id=\"connection\" class=\"warning\" role=\"alert\"\(event.reachable ? " hidden" : "")>\(e(event.reachable ? "" : w[.guideUnreachable]))</p>"
        // The live region: what the kiosk plays now, announced when it changes.
        let now = event.state != "stop" ? event.stop.flatMap { tour.stop($0) } : nil
        body += "<section id=\"now\" aria-live=\"polite\" aria-atomic=\"true\" aria-labelledby=\"now-heading\">"
        body += "<h2 id=\"now-heading\">\(e(w[.nowPlaying]))</h2>"
        body += "<p id=\"now-state\">\(e(now == nil ? w[.waitingForStop] : (event.state == "pause" ? w[.paused] : w[.following])))</p>"
        body += "<h3 id=\"now-title\">\(now.map { "\($0.number). " + e(title(of: $0, tour)) } ?? "")</h3>"
        body += "<p id=\"now-fallback\" class=\"notice\"\(now?.clips[language]?.isFallback == true ? "" : " hidden")>\(e(w[.fallbackLanguage]))</p>"
        body += "<img id=\"now-image\" alt=\"\"\(now?.image.map { " src=\"\(e($0))\"" } ?? " hidden")>"
        body += "<div id=\"now-transcript\" class=\"transcript\" lang=\"\(e(language))\">\(now.map { paragraphs(transcript(of: $0, tour)) } ?? "")</div>"
        body += "</section>"
        body += "<p id=\"mode\" hidden><span>\(e(w[.selfPaced]))</span> <button id=\"follow\" type=\"button\">\(e(w[.followBoat]))</button></p>"
        body += "<audio id=\"player\" controls preload=\"none\"></audio>"
        body += "<h2>\(e(w[.allStops]))</h2><ol id=\"stops\">"
        for stop in tour.stops {
            let clip = stop.clips[language]
            body += "<li data-stop=\"\(stop.number)\""
            if let clip {
                body += " data-clip=\"\(e(clip.url))\" data-bytes=\"\(clip.bytes)\" data-fallback=\"\(clip.isFallback)\""
            }
            if let image = stop.image { body += " data-image=\"\(e(image))\"" }
            body += "><h3 class=\"stop-title\">\(stop.number). \(e(title(of: stop, tour)))</h3>"
            if clip != nil {
                body += "<button type=\"button\" class=\"play\" data-stop=\"\(stop.number)\" aria-label=\"\(e(w[.playThis])): \(e(title(of: stop, tour)))\">▶ \(e(w[.playThis]))</button>"
            }
            let text = transcript(of: stop, tour)
            if !text.isEmpty {
                body += "<details><summary>\(e(w[.transcript]))</summary><div class=\"transcript\">\(paragraphs(text))</div></details>"
            }
            body += "</li>"
        }
        body += "</ol></main>"
        return frame(title: tourTitle, words: w, tourID: tour.id, body: body)
    }

    func title(of stop: VisitorStop, _ tour: VisitorTour) -> String {
        stop.title.text(in: language, fallbacks: [tour.defaultLanguage]) ?? stop.id
    }

    func transcript(of stop: VisitorStop, _ tour: VisitorTour) -> String {
        stop.transcript.text(in: language, fallbacks: [tour.defaultLanguage]) ?? ""
    }

    func paragraphs(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: true).map { "<p>\(Markup.escape(String($0)))</p>" }.joined()
    }

    /// The frame: no inline script or style (the CSP forbids both). The words the script shows as the state
    /// changes ride along as data attributes, in the page's language.
    func frame(title: String, words w: VisitorLanguage, tourID: String, body: String) -> String {
        let e = Markup.escape
        let said: [(String, VisitorPhrase)] = [("following", .following), ("paused", .paused), ("stopped", .stopped),
                                               ("waiting", .waitingForStop), ("offline", .offline), ("unreachable", .guideUnreachable),
                                               ("saving", .saving), ("ready", .offlineReady), ("size", .savedSize)]
        let data = said.map { " data-say-\($0.0)=\"\(e(w[$0.1]))\"" }.joined()
        return """
            <!doctype html>
            <html lang="\(e(language))">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(title))</title>
            <link rel="stylesheet" href="/visitor.css"><script src="/visitor.js" defer></script></head>
            <body data-tour="\(e(tourID))" data-lang="\(e(language))" data-event="\(event.id)"\(data)>
            \(body)
            </body>
            </html>

            """
    }
}
