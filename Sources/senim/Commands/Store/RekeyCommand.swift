import ArgumentParser
import Foundation
import SenimCore

struct RekeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rekey",
        abstract: "Re-encrypt the store under a fresh key (coordinators; do it after removing a user).",
        discussion: """
            Every remaining user keeps their passphrase. Crash-safe. The confidential-notes key is \
            replaced too: the next peer psychologist who holds it and writes a note (or grants \
            access) makes a new one and seals it to the remaining holders; older notes stay readable. \
            Psychologists at other stores need a new `senim notes share` afterwards.
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.withSession { env, s in
            try Policy.require(s.role, .rekey)
            try s.rekey()
            Out.line(env.t("cli.rekey.done"))
        }
    }
}
