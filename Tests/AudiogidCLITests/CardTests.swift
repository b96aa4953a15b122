import AudiogidTestSupport
import Foundation
import Testing

/// `audiogid card`: the table card's two QR codes, read back by a real decoder (zbar's zbarimg) from the drawn card.
@Suite(.timeLimit(.minutes(3)))
struct CardTests {
    let folder = URL(fileURLWithPath: "/tmp/agcard-\(UUID().uuidString.prefix(8))")

    init() throws { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }

    /// The texts zbarimg reads off a picture, one per QR code.
    func decoded(_ png: URL) throws -> Set<String> {
        let result = try BuiltTool.runProgram(URL(fileURLWithPath: "/usr/bin/zbarimg"), ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png.path])
        #expect(result.status == 0, "\(result.stderr)")
        return Set(result.stdout.split(separator: "\n").map(String.init))
    }

    @Test func theSVGCardsCodesJoinTheWiFiAndOpenThePage() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let svg = folder.appendingPathComponent("card.svg")
        // A name and password with the characters the WIFI: form escapes.
        let result = try BuiltTool.run(["card", "--tour", "teplokhodik", "--wifi", "Teplokhodik; deck:2", "--password", #"river\"boat,2026"#,
                                        "--url", "http://10.42.0.1/", "-o", svg.path])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOf: svg, encoding: .utf8)
        // One line of instructions in each of the tour's languages.
        #expect(text.contains("xml:lang=\"ru\"") && text.contains("xml:lang=\"zh\"") && text.contains("xml:lang=\"en\""))
        #expect(text.contains("Краеведческий теплоходик"))
        let png = folder.appendingPathComponent("card.png")
        let render = try BuiltTool.runProgram(URL(fileURLWithPath: "/usr/bin/rsvg-convert"), ["-w", "1050", "-o", png.path, svg.path])
        #expect(render.status == 0, "\(render.stderr)")
        #expect(try decoded(png) == [#"WIFI:T:WPA;S:Teplokhodik\; deck\:2;P:river\\\"boat\,2026;;"#, "http://10.42.0.1/"])
    }

    @Test func thePDFCardIsOnePageWithBothCodes() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let pdf = folder.appendingPathComponent("card.pdf")
        let result = try BuiltTool.run(["card", "--tour", "moyo-selo", "--wifi", "Selo", "--url", "http://192.168.4.1:8081/", "-o", pdf.path])
        #expect(result.status == 0, "\(result.stderr)")
        let info = try BuiltTool.runProgram(URL(fileURLWithPath: "/usr/bin/pdfinfo"), [pdf.path]).stdout
        #expect(info.contains("Pages:           1"), "\(info)")
        _ = try BuiltTool.runProgram(URL(fileURLWithPath: "/usr/bin/pdftoppm"), ["-r", "200", "-png", "-singlefile", pdf.path,
                                                                                 folder.appendingPathComponent("page").path])
        // An open network: no password in the code.
        #expect(try decoded(folder.appendingPathComponent("page.png")) == ["WIFI:T:nopass;S:Selo;;", "http://192.168.4.1:8081/"])
    }

    @Test func aBadAddressOrPasswordIsRefusedBeforeDrawing() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("card.svg").path
        let url = try BuiltTool.run(["card", "--tour", "teplokhodik", "--wifi", "Boat", "--url", "10.42.0.1", "-o", out])
        #expect(url.status != 0 && url.stderr.contains("--url"))
        let password = try BuiltTool.run(["card", "--tour", "teplokhodik", "--wifi", "Boat", "--password", "short", "--url", "http://10.42.0.1/", "-o", out])
        #expect(password.status != 0 && password.stderr.contains("8 to 63"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
