import ArgumentParser
import Foundation
import SenimCore

struct VoidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void",
        abstract: "Cancel a contact, a stock movement (receipt, transfer, write-off, count) or a referral status change.",
        discussion: """
            The record stays in the history, marked voided; counts, stock, reports and DHIS2 leave it out. \
            Outreach workers and psychologists void their own records within the correction window \
            (7 days unless Config/catalogue.json limits.correctionWindowDays says otherwise); coordinators \
            any record. A void cannot be undone: record the contact again if it was voided by mistake.
            Example: senim void 1a2b3c4d5e --reason duplicate
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The record's id (short form or any unique prefix).", valueName: "id"))
    var id: String

    @Option(name: .customLong("reason"), help: ArgumentHelp("mistake, duplicate, wrong-client, test or other.", valueName: "reason"))
    var reason: AmendReason

    @Option(name: .customLong("note"), help: ArgumentHelp("Why, in a few words (optional; no names, IIN, phone numbers or e-mail).", valueName: "text"))
    var note: String?

    func run() throws {
        try global.withSession { env, s in
            let rid = try Amending.resolve(id, s, env, kind: env.t("cli.kind.record"))
            let target = s.ledger.amendTarget(rid)
            let e = try s.validator.void(target, idText: id, reason: reason, note: note, ctx: s.context(site: nil, at: nil))
            try s.save([e])
            let kind = target.map { env.strings.has("cli.kind." + $0.kind) ? env.t("cli.kind." + $0.kind) : $0.kind } ?? ""
            Out.line(env.t("cli.void.done", s.shortID(rid), kind, env.t("cli.reason." + reason.rawValue)))
        }
    }
}
