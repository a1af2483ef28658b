import ArgumentParser

struct IncidentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Record rights violations near trust points (police stops, confiscated syringes, detentions…).",
        subcommands: [IncidentAddCommand.self])
}
