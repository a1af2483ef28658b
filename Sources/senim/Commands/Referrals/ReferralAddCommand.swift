import ArgumentParser
import Foundation
import SenimCore

struct ReferralAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Refer a registered client to a service. Prints the referral id.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("client"), help: ArgumentHelp("The client's code.", valueName: "uic"))
    var client: String

    @Option(name: .customLong("service"), help: ArgumentHelp("Service id (e.g. hiv-test, oat, legal-aid).", valueName: "id"))
    var service: String

    @Option(name: .customLong("due"), help: ArgumentHelp("Follow up by this day (YYYY-MM-DD).", valueName: "date"))
    var due: String?

    @Option(name: .customLong("note"), help: ArgumentHelp("A short note (no names, IIN, phone numbers or e-mail).", valueName: "text"))
    var note: String?

    @Option(name: .customLong("point"), help: ArgumentHelp("Trust point id (default: this store's point).", valueName: "id"))
    var point: String?

    @Option(name: .customLong("at"), help: ArgumentHelp("When it happened, for late entry (ISO 8601; default: now; not before 2000-01-01, at most 10 minutes ahead).", valueName: "time"))
    var at: String?

    func validate() throws {
        if let at, Dates.parseInstant(at) == nil { throw ValidationError("--at '\(at)': expected ISO 8601, e.g. 2026-11-23T14:05") }
        if let due, Dates.parseDay(due) == nil { throw ValidationError("--due '\(due)': expected a date YYYY-MM-DD") }
    }

    func run() throws {
        try global.withSession { _, s in
            let e = try s.validator.issueReferral(client: client, service: service, due: due.flatMap(Dates.parseDay),
                                                  note: note, ctx: s.context(site: point, at: try at.map { try TimeCheck.past($0) }), known: s.knows)
            try s.save([e])
            Out.line(s.newID(e.id))
        }
    }
}
