import AudiogidCore
import AudiogidManifest
import Foundation
import Yams

/// kiosk.yaml's `web.visitors`: the public page for visitors' own phones, on a listener of its own.
///
/// A second listener rather than a path on the staff one: the staff page sits behind a login on `web.listen`
/// (often reachable only from the crew's network), while the visitor page is open to anyone on the boat's Wi-Fi
/// and answers on port 80 so that the phones' captive-portal checks reach it. Nothing of the staff page is
/// routed on this listener, so a visitor cannot even reach its login form.
///
///     web:
///       visitors: true                     # 0.0.0.0:80, the page's address taken from each request
///       visitors: {listen: "0.0.0.0:80", url: "http://10.42.0.1/"}
public struct VisitorSettings: Sendable, Equatable {
    public static let defaultListen = "0.0.0.0:80"

    public var host: String
    public var port: Int
    /// Where a phone's captive-portal check is sent (the page as phones on the boat's Wi-Fi reach it); nil to use
    /// the address the check itself arrived on.
    public var url: String?

    public init(listen: String = VisitorSettings.defaultListen, url: String? = nil) {
        (host, port) = WebSettings.split(listen) ?? ("0.0.0.0", 80)
        self.url = url
    }

    static let keys = ["listen", "url"]

    /// `web.visitors` (true, false, or a map of `listen` and `url`); nil when absent or false.
    static func read(_ node: Node, yaml: inout StrictYAML) -> VisitorSettings? {
        if node.scalar != nil {
            guard let on = yaml.bool(node, field: "web.visitors") else { return nil }
            return on ? VisitorSettings() : nil
        }
        guard let fields = yaml.fields(node, allowed: keys, path: "web.visitors") else { return nil }
        var settings = VisitorSettings()
        if let listen = fields["listen"], let text = yaml.string(listen, field: "web.visitors.listen", allowEmpty: false) {
            if let (host, port) = WebSettings.split(text) { (settings.host, settings.port) = (host, port) }
            else { yaml.invalid(listen, field: "web.visitors.listen", "must be HOST:PORT, like \"0.0.0.0:80\", found '\(text)'") }
        }
        if let urlNode = fields["url"], let text = yaml.string(urlNode, field: "web.visitors.url", allowEmpty: false) {
            if let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil {
                settings.url = text.hasSuffix("/") ? text : text + "/"
            } else {
                yaml.invalid(urlNode, field: "web.visitors.url", "must be the page's address, like \"http://10.42.0.1/\", found '\(text)'")
            }
        }
        return settings
    }
}
