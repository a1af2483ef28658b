import ArgumentParser

struct ClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Register, find, show, list and merge client codes.",
        subcommands: [ClientAddCommand.self, ClientFindCommand.self, ClientShowCommand.self,
                      ClientListCommand.self, ClientMergeCommand.self])
}
