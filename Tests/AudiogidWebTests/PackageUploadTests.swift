import AudiogidMessages
import AudiogidPackages
import AudiogidTestSupport
import AudiogidWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// What the upload answers, as the page's script reads it.
struct UploadAnswer: Decodable {
    var ok: Bool?
    var tour: String?
    var version: String?
    var previous: String?
    var change: String?
    var daemon: String?
    var message: String?
    var error: String?
    var reason: String?
    var detail: String?
    var findings: [String]?
}

struct ToursAnswer: Decodable { var active: String; var tours: [TourSummary] }

extension WebRig {
    /// The version `tours/dvor` links to, or nil when the tour is not installed.
    var installedDvor: String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("tours/dvor").path))
            .map { URL(fileURLWithPath: $0).lastPathComponent }
    }

    /// Nothing an upload wrote is left behind.
    var uploadsLeft: [String] { (try? FileManager.default.contentsOfDirectory(atPath: uploads.path)) ?? [] }
}

extension TestClientProtocol {
    func upload(_ package: ByteBuffer, name: String = "dvor.audiogid", as browser: Browser, headers extra: HTTPFields = [:]) async throws
        -> (HTTPResponse.Status, UploadAnswer) {
        var headers = browser.json(extra)
        headers[.contentType] = "application/octet-stream"
        return try await execute(uri: "/api/packages?name=\(name)", method: .post, headers: headers, body: package) { response in
            (response.status, try JSONDecoder().decode(UploadAnswer.self, from: Data(buffer: response.body)))
        }
    }

    func tours(_ browser: Browser) async throws -> ToursAnswer {
        try await execute(uri: "/api/tours", method: .get, headers: browser.headers) { response in
            try JSONDecoder().decode(ToursAnswer.self, from: Data(buffer: response.body))
        }
    }

    func formUpload(_ body: MultipartBody, as browser: Browser, closed: Bool = true) async throws -> TestResponse {
        try await execute(uri: "/tours/upload", method: .post, headers: [.cookie: browser.cookie, .contentType: body.contentType],
                          body: body.buffer(closed: closed)) { $0 }
    }
}

@Suite(.timeLimit(.minutes(3)))
struct PackageUploadTests {
    @Test func staffUploadAPackageAndTheNewTourIsListedWithVersionAndSigner() async throws {
        let rig = try WebRig()
        let shop = try PackageShop(trustedKeys: rig.trustedKeys)
        let package = try shop.package(version: "1")
        try await rig.application().test(.router) { client in
            let staff = try await client.logIn()
            let (status, answer) = try await client.upload(try PackageShop.bytes(package), name: "dvor-1.audiogid", as: staff)
            #expect(status == .ok, "\(answer)")
            #expect(answer.tour == "dvor" && answer.version == "1" && answer.change == "installed")
            #expect(answer.daemon == "reloaded")
            #expect(answer.message == "Tour dvor version 1 is installed. The player has taken it up.")
            #expect(rig.installedDvor == "1")
            #expect(rig.uploadsLeft.isEmpty)

            let listed = try #require(try await client.tours(staff).tours.first { $0.id == "dvor" })
            #expect(listed.version == "1" && listed.packaged)
            #expect(listed.signer == shop.key.publicKey.keyIDText && listed.signerName == "museum")
            #expect(listed.stops == 2 && listed.languages == ["ru", "en"])
            // The clips are the release's own: their lengths are read from releases/dvor/1/audio.
            #expect((listed.audioSeconds["ru"] ?? 0) > 5 && (listed.audioSeconds["en"] ?? 0) > 5)
            #expect(listed.rollbackTo == nil)
            // A hand-copied tour is said to be one.
            let copied = try #require(try await client.tours(staff).tours.first { $0.id == "moyo-selo" })
            #expect(!copied.packaged && copied.signer == nil)

            try await client.execute(uri: "/tours", method: .get, headers: staff.headers) { response in
                let page = response.text
                #expect(page.contains("<small>dvor</small>"))
                #expect(page.contains("<dd data-field=\"version\">1</dd>"))
                #expect(page.contains("museum (\(shop.key.publicKey.keyIDText))"))
                #expect(page.contains("copied by hand, not from a package"))
                #expect(!page.contains("action=\"/tours/rollback\""))   // nothing to go back to yet
                #expect(page.contains("enctype=\"multipart/form-data\""))
            }
            // What the script comes back to after an upload: the page says it from the library, not from the URL.
            try await client.execute(uri: "/tours?installed=dvor&daemon=reloaded", method: .get, headers: staff.headers) { response in
                #expect(response.text.contains("Tour dvor version 1 is installed. The player has taken it up."))
            }
        }
    }

