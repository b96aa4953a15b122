import ArgumentParser
import AudiogidStore
import Foundation

extension StatisticsReport.Format: ExpressibleByArgument {}

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Plays per stop, language, source, day and month from the kiosk's play log.",
        discussion: "Reads the data folder's database (--data, as the daemon) or a copy taken off a kiosk (--db).")

    @Option(name: .long, help: "Data folder holding audiogid.sqlite.")
    var data: String?
    @Option(name: .long, help: "A database file, e.g. a copy taken off the kiosk.")
    var db: String?
    @Option(name: .long, help: "First day, YYYY-MM-DD (inclusive).")
    var from: String?
    @Option(name: .long, help: "Last day, YYYY-MM-DD (inclusive).")
    var to: String?
    @Option(name: .long, help: "Only this tour.")
    var tour: String?
    @Option(name: .long, help: "table, csv, json or svg.")
    var format: StatisticsReport.Format = .table
    @Option(name: [.short, .long], help: "Write to this file instead of standard output.")
    var output: String?

    func validate() throws {
        if data != nil && db != nil { throw ValidationError("give --data or --db, not both") }
    }

    func run() throws {
        let path = db ?? ((data ?? ".") as NSString).appendingPathComponent(KioskStore.fileName)
        do {
            let store = try KioskStore(readingOnly: path)
            let statistics = try store.statistics(from: from, to: to, tourID: tour)
            let text = StatisticsReport.render(statistics, as: format, title: tour.map { "Audiogid plays: \($0)" } ?? "Audiogid plays")
            if let output {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } else {
                print(text, terminator: "")
            }
        } catch {
            FileHandle.standardError.write(Data("audiogid stats: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
