import ArgumentParser

struct DevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Developer tools: synthetic data for benchmarks and tests.",
        subcommands: [DevSeedCommand.self, DevHoldLockCommand.self])
}
