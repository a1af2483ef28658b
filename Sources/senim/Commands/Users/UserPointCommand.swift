import ArgumentParser
import Foundation
import SenimCore

struct UserPointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "point",
        abstract: "Set the trust point a user works at (coordinators).",
        discussion: """
            What the user records is recorded at that point (unless a command's --point says \
            otherwise) and their contacts default to its contact type. Users never given one work \
            at this store's point.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user's name.", valueName: "name"))
    var name: String

    @Argument(help: ArgumentHelp("A trust point id from points.json.", valueName: "point"))
    var point: String

    func run() throws {
        try global.withSession { env, s in
            try Policy.require(s.role, .manageUsers)
            guard s.users().contains(where: { $0.name == name }) else {
                throw Message("cli.user.unknown", String(PrivacyGuard.echo(name).prefix(40)))
            }
            let e = try s.validator.setUserPoint(name, point: point, ctx: s.context(site: nil, at: nil))
            try s.save([e])
            Out.line(env.t("cli.user.pointSet", name, env.configuration.points.point(point)?.names[env.language] ?? point))
        }
    }
}
