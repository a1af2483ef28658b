import ArgumentParser
import Foundation
import SenimCore

struct PasswdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Change your passphrase (asks for the current one).",
        discussion: """
            The current passphrase is the one you sign in with (--passphrase-file, $SENIM_PASSPHRASE \
            or the terminal prompt); the command refuses without it. An account created or reset by \
            a coordinator starts with a one-time passphrase: this is the only command it may run \
            until it has chosen its own (every other command exits with status 77). Backups made \
            earlier still open with the old passphrase.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("new-passphrase-file"), help: ArgumentHelp("Read the new passphrase from this file (else asked twice on the terminal).", valueName: "file"))
    var newPassphraseFile: String?

    func run() throws {
        let (env, s, current) = try global.openSession(allowOneTime: true)
        defer { s.close() }
        let new = try global.newPassphrase(file: newPassphraseFile, allowOwn: false, for: s.user)
        try s.changePassphrase(from: current, to: new, testingKDF: Runtime.testingKDF)
        Out.line(env.t("cli.passwd.done", s.user))
    }
}
