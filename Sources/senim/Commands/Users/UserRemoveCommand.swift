import ArgumentParser
import Foundation
import SenimCore

struct UserRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a user's access. Run `senim rekey` afterwards.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user to remove.", valueName: "name"))
    var name: String

    func run() throws {
        try global.withSession { env, s in
            try Policy.require(s.role, .manageUsers)
            try s.removeUser(name: name)
            Out.line(env.t("cli.user.removed", name))
        }
    }
}
