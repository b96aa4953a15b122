import AudiogidMessages
import AudiogidCore
/// The login form; `message` says why the last try failed.
struct LoginPage {
    var message: String?

    func render(_ l: Language) -> String {
        let e = Markup.escape
        var body = ""
        if let message { body += "<p class=\"warning\" role=\"alert\">\(e(message))</p>" }
        body += """
            <form method="post" action="/login" class="login">
            <label>\(e(l[.userName])) <input name="user" autocomplete="username" required autofocus></label>
            <label>\(e(l[.password])) <input name="password" type="password" autocomplete="current-password" required></label>
            <button>\(e(l[.logIn]))</button>
            </form>
            """
        return HTML.page(l[.logIn], active: "login", language: l, session: nil, body: body)
    }
}
