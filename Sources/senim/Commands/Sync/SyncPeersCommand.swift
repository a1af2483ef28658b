import ArgumentParser
import Foundation
import SenimCore

struct SyncPeersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "peers", abstract: "List trusted peers.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    struct JSONPeers: Encodable {
        struct Peer: Encodable {
            var name: String
            var key: String
            var fingerprint: String
            var bundlesSent: Int
            var acknowledged: Int
            var bundlesImported: Int
            var missing: [Int]
            @Nullable var lastExportAt: String?
            @Nullable var lastImportAt: String?
        }
        var peers: [Peer]
    }

    func run() throws {
        try global.withReadSession { env, s in
            let peers = try SyncBridge.peers(s)
            if output.json {
                return try Out.json(JSONPeers(peers: peers.map {
                    .init(name: $0.name, key: $0.key, fingerprint: $0.fingerprint, bundlesSent: Int($0.bundlesSent),
                          acknowledged: Int($0.acknowledged), bundlesImported: $0.bundlesImported,
                          missing: $0.missing.map { Int($0) }, lastExportAt: $0.lastExportAt.map(Dates.iso),
                          lastImportAt: $0.lastImportAt.map(Dates.iso))
                }))
            }
            var t = Table([env.t("cli.col.peer"), env.t("cli.col.fingerprint"), env.t("cli.col.status")])
            for p in peers {
                t.add([p.name, p.fingerprint, env.t("sync.peer.status", p.name, String(p.bundlesSent), String(p.acknowledged),
                                                      String(p.bundlesImported))])
            }
            Out.line(t.render())
        }
    }
}
