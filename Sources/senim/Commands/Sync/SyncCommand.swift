import ArgumentParser

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Exchange events with other stores by encrypted bundle files (no network, ever).",
        discussion: """
            Each store has an identity (a public key). Trust a peer's identity once, then export bundles \
            for it and import bundles from it, e.g. on a USB stick. Importing is idempotent: a bundle \
            imported twice changes nothing. Coordinators.
            """,
        subcommands: [SyncIdentityCommand.self, SyncTrustCommand.self, SyncUntrustCommand.self, SyncPeersCommand.self,
                      SyncExportCommand.self, SyncImportCommand.self])
}
