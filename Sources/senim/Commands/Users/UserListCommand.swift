import ArgumentParser
import Foundation
import SenimCore

struct UserListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the users of this store.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    struct JSONUsers: Encodable {
        struct User: Encodable { var name: String; var role: String; var point: String }
        var users: [User]
    }

    func run() throws {
        try global.withReadSession { env, s in
            let users = s.users()
            // Each user's own point, else the store's (users added before points existed).
            let point = { (name: String) in s.validator.point(ofUser: name, in: s.ledger, storePoint: s.point) }
            if output.json {
                try Out.json(JSONUsers(users: users.map { .init(name: $0.name, role: $0.role.rawValue, point: point($0.name)) }))
                return
            }
            var t = Table([env.t("cli.col.user"), env.t("cli.col.role"), env.t("cli.col.point")])
            for u in users {
                let p = point(u.name)
                t.add([u.name, env.t("role." + u.role.rawValue), env.configuration.points.point(p)?.names[env.language] ?? p])
            }
            Out.line(t.render())
        }
    }
}
