import ArgumentParser
import Foundation
import SenimCore

struct PasswdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Change your passphrase.",
        discussion: "Backups made earlier still open with the old passphrase.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("new-passphrase-file"), help: ArgumentHelp("Read the new passphrase from this file (else asked twice on the terminal).", valueName: "file"))
    var newPassphraseFile: String?

    func run() throws {
        try global.withSession { env, s in
            let new = try global.newPassphrase(file: newPassphraseFile, allowOwn: false, for: s.user)
            try s.changePassphrase(to: new, testingKDF: Runtime.testingKDF)
            Out.line(env.t("cli.passwd.done", s.user))
        }
    }
}
