import ArgumentParser
import Foundation
import SenimCore

struct NotesGrantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Give the confidential-notes key to another peer psychologist (psychologists who hold it).",
        discussion: """
            Only after comparing, by voice, the fingerprint `senim notes holders` shows for NAME with \
            the one NAME reads from their own screen; and only once NAME has chosen their own \
            passphrase (an account on a one-time passphrase is refused). Pass --fingerprint to have \
            Senim check it for you.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The psychologist to grant access to.", valueName: "name"))
    var name: String

    @Option(name: .customLong("fingerprint"), help: ArgumentHelp("The fingerprint NAME read to you (xxxx-xxxx-xxxx-xxxx); refused if it differs.", valueName: "fp"))
    var fingerprint: String?

    func run() throws {
        try global.withSession { env, s in
            try Policy.require(s.role, .readConfidentialNotes)
            if let fingerprint {
                let want = fingerprint.lowercased().filter { $0.isHexDigit }
                guard let a = try s.notesAccounts().first(where: { $0.name.lowercased() == name.lowercased() }) else {
                    throw CLIFailure(Message("store.user.notFound", String(name.prefix(40))), .refused)
                }
                guard a.fingerprint.filter({ $0.isHexDigit }) == want else {
                    throw CLIFailure(Message("cli.notes.fingerprintMismatch", a.name, a.fingerprint), .refused)
                }
            }
            try s.grantNotes(to: name)
            Out.line(env.t("cli.notes.granted", name))
        }
    }
}