    @Test func theFormWorksWithoutAScriptAndRollbackAppearsWithAnOlderRelease() async throws {
        let rig = try WebRig()
        let shop = try PackageShop(trustedKeys: rig.trustedKeys)
        let first = try shop.package(version: "1"), second = try shop.package(version: "2")
        try await rig.application().test(.router) { client in
            let staff = try await client.logIn()
            for (package, version) in [(first, "1"), (second, "2")] {
                let body = MultipartBody(parts: [("csrf", nil, Data(staff.csrf.utf8)), ("package", "dvor-\(version).audiogid", try Data(contentsOf: package))])
                let response = try await client.formUpload(body, as: staff)
                #expect(response.status == .ok)
                #expect(response.text.contains("Tour dvor version \(version) is installed."))
            }
            #expect(rig.installedDvor == "2")
            try await client.execute(uri: "/tours?lang=ru", method: .get, headers: staff.headers) { response in
                #expect(response.text.contains("action=\"/tours/rollback\""))
                #expect(response.text.contains("Вернуть версию 1"))
            }
            #expect(try await client.tours(staff).tours.first { $0.id == "dvor" }?.rollbackTo == "1")

            try await client.execute(uri: "/tours/rollback", method: .post, headers: staff.form,
                                     body: ByteBuffer(string: "csrf=\(staff.csrf)&tour=dvor")) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("Tour dvor is back at version 1. The player has taken it up."))
                #expect(!response.text.contains("action=\"/tours/rollback\""))
            }
            #expect(rig.installedDvor == "1")
            // Nothing older than 1: the API says so, and nothing changes.
            try await client.execute(uri: "/api/tours/dvor/rollback", method: .post, headers: staff.json()) { response in
                #expect(response.status == .conflict)
                let answer = try JSONDecoder().decode(UploadAnswer.self, from: Data(buffer: response.body))
                #expect(answer.reason == "nothing_to_roll_back")
                #expect(answer.error == "There is no older version of this tour on the kiosk to go back to.")
            }
            #expect(rig.installedDvor == "1")
        }
    }

    @Test func rollbackThroughTheAPI() async throws {
        let rig = try WebRig()
        let shop = try PackageShop(trustedKeys: rig.trustedKeys)
        let first = try shop.package(version: "1"), second = try shop.package(version: "2")
        try await rig.application().test(.router) { client in
            let staff = try await client.logIn()
            _ = try await client.upload(try PackageShop.bytes(first), as: staff)
            _ = try await client.upload(try PackageShop.bytes(second), as: staff)
            try await client.execute(uri: "/api/tours/dvor/rollback", method: .post, headers: staff.json()) { response in
                #expect(response.status == .ok)
                let answer = try JSONDecoder().decode(UploadAnswer.self, from: Data(buffer: response.body))
                #expect(answer.version == "1" && answer.previous == "2" && answer.change == "switched_back" && answer.daemon == "reloaded")
            }
            #expect(rig.installedDvor == "1")
            // A tour copied by hand has no releases: 404; an id that is no id: 400.
            try await client.execute(uri: "/api/tours/moyo-selo/rollback", method: .post, headers: staff.json()) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/tours/..%2Fetc/rollback", method: .post, headers: staff.json()) { #expect($0.status == .badRequest) }
            // Going forward again is an upload of the newer package: the kept release is switched back to.
            let (status, answer) = try await client.upload(try PackageShop.bytes(second), as: staff)
            #expect(status == .ok && answer.change == "switched_back")
            #expect(answer.message == "Tour dvor version 2 was kept on the kiosk; it is in use again. The player has taken it up.")
        }
    }
}

