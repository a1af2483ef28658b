import ArgumentParser

struct ContactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact",
        abstract: "Log and list client contacts.",
        subcommands: [ContactAddCommand.self, ContactListCommand.self])
}
