import ArgumentParser
import Foundation
import SenimCore

struct ClientUnmergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unmerge",
        abstract: "Undo a merge: the code counts as its own person again (coordinators).",
        discussion: "The merge stays in the history. Its contacts count for this code again in reports from now on, for every period.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The code that was merged into another one.", valueName: "uic"))
    var code: String

    func run() throws {
        try global.withSession { env, s in
            let e = try s.validator.unmergeClient(code, ctx: s.context(site: nil, at: nil), known: s.knows,
                                                  mergedInto: s.mergedInto)
            let was = s.mergedInto(try s.validator.uic(code))
            try s.save([e])
            if case .clientUnmerged(let u) = e.body { Out.line(env.t("cli.client.unmerged", u.code, was?.code ?? "?")) }
        }
    }
}