@Suite(.timeLimit(.minutes(3)))
struct PackageRefusalTests {
    @Test func aViewerCannotUploadOrRollBack() async throws {
        let rig = try WebRig(daemon: false)
        let shop = try PackageShop(trustedKeys: rig.trustedKeys)
        let package = try shop.package(version: "1")
        try await rig.application().test(.router) { client in
            let viewer = try await client.logIn("boris", Users.viewerPassword)
            let (status, _) = try await client.upload(try PackageShop.bytes(package), as: viewer)
            #expect(status == .forbidden)
            let form = MultipartBody(parts: [("csrf", nil, Data(viewer.csrf.utf8)), ("package", "dvor.audiogid", try Data(contentsOf: package))])
            #expect(try await client.formUpload(form, as: viewer).status == .forbidden)
            try await client.execute(uri: "/api/tours/dvor/rollback", method: .post, headers: viewer.json()) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/tours/rollback", method: .post, headers: viewer.form,
                                     body: ByteBuffer(string: "csrf=\(viewer.csrf)&tour=dvor")) { #expect($0.status == .forbidden) }
            // A viewer sees the tours but neither the upload form nor a switch.
            try await client.execute(uri: "/tours", method: .get, headers: viewer.headers) { response in
                #expect(!response.text.contains("action=\"/tours/upload\""))
            }
            // And a stranger is sent to log in.
            try await client.execute(uri: "/api/packages", method: .post, headers: [.contentType: "application/octet-stream"],
                                     body: try PackageShop.bytes(package)) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/tours/upload", method: .post, headers: [.contentType: form.contentType],
                                     body: form.buffer()) { #expect($0.status == .seeOther) }
            #expect(rig.installedDvor == nil)
            #expect(rig.uploadsLeft.isEmpty)
        }
    }

    @Test func aMissingOrWrongCSRFTokenIsRefusedBeforeTheFileIsWritten() async throws {
        let rig = try WebRig(daemon: false)
        let shop = try PackageShop(trustedKeys: rig.trustedKeys)
        let bytes = try Data(contentsOf: try shop.package(version: "1"))
        try await rig.application().test(.router) { client in
            let staff = try await client.logIn()
            // The API: no header, a wrong one.
            for headers: HTTPFields in [[.cookie: staff.cookie, .contentType: "application/octet-stream"],
                                        [.cookie: staff.cookie, .contentType: "application/octet-stream", HTTPFields.Element.Name("X-CSRF-Token")!: (staff.csrf.hasPrefix("0") ? "1" : "0") + staff.csrf.dropFirst()]] {
                try await client.execute(uri: "/api/packages", method: .post, headers: headers, body: ByteBuffer(data: bytes)) { response in
                    #expect(response.status == .forbidden)
                    #expect(response.text.contains("CSRF"))
                }
            }
            // The form: no token field, the token after the file, a wrong token.
            for parts in [[("package", "dvor.audiogid", bytes)],
                          [("package", "dvor.audiogid", bytes), ("csrf", nil, Data(staff.csrf.utf8))],
                          [("csrf", nil, Data("nope".utf8)), ("package", "dvor.audiogid", bytes)]] as [[(String, String?, Data)]] {
                let response = try await client.formUpload(MultipartBody(parts: parts.map { ($0.0, $0.1, $0.2) }), as: staff)
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/tours/dvor/rollback", method: .post,
                                     headers: [.cookie: staff.cookie]) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/tours/rollback", method: .post, headers: staff.form,
                                     body: ByteBuffer(string: "tour=dvor")) { #expect($0.status == .forbidden) }
            #expect(rig.installedDvor == nil)
            #expect(rig.uploadsLeft.isEmpty)
        }
    }

