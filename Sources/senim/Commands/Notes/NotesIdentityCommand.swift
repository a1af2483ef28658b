import ArgumentParser
import Foundation
import SenimCore

struct NotesIdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity",
        abstract: "Print this store's notes exchange key, for a psychologist at another store to share notes with (psychologists who hold the key).",
        discussion: "Give the line to a psychologist at the other store; compare the fingerprint with them by voice.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.withSession { env, s in
            try Policy.require(s.role, .readConfidentialNotes)
            let id = try s.notesExchangeIdentity()
            Out.line(env.t("cli.notes.identity.line"))
            Out.line(id.line)
            Out.line(env.t("cli.notes.identity.fingerprint", id.fingerprint))
        }
    }
}
