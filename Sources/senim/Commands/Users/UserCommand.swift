import ArgumentParser

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the users of this store (coordinators).",
        subcommands: [UserAddCommand.self, UserListCommand.self, UserPointCommand.self, UserRemoveCommand.self, UserResetCommand.self])
}