    @Test func anUploadOverTheLimitIs413AndLeavesNothing() async throws {
        let rig = try WebRig(daemon: false, uploadLimitMB: 1)
        try await rig.application().test(.router) { client in
            let staff = try await client.logIn()
            let big = ByteBuffer(repeating: 0x41, count: (1 << 20) + 1)
            let (status, answer) = try await client.upload(big, as: staff)
            #expect(status == .contentTooLarge)
            #expect(answer.reason == "too_large")
            #expect(answer.error?.contains("(1 MB)") == true)
            let form = MultipartBody(parts: [("csrf", nil, Data(staff.csrf.utf8)), ("package", "big.audiogid", Data(repeating: 0x41, count: 2 << 20))])
            let response = try await client.formUpload(form, as: staff)
            #expect(response.status == .contentTooLarge)
            #expect(response.text.contains("The file is larger than the page accepts (1 MB)."))
            #expect(response.text.contains("<h1>Tours</h1>"))
            #expect(rig.uploadsLeft.isEmpty)
        }
    }

    @Test func aWrongContentTypeIs415() async throws {
        let rig = try WebRig(daemon: false)
        try await rig.application().test(.router) { client in
            let staff = try await client.logIn()
            var headers = staff.json()
            headers[.contentType] = "text/plain"
            try await client.execute(uri: "/api/packages", method: .post, headers: headers, body: ByteBuffer(string: "PK")) { response in
                #expect(response.status == .unsupportedMediaType)
            }
            try await client.execute(uri: "/tours/upload", method: .post, headers: staff.form,
                                     body: ByteBuffer(string: "csrf=\(staff.csrf)&package=x")) { #expect($0.status == .unsupportedMediaType) }
            // multipart without a boundary is no form either.
            try await client.execute(uri: "/tours/upload", method: .post, headers: [.cookie: staff.cookie, .contentType: "multipart/form-data"],
                                     body: ByteBuffer(string: "x")) { #expect($0.status == .unsupportedMediaType) }
        }
    }

    @Test func aCorruptPackageIsRefusedInPlainWordsInEitherLanguage() async throws {
        let rig = try WebRig(daemon: false)
        let shop = try PackageShop(trustedKeys: rig.trustedKeys)
        let whole = try Data(contentsOf: try shop.package(version: "1"))
        try await rig.application().test(.router) { client in
            let staff = try await client.logIn()
            // Half a download, and something that is no zip at all.
            for body in [whole.prefix(whole.count / 2), Data("not a package".utf8)] {
                let (status, answer) = try await client.upload(ByteBuffer(data: body), as: staff)
                #expect(status == .unprocessableContent)
                #expect(answer.reason == "not_a_package")
                #expect(answer.error == "This file is not a tour package, or it is broken (a damaged or incomplete copy).")
                #expect(answer.detail?.contains("not a zip file") == true)
            }
            let (status, answer) = try await client.upload(ByteBuffer(data: whole.prefix(1000)), as: staff,
                                                           headers: [.acceptLanguage: "ru-RU,ru;q=0.9"])
            #expect(status == .unprocessableContent)
            #expect(answer.error == "Этот файл не пакет экскурсии или он повреждён (испорченная или неполная копия).")
            // The form shows the same on the Tours page.
            let form = MultipartBody(parts: [("csrf", nil, Data(staff.csrf.utf8)), ("package", "dvor.audiogid", whole.prefix(5000))])
            let response = try await client.formUpload(form, as: staff)
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("The package was not installed, and nothing on the kiosk changed."))
            #expect(response.text.contains("This file is not a tour package"))
            // An empty upload, and a form cut off before its end.
            #expect(try await client.upload(ByteBuffer(), as: staff).1.reason == "no_file")
            let cut = try await client.formUpload(form, as: staff, closed: false)
            #expect(cut.status == .badRequest)
            #expect(cut.text.contains("The upload did not arrive whole"))
            #expect(rig.installedDvor == nil)
            #expect(rig.uploadsLeft.isEmpty)
        }
    }

    @Test func aBadSignatureAnUnknownSignerAndNoSignatureAreRefused() async throws {
        let rig = try WebRig(daemon: false)
        let shop = try PackageShop(trustedKeys: rig.trustedKeys)
        let tampered = try shop.tampered(try shop.package(version: "1"))
        let stranger = try shop.package(version: "1", signer: MinisignSecretKey.generate())
        let unsigned = try shop.package(version: "1", signed: false)
        try await rig.application().test(.router) { client in
            let staff = try await client.logIn()
            for (package, reason, words) in [
                (tampered, "bad_signature", "The signature does not match: the package was changed or damaged after it was signed."),
                (stranger, "unknown_signer", "The package is signed by someone this kiosk does not trust. Ask whoever looks after the kiosk to add their key."),
                (unsigned, "unsigned", "The package is not signed, and this kiosk accepts only signed packages."),
            ] {
                let (status, answer) = try await client.upload(try PackageShop.bytes(package), as: staff)
                #expect(status == .unprocessableContent, "\(reason)")
                #expect(answer.reason == reason)
                #expect(answer.error == words)
            }
            #expect(rig.installedDvor == nil)
            #expect(!FileManager.default.fileExists(atPath: rig.folder.appendingPathComponent("releases/dvor").path))
            #expect(rig.uploadsLeft.isEmpty)
        }
    }

    @Test func aTourWithMistakesIsRefusedWithTheValidatorsFindings() async throws {
        let rig = try WebRig(daemon: false)
        let shop = try PackageShop(trustedKeys: rig.trustedKeys)
        let mistaken = try shop.withMistakes(version: "1")
        try await rig.application().test(.router) { client in
            let staff = try await client.logIn()
            let (status, answer) = try await client.upload(try PackageShop.bytes(mistaken), as: staff)
            #expect(status == .unprocessableContent)
            #expect(answer.reason == "tour_mistakes")
            #expect(answer.error == "The tour in the package has mistakes:")
            #expect(answer.findings?.contains { $0.contains("dvor/03.ru.ogg") } == true, "\(answer.findings ?? [])")
            let form = MultipartBody(parts: [("csrf", nil, Data(staff.csrf.utf8)), ("package", "dvor-1.audiogid", try Data(contentsOf: mistaken))])
            let response = try await client.formUpload(form, as: staff)
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("<ul class=\"findings\"><li><code>"))
            #expect(response.text.contains("dvor/03.ru.ogg"))
            #expect(rig.installedDvor == nil)
            #expect(rig.uploadsLeft.isEmpty)
        }
    }

