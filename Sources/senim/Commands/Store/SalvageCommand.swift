import ArgumentParser
import Foundation
import SenimCore

struct SalvageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "salvage",
        abstract: "Copy every readable event of a damaged store into a new store.",
        discussion: "The damaged store is only read. The new folder must not exist or be empty.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("to"), help: ArgumentHelp("The folder for the recovered store.", valueName: "dir"))
    var to: String

    func run() throws {
        let env = try global.environment()
        let dir = global.storeURL
        guard StoreBridge.exists(at: dir) else { throw CLIFailure(Message("cli.store.none", dir.path), .noInput) }
        let target = URL(fileURLWithPath: Runtime.expand(to))
        if StoreBridge.exists(at: target) { throw CLIFailure(Message("cli.store.exists", target.path), .cannotCreate) }
        let user = try global.userName()
        let r = try StoreBridge.salvage(from: dir, to: target, user: user, passphrase: try global.passphrase(for: user),
                                        configuration: env.configuration)
        Out.line(env.t("cli.salvage.done", String(r.events), target.path, r.users.joined(separator: ", ")))
        for s in r.skipped { Out.line(env.t("cli.salvage.skipped", s)) }
    }
}
