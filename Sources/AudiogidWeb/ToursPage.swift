import AudiogidMessages
import AudiogidCore
/// The Tours page: the installed tours with their versions and signers, which one plays, a switch, each tour's
/// route map, going back to a kept release, and (for staff) uploading a package.
///
/// The upload and rollback are plain forms that work without a script; /static/live.js sends the same through the
/// JSON API instead, to show the upload's progress and the refusal in place.
struct ToursPage {
    var tours: [TourSummary]
    var active: String
    var message: String?
    var refusal: PackageRefusalReply?
    var uploadLimitMB: Int

    func render(_ l: Language, session: WebSession) -> String {
        let e = Markup.escape
        var body = ""
        if let message { body += "<p class=\"notice\" role=\"alert\">\(e(message))</p>" }
        if let refusal { body += Self.refusalBox(refusal, l) }
        if tours.isEmpty { body += "<p>\(e(l[.noTours]))</p>" }
        for tour in tours {
            body += "<section class=\"tour\" id=\"tour-\(e(tour.id))\"><h2>\(e(tour.title)) <small>\(e(tour.id))</small>"
            if tour.id == active { body += " <span class=\"badge\">\(e(l[.activeTour]))</span>" }
            body += "</h2>"
            if let problem = tour.problem {
                body += "<p class=\"warning\">\(e(l[.tourBroken]))</p><pre>\(e(problem))</pre></section>"
                continue
            }
            body += "<dl class=\"facts\">"
            body += "<dt>\(e(l[.version]))</dt><dd data-field=\"version\">\(e(tour.version ?? "–"))</dd>"
            body += "<dt>\(e(l[.signedBy]))</dt><dd data-field=\"signer\">\(e(signer(tour, l)))</dd>"
            if let installed = tour.installedAt {
                body += "<dt>\(e(l[.installedOn]))</dt><dd>\(e(installed.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")))</dd>"
            }
            body += "<dt>\(e(l[.stops]))</dt><dd data-field=\"stops\">\(tour.stops)</dd>"
            body += "<dt>\(e(l[.languages]))</dt><dd>\(e(tour.languages.joined(separator: ", ")))</dd>"
            body += "</dl><ul class=\"audio\">"
            for code in tour.languages {
                body += "<li>\(e(code)): \(HTML.duration(tour.audioSeconds[code]))</li>"
            }
            body += "</ul>"
            if session.role == .staff {
                body += "<div class=\"actions\">"
                if tour.id != active {
                    body += "<form method=\"post\" action=\"/command\">\(HTML.csrfField(session))<input type=\"hidden\" name=\"action\" value=\"tour\">"
                    body += "<button name=\"tour\" value=\"\(e(tour.id))\">\(e(l[.switchTour]))</button></form>"
                }
                // Shown only when there is a kept release to go back to.
                if let previous = tour.rollbackTo {
                    body += "<form method=\"post\" action=\"/tours/rollback\" class=\"rollback\" data-api=\"/api/tours/\(e(tour.id))/rollback\">"
                    body += "\(HTML.csrfField(session))<input type=\"hidden\" name=\"tour\" value=\"\(e(tour.id))\">"
                    body += "<button>\(e(l[.rollBackTo])) \(e(previous))</button></form>"
                }
                body += "</div>"
            }
            body += "<details><summary>\(e(l[.routeMap]))</summary><img class=\"map\" loading=\"lazy\" src=\"/tours/\(e(tour.id))/map.svg\" alt=\"\(e(l[.routeMap]))\"></details>"
            body += "</section>"
        }
        if session.role == .staff { body += uploadForm(l, session: session) }
        return body
    }

    func signer(_ tour: TourSummary, _ l: Language) -> String {
        guard tour.packaged else { return l[.copiedByHand] }
        guard let key = tour.signer else { return l[.notSigned] }
        return tour.signerName.map { "\($0) (\(key))" } ?? key
    }

    /// The upload form: the CSRF field first, so the server checks it before it writes a byte of the file.
    func uploadForm(_ l: Language, session: WebSession) -> String {
        let e = Markup.escape
        let limit = "\(uploadLimitMB)"
        return """
            <section class="upload"><h2>\(e(l[.uploadTitle]))</h2>\
            <form method="post" action="/tours/upload" enctype="multipart/form-data" class="upload" data-api="/api/packages" \
            data-limit="\(uploadLimitMB << 20)" data-uploading="\(e(l[.uploading]))" data-installing="\(e(l[.installing]))" \
            data-too-large="\(e(l[.uploadTooLarge].replacingOccurrences(of: "{mb}", with: limit)))" \
            data-refused="\(e(l[.packageRefused]))" data-details="\(e(l[.details]))">\
            \(HTML.csrfField(session))\
            <p>\(e(l[.uploadHint].replacingOccurrences(of: "{mb}", with: limit)))</p>\
            <input type="file" name="package" accept=".audiogid,application/zip" required>\
            <button>\(e(l[.uploadButton]))</button>\
            <progress max="100" value="0" hidden></progress>\
            <output aria-live="polite"></output>\
            </form></section>
            """
    }

    /// A refused package in plain words, the validator's findings, and the installer's own words folded away.
    static func refusalBox(_ refusal: PackageRefusalReply, _ l: Language) -> String {
        let e = Markup.escape
        var box = "<div class=\"refusal\" role=\"alert\"><p class=\"warning\">\(e(l[.packageRefused]))</p><p data-field=\"refusal\">\(e(refusal.error))</p>"
        if let findings = refusal.findings, !findings.isEmpty {
            box += "<ul class=\"findings\">" + findings.map { "<li><code>\(e($0))</code></li>" }.joined() + "</ul>"
        }
        if let detail = refusal.detail { box += "<details><summary>\(e(l[.details]))</summary><pre>\(e(detail))</pre></details>" }
        return box + "</div>"
    }
}
