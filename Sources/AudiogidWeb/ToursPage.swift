import AudiogidMessages
import AudiogidCore
/// The Tours page: the installed tours, which one plays, a switch, and each tour's route map.
struct ToursPage {
    var tours: [TourSummary]
    var active: String
    var message: String?

    func render(_ l: Language, session: WebSession) -> String {
        let e = Markup.escape
        var body = ""
        if let message { body += "<p class=\"notice\" role=\"alert\">\(e(message))</p>" }
        if tours.isEmpty { return body + "<p>\(e(l[.noTours]))</p>" }
        for tour in tours {
            body += "<section class=\"tour\"><h2>\(e(tour.title)) <small>\(e(tour.id))</small>"
            if tour.id == active { body += " <span class=\"badge\">\(e(l[.activeTour]))</span>" }
            body += "</h2>"
            if let problem = tour.problem {
                body += "<p class=\"warning\">\(e(l[.tourBroken]))</p><pre>\(e(problem))</pre></section>"
                continue
            }
            body += "<p>\(e(l[.stops])): \(tour.stops) · \(e(l[.languages])): \(e(tour.languages.joined(separator: ", ")))</p><ul>"
            for code in tour.languages {
                body += "<li>\(e(code)): \(HTML.duration(tour.audioSeconds[code]))</li>"
            }
            body += "</ul>"
            if session.role == .staff, tour.id != active {
                body += "<form method=\"post\" action=\"/command\">\(HTML.csrfField(session))<input type=\"hidden\" name=\"action\" value=\"tour\">"
                body += "<button name=\"tour\" value=\"\(e(tour.id))\">\(e(l[.switchTour]))</button></form>"
            }
            body += "<details><summary>\(e(l[.routeMap]))</summary><img class=\"map\" loading=\"lazy\" src=\"/tours/\(e(tour.id))/map.svg\" alt=\"\(e(l[.routeMap]))\"></details>"
            body += "</section>"
        }
        return body
    }
}
