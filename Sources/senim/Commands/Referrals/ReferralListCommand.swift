import ArgumentParser
import Foundation
import SenimCore

struct ReferralListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List referrals in the order they were issued.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    @Option(name: .customLong("status"), help: ArgumentHelp("Only this status: issued, accompanied, attended, declined or lost.", valueName: "status"))
    var status: ReferralStatus?

    @Flag(name: .customLong("open"), help: "Only referrals still open (issued or accompanied).")
    var open = false

    @Option(name: .customLong("due-before"), help: ArgumentHelp("Only open referrals due before this day (YYYY-MM-DD).", valueName: "date"))
    var dueBefore: String?

    @Option(name: .customLong("client"), help: ArgumentHelp("Only this client's referrals.", valueName: "uic"))
    var client: String?

    func validate() throws {
        if let dueBefore, Dates.parseDay(dueBefore) == nil { throw ValidationError("--due-before '\(dueBefore)': expected a date YYYY-MM-DD") }
    }

    struct JSONReferrals: Encodable { var referrals: [JSONModel.Referral] }

    func run() throws {
        try global.withReadSession { env, s in
            try Policy.require(s.role, .viewReferrals)
            var list = s.ledger.referralList
            if let status { list = list.filter { $0.status == status } }
            if open { list = list.filter { !$0.status.isClosed } }
            if let d = dueBefore.flatMap(Dates.parseDay) { list = list.filter { !$0.status.isClosed && ($0.due.map { $0 < d } ?? false) } }
            if let client {
                let code = try s.validator.uic(client)
                let target = s.canonical(code)
                list = list.filter { s.canonical($0.client) == target }
            }
            let models = list.map { JSONModel.referral($0, role: s.role) }
            if output.json { return try Out.json(JSONReferrals(referrals: models)) }
            Self.printTable(models, env: env, shorts: s.shortIDs())
        }
    }

    static func printTable(_ list: [JSONModel.Referral], env: CLIEnvironment, shorts: ShortIDs? = nil) {
        var t = Table([env.t("cli.col.id"), env.t("cli.col.issued"), env.t("cli.col.code"), env.t("cli.col.service"),
                       env.t("cli.col.status"), env.t("cli.col.due"), env.t("cli.col.point"), env.t("cli.col.note")])
        let today = Dates.today()
        for r in list {
            let issued = Dates.parseInstant(r.issuedAt).map { Dates.local(Timestamp($0.timeIntervalSince1970)) } ?? r.issuedAt
            var status = env.t("cli.status." + r.status)
            if r.conflict { status += " " + env.t("cli.referral.conflictMark") }
            var due = r.due ?? ""
            if let d = r.due.flatMap(Dates.parseDay), d < today, !(ReferralStatus(rawValue: r.status)?.isClosed ?? true) {
                due += " " + env.t("cli.referral.overdue")
            }
            var note = r.note ?? ""
            if let n = r.confidentialNotes, n > 0 { note += (note.isEmpty ? "" : " ") + env.t("cli.referral.hasNotes", String(n)) }
            t.add([EventID(r.id).flatMap { shorts?.short($0) } ?? String(r.id.prefix(8)), issued, r.client, r.service, status, due, r.point, note])
        }
        Out.line(t.render())
        Out.line(env.t("cli.count.referrals", String(list.count)))
    }
}
