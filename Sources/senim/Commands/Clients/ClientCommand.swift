import ArgumentParser

struct ClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Register, find, show, list, de-duplicate, merge and unmerge client codes.",
        subcommands: [ClientAddCommand.self, ClientFindCommand.self, ClientShowCommand.self,
                      ClientListCommand.self, ClientDuplicatesCommand.self, ClientMergeCommand.self, ClientUnmergeCommand.self])
}
