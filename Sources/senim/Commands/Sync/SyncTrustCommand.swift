import ArgumentParser
import Foundation
import SenimCore

struct SyncTrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Trust a peer store's identity under a short name.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A short name for the peer (e.g. temirtau).", valueName: "name"))
    var name: String

    @Argument(help: ArgumentHelp("The peer's identity key, as printed by its `senim sync identity`.", valueName: "key"))
    var key: String

    func run() throws {
        try global.withSession { env, s in
            try PrivacyGuard.require(name)
            Out.line(try SyncBridge.trust(s, name: name, key: key, env: env))
        }
    }
}
