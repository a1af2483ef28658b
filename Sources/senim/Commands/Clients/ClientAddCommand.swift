import ArgumentParser
import Foundation
import SenimCore

struct ClientAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Register a client code.",
        discussion: "Codes one typo away (same sex and birth year) are listed as a warning: check they are not the same person.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The client's code (UIC).", valueName: "uic"))
    var uic: String

    func run() throws {
        try global.withSession { env, s in
            let ctx = s.context(site: nil, at: nil)
            let e = try s.validator.registerClient(uic, ctx: ctx, known: s.knows)
            guard case .clientRegistered(let code) = e.body else { return }
            let near = s.nearDuplicates(code)
            try s.save([e])
            Out.line(code.code)
            if !near.isEmpty { Out.error(env.t("cli.client.similar", near.map(\.code).joined(separator: ", "))) }
        }
    }
}
