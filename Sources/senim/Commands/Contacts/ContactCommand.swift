import ArgumentParser

struct ContactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact",
        abstract: "Log, list, show and correct client contacts.",
        subcommands: [ContactAddCommand.self, ContactListCommand.self, ContactShowCommand.self, ContactCorrectCommand.self])
}