    @Test func anOlderVersionIsRefusedAsRollbackProtection() async throws {
        let rig = try WebRig(daemon: false)
        let shop = try PackageShop(trustedKeys: rig.trustedKeys)
        let first = try shop.package(version: "1"), second = try shop.package(version: "2")
        try await rig.application().test(.router) { client in
            let staff = try await client.logIn()
            let (installed, answer) = try await client.upload(try PackageShop.bytes(second), as: staff)
            #expect(installed == .ok && answer.daemon == "not_running")
            #expect(answer.message == "Tour dvor version 2 is installed. The player is not running; it takes it up when it starts.")
            let (status, refusal) = try await client.upload(try PackageShop.bytes(first), as: staff)
            #expect(status == .conflict)
            #expect(refusal.reason == "older_version")
            #expect(rig.installedDvor == "2")
        }
    }
}

/// Over real HTTP: the body is written to disk while it arrives, and the cap holds for a body whose length
/// no Content-Length announced (chunked), so a client cannot talk its way past it.
@Suite(.timeLimit(.minutes(3)))
struct UploadStreamingTests {
    @Test func theFileIsOnDiskBeforeTheUploadHasEnded() async throws {
        let rig = try WebRig(daemon: false)
        let shop = try PackageShop(trustedKeys: rig.trustedKeys)
        let bytes = [UInt8](try Data(contentsOf: try shop.package(version: "1")))
        try await rig.application().test(.live) { client in
            let staff = try await client.logIn()
            let connection = try RawHTTP(port: try #require(client.port))
            await connection.send("POST /api/packages?name=dvor-1.audiogid HTTP/1.1\r\nHost: kiosk\r\nCookie: \(staff.cookie)\r\n"
                            + "X-CSRF-Token: \(staff.csrf)\r\nContent-Type: application/octet-stream\r\nContent-Length: \(bytes.count)\r\n\r\n")
            let half = bytes.count / 2
            #expect(await connection.send(Array(bytes[..<half])))
            // Half the package is on the disk while the other half has not been sent.
            let written = await Wait.until(10) {
                rig.uploadsLeft.contains { name in
                    let folder = rig.uploads.appendingPathComponent(name).appendingPathComponent("dvor-1.audiogid")
                    return ((try? FileManager.default.attributesOfItem(atPath: folder.path)[.size] as? Int) ?? 0) == half
                }
            }
            #expect(written)
            #expect(await connection.send(Array(bytes[half...])))
            let answer = await connection.read(within: 20) { $0.contains("\"ok\":true") }
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(300))")
            #expect(rig.installedDvor == "1")
            #expect(rig.uploadsLeft.isEmpty)
        }
    }

