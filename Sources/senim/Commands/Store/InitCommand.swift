import ArgumentParser
import Foundation
import SenimCore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new, empty store. The first user is a coordinator.",
        discussion: """
            The new passphrase comes from --passphrase-file or $SENIM_PASSPHRASE, else it is asked \
            twice on the terminal. The folder must not hold a store already (exit 73). \
            For tests only: SENIM_KDF=testing makes key derivation cheap (also for `user add`, \
            `passwd`, `demo`); never use it for a real store.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("point"), help: ArgumentHelp("This store's default trust point id (default: the first in Config/points.json).", valueName: "id"))
    var point: String?

    func run() throws {
        let env = try global.environment()
        let user = try global.userName()
        let dir = global.storeURL
        if StoreBridge.exists(at: dir) { throw CLIFailure(Message("cli.store.exists", dir.path), .cannotCreate) }
        let site = point ?? env.configuration.points.points[0].id
        _ = try env.validator.point(site)
        try PrivacyGuard.require(user)
        guard Validator.isValidUserName(user) else { throw Message("validate.user.name", String(PrivacyGuard.echo(user).prefix(40))) }
        let pass = try global.newPassphrase(file: nil, allowOwn: true, for: user)
        let session = try StoreBridge.create(at: dir, user: user, passphrase: pass, point: site,
                                             configuration: env.configuration, testingKDF: Runtime.testingKDF)
        session.close()
        Out.line(env.t("cli.init.done", dir.path, user, site))
    }
}
