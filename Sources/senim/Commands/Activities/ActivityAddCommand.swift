import ArgumentParser
import Foundation
import SenimCore

extension ActivityKind: ExpressibleByArgument {}

struct ActivityAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Record an information session or training (a participant count, no codes).")

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("information-session or training.", valueName: "kind"))
    var kind: ActivityKind

    @Option(help: ArgumentHelp("How many people took part (1–10000).", valueName: "n"))
    var participants: Int

    @Option(name: .customLong("point"), help: ArgumentHelp("Trust point id (default: this store's point).", valueName: "id"))
    var point: String?

    @Option(name: .customLong("at"), help: ArgumentHelp("When it took place (ISO 8601; default: now).", valueName: "time"))
    var at: String?

    func validate() throws {
        if let at, Dates.parseInstant(at) == nil { throw ValidationError("--at '\(at)': expected ISO 8601, e.g. 2026-11-23T14:05") }
    }

    func run() throws {
        try global.withSession { env, s in
            let when = try at.map { try TimeCheck.past($0) }
            let e = try s.validator.recordActivity(kind: kind, participants: participants, ctx: s.context(site: point, at: when))
            try s.save([e])
            Out.line(s.shortID(e.id))
        }
    }
}