    @Test func aChunkedUploadPastTheCapIsCutOffWith413() async throws {
        let rig = try WebRig(daemon: false, uploadLimitMB: 1)
        try await rig.application().test(.live) { client in
            let staff = try await client.logIn()
            let connection = try RawHTTP(port: try #require(client.port))
            await connection.send("POST /api/packages HTTP/1.1\r\nHost: kiosk\r\nCookie: \(staff.cookie)\r\nX-CSRF-Token: \(staff.csrf)\r\n"
                            + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = [UInt8](repeating: 0x50, count: 256 * 1024)
            // Five chunks of 256 KB: past the 1 MB cap in the fifth.
            for _ in 0..<5 { await connection.send(Array("40000\r\n".utf8) + chunk + Array("\r\n".utf8)) }
            await connection.send(Array("0\r\n\r\n".utf8))
            let answer = await connection.read(within: 20) { $0.contains("too_large") }
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(300))")
            #expect(rig.uploadsLeft.isEmpty)
            // A Content-Length that claims more than the cap is refused before a byte is read.
            let claim = try RawHTTP(port: try #require(client.port))
            await claim.send("POST /api/packages HTTP/1.1\r\nHost: kiosk\r\nCookie: \(staff.cookie)\r\nX-CSRF-Token: \(staff.csrf)\r\n"
                       + "Content-Type: application/octet-stream\r\nContent-Length: 5000000000\r\n\r\n")
            #expect(await claim.read(within: 10) { $0.contains("too_large") }.hasPrefix("HTTP/1.1 413"))
        }
    }

    /// An upload the disk cannot hold is refused before a byte is written: here 200 GB, announced under a cap of
    /// 1 TB, on a machine whose disk has less free.
    @Test func anUploadTheDiskCannotHoldIsRefusedWith507() async throws {
        let rig = try WebRig(daemon: false, uploadLimitMB: 1 << 20)
        let announced: Int64 = 200 << 30
        try #require((UploadReceiverFree.bytes(rig.folder) ?? .max) < announced)
        try await rig.application().test(.live) { client in
            let staff = try await client.logIn()
            let connection = try RawHTTP(port: try #require(client.port))
            await connection.send("POST /api/packages HTTP/1.1\r\nHost: kiosk\r\nCookie: \(staff.cookie)\r\nX-CSRF-Token: \(staff.csrf)\r\n"
                                  + "Accept-Language: ru\r\nContent-Type: application/octet-stream\r\nContent-Length: \(announced)\r\n\r\n")
            let answer = await connection.read(within: 10) { $0.contains("disk_full") }
            #expect(answer.hasPrefix("HTTP/1.1 507"), "\(answer.prefix(300))")
            #expect(answer.contains("На диске киоска недостаточно свободного места."))
            #expect(rig.uploadsLeft.isEmpty)
        }
    }
}

/// Free bytes where the rig's data folder is, as statvfs says.
enum UploadReceiverFree {
    static func bytes(_ url: URL) -> Int64? {
        var info = statvfs()
        guard statvfs(url.path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }
}
