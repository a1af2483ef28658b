import ArgumentParser
import Foundation
import SenimCore

struct SyncUntrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "untrust",
        abstract: "Stop trusting a peer store: its bundles are refused from now on (coordinators).",
        discussion: """
            Removes the peer from the trust list and forgets what this store knew about the exchange \
            with it. Events already imported from it stay. When a peer's key changed (a new laptop, a \
            lost one), untrust its old key, compare the new fingerprint by voice, then trust it again.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The peer's name in the trust list (see `senim sync peers`).", valueName: "name"))
    var name: String

    func run() throws {
        try global.withSession { env, s in
            Out.line(try SyncBridge.untrust(s, name: name, env: env))
        }
    }
}
