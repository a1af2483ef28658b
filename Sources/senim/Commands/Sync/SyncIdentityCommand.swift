import ArgumentParser
import Foundation
import SenimCore

struct SyncIdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity",
        abstract: "Print this store's identity line, to give to a peer for `senim sync trust`.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.withSession { env, s in
            for line in try SyncBridge.identity(s, env: env) { Out.line(line) }
        }
    }
}
