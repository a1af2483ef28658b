import ArgumentParser
import Foundation
import SenimCore

extension IncidentKind: ExpressibleByArgument {}

struct IncidentAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Record a rights-violation incident (anonymous; reports show only suppressed counts).",
        discussion: """
            Kinds: police-stop, syringes-confiscated, detention, forced-drug-test, violence, service-refused. \
            The code is optional; the note goes through the same privacy check as every note (no names, IIN, \
            phone numbers or e-mail).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("What happened.", valueName: "kind"))
    var kind: IncidentKind

    @Option(help: ArgumentHelp("The client's code, if the person agrees to link it.", valueName: "uic"))
    var client: String?

    @Option(name: .customLong("point"), help: ArgumentHelp("Trust point id (default: this store's point).", valueName: "id"))
    var point: String?

    @Option(name: .customLong("at"), help: ArgumentHelp("When it happened (ISO 8601; default: now).", valueName: "time"))
    var at: String?

    @Option(help: ArgumentHelp("A short note (no names, IIN, phone numbers or e-mail).", valueName: "text"))
    var note: String?

    func validate() throws {
        if let at, Dates.parseInstant(at) == nil { throw ValidationError("--at '\(at)': expected ISO 8601, e.g. 2026-11-23T14:05") }
    }

    func run() throws {
        try global.withSession { env, s in
            let when = try at.map { try TimeCheck.past($0) }
            let e = try s.validator.recordIncident(kind: kind, client: client, note: note, ctx: s.context(site: point, at: when),
                                                   known: s.knows)
            try s.save([e])
            Out.line(s.shortID(e.id))
        }
    }
}
