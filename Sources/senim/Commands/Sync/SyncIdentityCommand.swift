import ArgumentParser
import Foundation
import SenimCore

struct SyncIdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity",
        abstract: "Print this store's identity line, to give to a peer for `senim sync trust`.",
        discussion: """
            With --new (coordinators), replace the identity with a fresh one: after a coordinator \
            who held it left, or when a copy of the store made before the identity was sealed to \
            coordinators may have been taken. Every peer must then untrust this store and trust the \
            new line; bundles made for the old key no longer open here.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(name: .customLong("new"), help: "Replace this store's identity with a fresh one (coordinators).")
    var renew = false

    func run() throws {
        try global.withSession { env, s in
            for line in try (renew ? SyncBridge.renewIdentity(s, env: env) : SyncBridge.identity(s, env: env)) { Out.line(line) }
        }
    }
}
