import ArgumentParser
import Foundation
import SenimCore

struct UserResetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Give a user who forgot their passphrase a new one-time passphrase (coordinators).",
        discussion: """
            The user must choose their own passphrase at their next sign-in. A peer psychologist \
            loses access to confidential notes until a psychologist who holds the key grants it \
            again (`senim notes grant NAME`); resetting the last one who holds it needs --force, \
            because every confidential note in this store then becomes unreadable for good.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user whose passphrase is reset.", valueName: "name"))
    var name: String

    @Option(name: .customLong("new-passphrase-file"), help: ArgumentHelp("Read the one-time passphrase from this file (else asked twice on the terminal).", valueName: "file"))
    var newPassphraseFile: String?

    @Flag(name: .customLong("force"), help: "Reset even the last psychologist holding the confidential-notes key.")
    var force = false

    func run() throws {
        try global.withSession { env, s in
            try Policy.require(s.role, .manageUsers)
            if s.wouldLoseLastNotesHolder(name) && !force {
                throw CLIFailure(Message("store.notes.lastHolder", name), .refused)
            }
            let pass = try global.newPassphrase(file: newPassphraseFile, allowOwn: false, for: name)
            try s.resetPassphrase(name: name, to: pass, force: force, testingKDF: Runtime.testingKDF)
            Out.line(env.t("cli.user.reset", name))
        }
    }
}
