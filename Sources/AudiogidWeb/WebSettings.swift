import AudiogidMessages
import AudiogidCore
import AudiogidManifest
import Foundation
import Yams

/// What a staff member may do on the page: a viewer looks, staff also play, switch tours and set the clock.
public enum WebRole: String, Sendable, CaseIterable, Codable {
    case viewer, staff
}

/// One login of the web page: a bcrypt hash (made by `audiogid passwd`) and a role.
public struct WebUser: Sendable, Equatable {
    public var name: String
    public var passwordHash: String
    public var role: WebRole

    public init(name: String, passwordHash: String, role: WebRole) {
        self.name = name
        self.passwordHash = passwordHash
        self.role = role
    }
}

/// kiosk.yaml's `web:` section. The daemon accepts the section and ignores it; only `audiogid web` reads it.
public struct WebSettings: Sendable, Equatable {
    public static let defaultListen = "0.0.0.0:8080"

    public var host: String
    public var port: Int
    public var users: [String: WebUser]
    public var uploadLimitBytes: Int
    /// The public page for visitors' phones (`web.visitors`), on its own listener; nil when not served.
    public var visitors: VisitorSettings?

    public init(listen: String = WebSettings.defaultListen, users: [String: WebUser] = [:], uploadLimitMB: Int = 200) {
        (host, port) = Self.split(listen) ?? ("0.0.0.0", 8080)
        self.users = users
        self.uploadLimitBytes = uploadLimitMB << 20
    }

    static let keys = ["listen", "users", "upload_limit_mb", "visitors"]
    static let userKeys = ["password", "role"]

    /// `HOST:PORT`, `[V6]:PORT` or `:PORT`.
    static func split(_ listen: String) -> (String, Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    /// Reads the `web:` section of a composed kiosk.yaml with the project's strict reader: unknown keys, a
    /// malformed hash or an unknown role are findings naming the file, line and dotted key.
    public static func read(_ document: YAMLDocument) -> (WebSettings, [Finding]) {
        var yaml = StrictYAML(file: document.file, naming: .dotted)
        var settings = WebSettings()
        guard let section = document.root?.mapping?.first(where: { $0.key.scalar?.string == "web" })?.value else { return (settings, []) }
        guard let fields = yaml.fields(section, allowed: keys, path: "web") else { return (settings, yaml.findings) }
        if let node = fields["listen"], let text = yaml.string(node, field: "web.listen", allowEmpty: false) {
            if let (host, port) = split(text) { (settings.host, settings.port) = (host, port) }
            else { yaml.invalid(node, field: "web.listen", "must be HOST:PORT, like \"0.0.0.0:8080\", found '\(text)'") }
        }
        if let node = fields["upload_limit_mb"], let mb = yaml.int(node, field: "web.upload_limit_mb", in: 1...4096) {
            settings.uploadLimitBytes = mb << 20
        }
        if let node = fields["visitors"] { settings.visitors = VisitorSettings.read(node, yaml: &yaml) }
        if let node = fields["users"] {
            if let mapping = node.mapping {
                for (key, value) in mapping {
                    guard let name = key.scalar?.string, isUserName(name) else {
                        yaml.invalid(key, field: "web.users", "a user name is letters, digits, '.', '_' or '-', found '\(key.scalar?.string ?? "?")'")
                        continue
                    }
                    let path = "web.users.\(name)"
                    guard let user = yaml.fields(value, allowed: userKeys, path: path) else { continue }
                    guard let hashNode = user["password"] else {
                        yaml.missing(at: value, field: "\(path).password", "\(path): needs 'password' (a bcrypt hash from `audiogid passwd`)")
                        continue
                    }
                    guard let hash = yaml.string(hashNode, field: "\(path).password", allowEmpty: false) else { continue }
                    guard isBcryptHash(hash) else {
                        yaml.invalid(hashNode, field: "\(path).password",
                                     "must be a bcrypt hash ($2b$...), not a password: make one with `audiogid passwd`")
                        continue
                    }
                    var role = WebRole.viewer
                    if let roleNode = user["role"] {
                        guard let chosen = yaml.choice(roleNode, WebRole.self, field: "\(path).role") else { continue }
                        role = chosen
                    }
                    settings.users[name] = WebUser(name: name, passwordHash: hash, role: role)
                }
            } else if node.null == nil {
                yaml.invalid(node, field: "web.users", "must be a map of NAME: {password: BCRYPT, role: staff|viewer}")
            }
        }
        return (settings, yaml.findings)
    }

    static func isUserName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    /// `$2a$`, `$2b$` or `$2y$`, a two-digit cost, and 53 characters of bcrypt's base-64.
    static func isBcryptHash(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 60, text.hasPrefix("$2"), "aby".utf8.contains(bytes[2]), bytes[3] == UInt8(ascii: "$"),
              bytes[6] == UInt8(ascii: "$"), let cost = Int(String(text.dropFirst(4).prefix(2))), (4...31).contains(cost) else { return false }
        return true
    }

    /// What `audiogid web` says when kiosk.yaml has no users: there is no default password.
    public static let noUsersMessage = """
        no users in kiosk.yaml's web.users, and the page has no default password.
        Add one: run `audiogid passwd --user NAME --role staff`, type the password twice, and paste the lines it prints
        under `web:` in kiosk.yaml.
        """
}
