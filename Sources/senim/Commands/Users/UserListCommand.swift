import ArgumentParser
import Foundation
import SenimCore

struct UserListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the users of this store.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    struct JSONUsers: Encodable {
        struct User: Encodable { var name: String; var role: String }
        var users: [User]
    }

    func run() throws {
        try global.withReadSession { env, s in
            let users = s.users()
            if output.json {
                try Out.json(JSONUsers(users: users.map { .init(name: $0.name, role: $0.role.rawValue) }))
                return
            }
            var t = Table([env.t("cli.col.user"), env.t("cli.col.role")])
            for u in users { t.add([u.name, env.t("role." + u.role.rawValue)]) }
            Out.line(t.render())
        }
    }
}
