import ArgumentParser
import Foundation
import SenimCore

struct UserAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a user with their own passphrase.",
        discussion: """
            The new user's passphrase comes from --new-passphrase-file, else it is asked twice on the \
            terminal. It is a one-time passphrase: at their first sign-in the new user must choose \
            their own (`senim passwd`, or the TUI asks), and every other command refuses with exit \
            status 77 until they do. A new peer psychologist gets access to confidential notes only \
            when a psychologist who holds the key grants it (`senim notes grant NAME`).
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The new user's name (1–32 letters, digits, '.', '_' or '-').", valueName: "name"))
    var name: String

    @Option(name: .customLong("role"), help: ArgumentHelp("worker, psychologist or coordinator.", valueName: "role"))
    var role: Role

    @Option(name: .customLong("point"), help: ArgumentHelp("The trust point they work at (their default site and contact type; default: this store's).", valueName: "id"))
    var point: String?

    @Option(name: .customLong("new-passphrase-file"), help: ArgumentHelp("Read the new user's passphrase from this file.", valueName: "file"))
    var newPassphraseFile: String?

    func run() throws {
        try global.withSession { env, s in
            try Policy.require(s.role, .manageUsers)
            try PrivacyGuard.require(name)
            guard Validator.isValidUserName(name) else { throw Message("validate.user.name", String(PrivacyGuard.echo(name).prefix(40))) }
            // The point is checked before anything is written; recorded right after the account.
            let pointEvent = try point.map { p throws(Message) in try s.validator.setUserPoint(name, point: p, ctx: s.context(site: nil, at: nil)) }
            let pass = try global.newPassphrase(file: newPassphraseFile, allowOwn: false, for: name)
            try s.addUser(name: name, role: role, passphrase: pass, testingKDF: Runtime.testingKDF, oneTime: true)
            if let e = pointEvent { try s.save([e]) }
            Out.line(env.t("cli.user.added", name, env.t("role." + role.rawValue)))
        }
    }
}
