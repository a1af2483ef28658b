import ArgumentParser
import Foundation
import SenimCore

struct NotesHoldersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holders",
        abstract: "List the peer psychologists: who holds the confidential-notes key, who waits for it, and their key fingerprints.",
        discussion: "Peer psychologists and coordinators. Shows your own key fingerprint first, to read aloud.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    struct JSONHolders: Encodable {
        struct Account: Encodable {
            var name: String
            /// "holds", "waiting" or "oneTimePassphrase".
            var access: String
            @Nullable var createdBy: String?
            @Nullable var createdAt: String?
            var fingerprint: String
        }
        var you: String
        var yourFingerprint: String
        var accounts: [Account]
    }

    static func access(_ a: NotesAccount) -> String { a.holdsKey ? "holds" : a.mustChangePassphrase ? "oneTimePassphrase" : "waiting" }

    func run() throws {
        try global.withSession { env, s in
            let accounts = try s.notesAccounts()
            let model = JSONHolders(you: s.user, yourFingerprint: s.keyFingerprint, accounts: accounts.map {
                .init(name: $0.name, access: Self.access($0), createdBy: $0.createdBy.isEmpty ? nil : $0.createdBy,
                      createdAt: $0.createdAt == 0 ? nil : Dates.iso(Timestamp($0.createdAt)), fingerprint: $0.fingerprint)
            })
            if output.json { return try Out.json(model) }
            Out.line(env.t("cli.notes.yourFingerprint", s.user, s.keyFingerprint))
            var t = Table([env.t("cli.col.user"), env.t("cli.col.access"), env.t("cli.col.createdBy"), env.t("cli.col.fingerprint")])
            for a in accounts {
                let created = a.createdBy.isEmpty ? "—" : a.createdBy + (a.createdAt == 0 ? "" : " " + Dates.local(Timestamp(a.createdAt)))
                t.add([a.name, env.t("cli.notes.access." + Self.access(a)), created, a.fingerprint])
            }
            Out.line(t.render())
        }
    }
}
