import ArgumentParser
import Foundation
import SenimCore

struct UserRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a user's access. Run `senim rekey` afterwards.",
        discussion: """
            Removing the last peer psychologist who holds the confidential-notes key makes every \
            confidential note in this store unreadable for good: the command refuses unless --force.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user to remove.", valueName: "name"))
    var name: String

    @Flag(name: .customLong("force"), help: "Remove even the last psychologist holding the confidential-notes key.")
    var force = false

    func run() throws {
        try global.withSession { env, s in
            try Policy.require(s.role, .manageUsers)
            try s.removeUser(name: name, force: force)
            Out.line(env.t("cli.user.removed", name))
        }
    }
}
