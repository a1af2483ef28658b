import ArgumentParser
import Foundation
import SenimCore

/// The statuses a referral can be moved to (it starts as `issued`).
enum ReferralUpdateStatus: String, CaseIterable, ExpressibleByArgument {
    case accompanied, attended, declined, lost
    var status: ReferralStatus { ReferralStatus(rawValue: rawValue)! }
}

struct ReferralUpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Record what happened with a referral.",
        discussion: "If someone elsewhere changed the same referral without knowing of this change, both stay in the history and the referral is flagged as a conflict.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The referral id (or its first 8 hex digits).", valueName: "id"))
    var id: String

    @Option(name: .customLong("status"), help: ArgumentHelp("accompanied, attended, declined or lost.", valueName: "status"))
    var status: ReferralUpdateStatus

    @Option(name: .customLong("note"), help: ArgumentHelp("A short note (no names, IIN, phone numbers or e-mail).", valueName: "text"))
    var note: String?

    @Option(name: .customLong("at"), help: ArgumentHelp("When it happened, for late entry (ISO 8601; default: now; not before 2000-01-01, at most 10 minutes ahead).", valueName: "time"))
    var at: String?

    func validate() throws {
        if let at, Dates.parseInstant(at) == nil { throw ValidationError("--at '\(at)': expected ISO 8601, e.g. 2026-11-23T14:05") }
    }

    func run() throws {
        try global.withSession { env, s in
            let rid = try Render.resolve(id, among: s.ledger.referralOrder, kind: env.t("cli.kind.referral"))
            let e = try s.validator.updateReferral(s.ledger.referrals[rid], idText: id, status: status.status, note: note,
                                                   ctx: s.context(site: nil, at: try at.map { try TimeCheck.past($0) }))
            try s.save([e])
            Out.line(env.t("cli.referral.updated", s.shortID(rid), status.rawValue))
        }
    }
}
