import ArgumentParser

@main
struct Audiogid: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audiogid",
        abstract: "Offline audio guide: validate and describe tours, plan routes, play stops.",
        subcommands: [ValidateCommand.self, InfoCommand.self, RouteCommand.self, PlayCommand.self]
    )
}
