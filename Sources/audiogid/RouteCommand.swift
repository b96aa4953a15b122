import ArgumentParser

struct RouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "route", abstract: "Not yet built.")
    func run() async throws { throw ValidationError("'route' is not built yet") }
}
