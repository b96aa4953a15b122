import ArgumentParser

struct PlayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "play", abstract: "Not yet built.")
    func run() async throws { throw ValidationError("'play' is not built yet") }
}
