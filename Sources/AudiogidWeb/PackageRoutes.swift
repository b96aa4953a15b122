import AudiogidMessages
import AudiogidPackages
import Foundation
import Hummingbird
import NIOCore

/// Uploading a package and rolling a tour back, from the Tours page (plain forms that work without a script)
/// and from the JSON API the page's script uses. Both end in `PackageDesk`, the code of `audiogid install`.
extension WebApp {
    /// Bytes a browser's multipart framing adds around the file (boundaries, part headers, the CSRF field).
    static let formSlack = 16 * 1024

    var uploadLimit: Int { environment.settings.uploadLimitBytes }

    // MARK: - Upload

    /// `POST /api/packages`: the package's bytes as the body (`application/octet-stream`), `?name=` its file name.
    func apiUpload(_ request: Request, _ context: WebContext) async throws -> Response {
        let session = try context.requireStaff()
        try Self.checkToken(request.headers[Self.csrfHeader], session)
        let given = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard let given, ["application/octet-stream", "application/zip", "application/x-audiogid"].contains(given) else {
            throw HTTPError(.unsupportedMediaType, message: "send the package as application/octet-stream, not \(given ?? "no content type")")
        }
        let l = context.language
        do {
            let receiver = try await receiveRaw(request, name: request.uri.queryParameters["name"].map(String.init), l)
            let reply = PackageWords.reply(try await install(receiver, context), l)
            return try Self.json(reply)
        } catch let notice as PackageRefusalNotice {
            return try Self.json(notice.reply, status: notice.status)
        }
    }

    /// `POST /tours/upload`: the page's form (multipart/form-data: `csrf`, then `package`). Answers with the
    /// Tours page saying what happened.
    func formUpload(_ request: Request, _ context: WebContext) async throws -> Response {
        let session = try context.requireStaff()
        guard let boundary = MultipartReader.boundary(of: request.headers[.contentType]) else {
            throw HTTPError(.unsupportedMediaType, message: "send the form as multipart/form-data")
        }
        do {
            let receiver = try await receiveForm(request, boundary: boundary, session: session, context.language)
            let reply = PackageWords.reply(try await install(receiver, context), context.language)
            return try await toursPage(context, message: reply.message)
        } catch let notice as PackageRefusalNotice {
            return try await toursPage(context, message: nil, refusal: notice.reply, status: notice.status)
        }
    }

    /// Installs what arrived; the upload's folder is removed when `receiver` goes.
    func install(_ receiver: UploadReceiver, _ context: WebContext) async throws -> TourInstaller.Outcome {
        let file = receiver.file
        let result = await environment.packages.install(file)
        withExtendedLifetime(receiver) {}
        switch result {
        case .success(let outcome):
            logger.notice("package installed from the web page", metadata: [
                "tour": "\(outcome.tour)", "version": "\(outcome.version)", "user": "\(context.session?.user ?? "?")"])
            return outcome
        case .failure(let refusal):
            logger.notice("package refused on the web page", metadata: ["reason": "\(refusal)", "user": "\(context.session?.user ?? "?")"])
            throw PackageWords.refusal(refusal, context.language)
        }
    }

    func receiveRaw(_ request: Request, name: String?, _ l: Language) async throws -> UploadReceiver {
        do {
            let uploads = environment.packages.uploadsDirectory
            try UploadReceiver.checkAnnounced(request, limit: uploadLimit, uploads: uploads)
            let receiver = try UploadReceiver(in: uploads, name: name, limit: uploadLimit)
            for try await piece in request.body { try receiver.write(piece.readableBytesView) }
            guard receiver.received > 0 else { throw UploadProblem.noFile }
            try receiver.finish()
            return receiver
        } catch let problem as UploadProblem {
            throw PackageWords.problem(problem, l)
        }
    }

