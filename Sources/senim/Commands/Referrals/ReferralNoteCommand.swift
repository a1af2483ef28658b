import ArgumentParser
import Foundation
import SenimCore

struct ReferralNoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Add a confidential note to a referral (peer psychologists only).",
        discussion: "The note is encrypted under the psychologists' notes key before it is saved: only peer psychologists can read it, coordinators included cannot.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The referral id (or its first 8 hex digits).", valueName: "id"))
    var id: String

    @Argument(help: ArgumentHelp("The note (no names, IIN, phone numbers or e-mail).", valueName: "text"))
    var text: String

    func run() throws {
        try global.withSession { env, s in
            try Policy.require(s.role, .writeConfidentialNotes)
            let rid = try Render.resolve(id, among: s.ledger.referralOrder, kind: env.t("cli.kind.referral"))
            let e = try s.validator.confidentialNote(s.ledger.referrals[rid], idText: id, plaintext: text,
                                                     ctx: s.context(site: nil, at: nil), seal: s.sealNote)
            try s.save([e])
            Out.line(env.t("cli.referral.noted", s.shortID(rid)))
        }
    }
}
