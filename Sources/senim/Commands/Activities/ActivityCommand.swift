import ArgumentParser

struct ActivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activity",
        abstract: "Record group activities (information sessions, trainings) with their number of participants.",
        subcommands: [ActivityAddCommand.self])
}
