import ArgumentParser
import Foundation
import SenimCore

struct ContactShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one contact with its history of corrections and voids.",
        discussion: "The contact is shown as its latest correction says; the history lists the original and every change, with author, time and reason.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    @Argument(help: ArgumentHelp("The contact id (the short form printed by Senim, or any unique prefix).", valueName: "id"))
    var id: String

    struct JSONShow: Encodable {
        struct Change: Encodable {
            var id: String
            var at: String
            var author: String
            var point: String
            /// "corrected" or "voided".
            var action: String
            var reason: String
            @Nullable var note: String?
            /// The whole contact after a correction; null for a void.
            @Nullable var contact: JSONModel.Contact?
        }
        var contact: JSONModel.Contact
        /// The contact as first written; null if it was never corrected or voided.
        @Nullable var original: JSONModel.Contact?
        var history: [Change]
    }

    func run() throws {
        try global.withSession { env, s in
            try Policy.require(s.role, .viewClients)
            let l = s.ledger
            let kind = env.t("cli.kind.contact")
            let cid = try Amending.resolveContact(id, s, env)
            let h = l.amendments[cid]
            let current: JSONModel.Contact
            var original: JSONModel.Contact?
            if let h, let o = h.original, case .contactLogged(let c) = o.body {
                original = JSONModel.contact(o, c, status: "original")
                if let i = l.contactIndex(cid) {
                    current = JSONModel.contact(l, index: i)
                } else {
                    current = JSONModel.contact(o, h.latest ?? c, status: "voided")
                }
            } else if let i = l.contactIndex(cid) {
                current = JSONModel.contact(l, index: i)
            } else {
                throw CLIFailure.refused("cli.id.unknown", PrivacyGuard.echo(id), kind)
            }
            let changes = (h?.changes ?? []).map { a in
                JSONShow.Change(id: a.id.description, at: Dates.iso(a.at), author: a.author, point: a.site,
                                action: a.isVoid ? "voided" : "corrected", reason: a.reason.rawValue, note: a.note,
                                contact: a.correction.map { c in
                                    JSONModel.contact(Event(id: cid, at: h!.original?.at ?? a.at, author: h!.original?.author ?? a.author,
                                                            device: DeviceID(0), site: h!.original?.site ?? a.site, body: .contactLogged(c)),
                                                      c, status: "corrected")
                                })
            }
            if output.json { return try Out.json(JSONShow(contact: current, original: original, history: changes)) }
            let shorts = s.shortIDs()
            let at = Dates.parseInstant(current.at).map { Dates.local(Timestamp($0.timeIntervalSince1970)) } ?? current.at
            Out.line(env.t("cli.contact.header", shorts.short(cid), current.client, at, current.point, current.worker))
            if current.status != "active" { Out.line(env.t("cli.contact.state." + current.status)) }
            Out.line(env.t("cli.contact.itemsLine", current.items.isEmpty ? "–" : current.items.map {
                "\(Amending.name($0.item, env)) \($0.quantity)" }.joined(separator: ", ")))
            if !current.services.isEmpty {
                Out.line(env.t("cli.contact.servicesLine", current.services.map { Amending.name($0, env) }.joined(separator: ", ")))
            }
            if let o = current.overdose {
                let extra = ([current.overdoseKind.map { env.t("overdose.kind." + $0) }] + current.whoCame.map { env.t("overdose.responder." + $0) })
                    .compactMap { $0 }
                Out.line(env.t("cli.contact.overdoseLine", ([Amending.name(o, env)] + extra).joined(separator: ", ")))
            }
            if !current.results.isEmpty {
                Out.line(env.t("cli.contact.resultsLine", current.results.map {
                    "\(Amending.name($0.service, env)): \(env.t("test.result." + $0.result))" }.joined(separator: ", ")))
            }
            if let n = current.note { Out.line(env.t("cli.contact.noteLine", n)) }
            if let h {
                Out.line()
                for line in Amending.historyLines(h, env) { Out.line("  " + line) }
            }
        }
    }
}
