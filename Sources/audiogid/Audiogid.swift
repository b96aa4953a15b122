import ArgumentParser
import Foundation

@main
struct Audiogid: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audiogid",
        abstract: "Offline audio guide: validate and describe tours, plan routes, play stops.",
        // From the VERSION file (the VersionFromFile build plugin).
        version: audiogidVersion,
        subcommands: [ValidateCommand.self, CheckConfigCommand.self, InfoCommand.self, RouteCommand.self, PlayCommand.self,
                      DaemonCommand.self, CtlCommand.self, StatsCommand.self, TriggersCommand.self, GpsCommand.self,
                      NewCommand.self, ExportCommand.self, ImportCommand.self, ImportPlacesCommand.self,
                      ImportAudioCommand.self, NarrateCommand.self, LeafletCommand.self,
                      KeygenCommand.self, PackCommand.self, VerifyCommand.self, InstallCommand.self,
                      RollbackCommand.self, UninstallCommand.self, ListCommand.self,
                      WebCommand.self, PasswdCommand.self, CardCommand.self, DoctorCommand.self]
    )

    /// Runs the command line, mapping usage mistakes to exit status 2 (as `validate` promises staff and scripts)
    /// rather than ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
