import ArgumentParser
import Foundation
import SenimCore

struct ReferralShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a referral with its history.",
        discussion: "Peer psychologists see the confidential notes decrypted; nothing about them (not even whether there are any) is shown to other roles.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    @Argument(help: ArgumentHelp("The referral id (or its first 8 hex digits).", valueName: "id"))
    var id: String

    struct JSONShow: Encodable {
        struct Change: Encodable {
            var id: String
            var at: String
            var author: String
            var point: String
            var status: String
            @Nullable var note: String?
            /// Cancelled by `senim void`: kept in the history, counts for nothing.
            var voided: Bool
        }
        struct Note: Encodable { var at: String; @Nullable var text: String? }
        var referral: JSONModel.Referral
        var history: [Change]
        /// Decrypted for peer psychologists; null for everyone else.
        @Nullable var notes: [Note]?
    }

    func run() throws {
        try global.withReadSession { env, s in
            try Policy.require(s.role, .viewReferrals)
            let rid = try Render.resolve(id, among: s.ledger.referralOrder, kind: env.t("cli.kind.referral"))
            let r = s.ledger.referrals[rid]!
            var notes: [JSONShow.Note]?
            if Policy.allows(s.role, .readConfidentialNotes) {
                notes = zip(r.confidentialNotes, r.confidentialNoteTimes).map { n, at in
                    JSONShow.Note(at: Dates.iso(at), text: try? s.openNote(n.sealed))
                }
            }
            let model = JSONShow(referral: JSONModel.referral(r, role: s.role),
                                 history: r.history.map { .init(id: $0.id.description, at: Dates.iso($0.at), author: $0.author,
                                                                point: $0.site, status: $0.status.rawValue, note: $0.note,
                                                                voided: $0.voided) },
                                 notes: notes)
            if output.json { return try Out.json(model) }
            let service = env.configuration.catalogue.service(r.service)?.names[env.language] ?? r.service
            Out.line(env.t("cli.referral.header", s.shortID(r.id), r.client.code, service))
            Out.line(env.t("cli.referral.issued", Dates.local(r.issuedAt), r.issuedBy, r.site))
            if let d = r.due { Out.line(env.t("cli.referral.due", Dates.dayText(d))) }
            if let n = r.note { Out.line(env.t("cli.referral.note", n)) }
            Out.line(env.t("cli.referral.status", env.t("cli.status." + r.status.rawValue), Dates.local(r.statusAt)))
            if r.conflict { Out.line(env.t("cli.referral.conflict")) }
            for h in r.history {
                Out.line("  \(s.shortID(h.id))  \(Dates.local(h.at))  \(env.t("cli.status." + h.status.rawValue))  \(h.author)@\(h.site)"
                         + (h.note.map { "  " + $0 } ?? "") + (h.voided ? "  (" + env.t("cli.contact.voidedMark") + ")" : ""))
                if let amended = s.ledger.amendments[h.id] {
                    for line in Amending.historyLines(amended, env) { Out.line("      " + line) }
                }
            }
            if let notes {
                for n in notes {
                    let at = Dates.parseInstant(n.at).map { Dates.local(Timestamp($0.timeIntervalSince1970)) } ?? n.at
                    Out.line(env.t("cli.referral.confidential", at, n.text ?? env.t("cli.referral.unreadable")))
                }
            }
        }
    }
}
