import AudiogidCore
import Foundation
import Hummingbird

/// The answers to phones' captive-portal checks, so a phone that joins the boat's Wi-Fi opens the visitor page
/// by itself.
///
/// On joining a network each system fetches a known page and compares the answer: Android expects
/// `204 No Content` from `connectivitycheck.gstatic.com/generate_204`, iOS and macOS the word "Success" from
/// `captive.apple.com/hotspot-detect.html`, Windows "Microsoft Connect Test" from
/// `www.msftconnecttest.com/connecttest.txt`. The boat's dnsmasq answers every name with the kiosk's address, so
/// these requests arrive here; a redirect to the visitor page instead tells the phone "sign-in needed", and the
/// phone shows the page. Any other name (a phone's app asking for its own server) is sent to the page as well:
/// there is no internet on board to give it.
struct CaptivePortal: Sendable {
    /// The checks' paths, redirected whatever host they name.
    static let checkPaths: Set<String> = [
        "/generate_204", "/gen_204",                                  // Android, ChromeOS
        "/hotspot-detect.html", "/library/test/success.html",         // iOS, macOS
        "/connecttest.txt", "/redirect", "/ncsi.txt",                 // Windows
        "/canonical.html", "/success.txt",                            // Firefox
    ]

    /// The page's address from kiosk.yaml (`web.visitors.url`), or nil to use the address the request came to.
    var url: String?

    /// Where to send the request: nil when it is for the visitor page itself.
    func redirect(path: String, host: String?, localAddress: String?, localPort: Int?) -> String? {
        let name = Self.hostName(host)
        guard Self.checkPaths.contains(path) || !isOwn(name) else { return nil }
        return page(localAddress: localAddress, localPort: localPort, asked: name)
    }

    /// A name is the page's own when it is the configured address's, an IP literal (a phone that typed the
    /// address), `localhost`, or absent (HTTP/1.0).
    func isOwn(_ name: String?) -> Bool {
        guard let name, !name.isEmpty else { return true }
        if let url, let own = URL(string: url)?.host, own.lowercased() == name { return true }
        return name == "localhost" || Self.isIPLiteral(name)
    }

    func page(localAddress: String?, localPort: Int?, asked: String?) -> String {
        if let url { return url }
        let address = localAddress.map { $0.contains(":") ? "[\($0)]" : $0 } ?? "localhost"
        return "http://\(address)\(localPort == nil || localPort == 80 ? "" : ":\(localPort!)")/"
    }

    /// `Host:` without its port, lower-cased.
    static func hostName(_ header: String?) -> String? {
        guard var host = header?.lowercased() else { return nil }
        if host.hasPrefix("[") { return host.split(separator: "]").first.map { String($0.dropFirst()) } }
        if let colon = host.lastIndex(of: ":") { host = String(host[..<colon]) }
        return host
    }

    static func isIPLiteral(_ name: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, name, &v4) == 1 || inet_pton(AF_INET6, name, &v6) == 1
    }

    static func response(to location: String) -> Response {
        // 302, not 301: a phone must not remember the redirect once it is back on a network with internet.
        let body = "<!doctype html><title>Audiogid</title><a href=\"\(Markup.escape(location))\">\(Markup.escape(location))</a>\n"
        return Response(status: .found, headers: [.location: location, .cacheControl: "no-store", .contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: .init(string: body)))
    }
}