    /// Reads the form as it arrives: the CSRF field must come first (the page puts it first), so a forged
    /// upload is refused before a byte of its file is written.
    func receiveForm(_ request: Request, boundary: String, session: WebSession, _ l: Language) async throws -> UploadReceiver {
        let uploads = environment.packages.uploadsDirectory
        var reader = MultipartReader(boundary: boundary)
        var receiver: UploadReceiver?
        var field: (name: String, value: [UInt8])?
        var tokenChecked = false
        do {
            try UploadReceiver.checkAnnounced(request, limit: uploadLimit, slack: Self.formSlack, uploads: uploads)
            for try await piece in request.body {
                for event in try reader.feed(piece) {
                    switch event {
                    case .part(let name, let filename):
                        if name == "package", filename != nil {
                            guard tokenChecked else { throw Self.missingToken }
                            guard receiver == nil else { throw UploadProblem.malformed("the form holds two files") }
                            receiver = try UploadReceiver(in: uploads, name: filename, limit: uploadLimit)
                        } else {
                            field = (name, [])
                        }
                    case .data(let bytes):
                        if var current = field {
                            current.value += bytes
                            // The form's other fields are a token and a button: a few bytes each.
                            guard current.value.count <= 1024 else { throw UploadProblem.malformed("the field '\(current.name)' is too long") }
                            field = current
                        } else if let receiver {
                            try receiver.write(bytes)
                        }
                    case .end:
                        if let current = field, current.name == "csrf" {
                            try Self.checkToken(String(decoding: current.value, as: UTF8.self), session)
                            tokenChecked = true
                        }
                        field = nil
                    }
                }
            }
            try reader.finish()
        } catch let error as MultipartError {
            throw PackageWords.problem(.malformed(error.description), l)
        } catch let problem as UploadProblem {
            throw PackageWords.problem(problem, l)
        }
        guard tokenChecked else { throw Self.missingToken }
        guard let receiver, receiver.received > 0 else { throw PackageWords.problem(.noFile, l) }
        do throws(UploadProblem) { try receiver.finish() } catch { throw PackageWords.problem(error, l) }
        return receiver
    }

    /// What the page's script comes back to after an upload or rollback through the API:
    /// `/tours?installed=ID&daemon=reloaded` or `?rolledback=ID`. Only fixed phrases and the library's own
    /// version are shown, never text from the URL.
    func doneMessage(_ request: Request, _ l: Language) -> String? {
        let query = request.uri.queryParameters
        let (id, phrase): (String?, Phrase) = if let id = query["installed"] { (String(id), .installedTour) }
            else if let id = query["rolledback"] { (String(id), .rolledBack) } else { (nil, .installedTour) }
        guard let id, TourID.isSafe(id), let version = environment.packages.installed()[id]?.version else { return nil }
        var message = PackageWords.fill(l[phrase], tour: id, version: version)
        switch query["daemon"].map(String.init) {
        case "reloaded": message += " " + l[.playerReloaded]
        case "not_running": message += " " + l[.playerNotRunning]
        case "failed": message += " " + l[.playerDidNotReload] + " " + l[.logTitle]
        default: break
        }
        return message
    }

    // MARK: - Rollback

    func rollback(_ id: String, _ context: WebContext) async throws -> PackageReply {
        guard TourID.isSafe(id) else { throw HTTPError(.badRequest, message: "not a tour id (lower-case letters, digits and dashes)") }
        let l = context.language
        guard environment.packages.installed()[id] != nil else {
            throw PackageRefusalNotice(status: .notFound, reply: PackageRefusalReply(
                error: l[.notAPackagedTour], reason: "not_a_package", detail: "tour \(id) is not an installed package"))
        }
        switch await environment.packages.rollback(id) {
        case .success(let outcome):
            logger.notice("tour rolled back from the web page", metadata: [
                "tour": "\(id)", "version": "\(outcome.version)", "user": "\(context.session?.user ?? "?")"])
            return PackageWords.reply(outcome, rollback: true, l)
        case .failure(let refusal):
            throw PackageWords.refusal(refusal, l)
        }
    }

    /// `POST /api/tours/{id}/rollback`.
    func apiRollback(_ request: Request, _ context: WebContext) async throws -> Response {
        let session = try context.requireStaff()
        try Self.checkToken(request.headers[Self.csrfHeader], session)
        do {
            return try Self.json(try await rollback(context.parameters.get("id") ?? "", context))
        } catch let notice as PackageRefusalNotice {
            return try Self.json(notice.reply, status: notice.status)
        }
    }

    /// `POST /tours/rollback`: the Tours page's button (`csrf`, `tour`).
    func formRollback(_ request: Request, _ context: WebContext) async throws -> Response {
        let form = try await Form.read(request)
        let session = try context.requireStaff()
        try Self.checkToken(form["csrf"], session)
        do {
            let reply = try await rollback(form["tour"] ?? "", context)
            return try await toursPage(context, message: reply.message)
        } catch let notice as PackageRefusalNotice {
            return try await toursPage(context, message: nil, refusal: notice.reply, status: notice.status)
        }
    }
}
