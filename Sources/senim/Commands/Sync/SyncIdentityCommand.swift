import ArgumentParser
import Foundation
import SenimCore

struct SyncIdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity",
        abstract: "Print this store's identity line, to give to a peer for `senim sync trust`.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.withSession { _, s in
            Out.line(try SyncBridge.identityLine(s))
        }
    }
}
