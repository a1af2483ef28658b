import ArgumentParser
import Foundation
import SenimCore

struct ClientMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Record that two codes are the same person (coordinators). The second code survives.",
        discussion: """
            Idempotent: merging codes that are already one person changes nothing and exits 0. Visible in \
            `client show`; contacts of both codes count as one person in reports. `client duplicates` lists likely pairs.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The code to merge away (e.g. the one with a typo).", valueName: "uic-a"))
    var from: String

    @Argument(help: ArgumentHelp("The code that survives.", valueName: "uic-b"))
    var into: String

    func run() throws {
        try global.withSession { env, s in
            if let a = s.validator.formula.parse(from), let b = s.validator.formula.parse(into), a != b,
               s.knows(a), s.knows(b), s.canonical(a) == s.canonical(b) {
                // Already one person: a repeated merge is a no-op, not an error.
                Out.line(env.t("cli.client.alreadyMerged", a.code, b.code))
                return
            }
            let e = try s.validator.mergeClients(from, into: into, ctx: s.context(site: nil, at: nil),
                                                 known: s.knows, canonical: s.canonical)
            try s.save([e])
            if case .clientsMerged(let a, let b) = e.body { Out.line(env.t("cli.client.merged", a.code, b.code)) }
        }
    }
}
