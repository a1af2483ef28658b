import ArgumentParser
import Foundation
import SenimCore

struct SyncPeersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "peers", abstract: "List trusted peers.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    struct JSONPeers: Encodable {
        struct Peer: Encodable { var name: String; var key: String }
        var peers: [Peer]
    }

    func run() throws {
        try global.withSession { env, s in
            let peers = try SyncBridge.trusted(s)
            if output.json { return try Out.json(JSONPeers(peers: peers.map { .init(name: $0.name, key: $0.key) })) }
            var t = Table([env.t("cli.col.peer"), env.t("cli.col.key")])
            for p in peers { t.add([p.name, p.key]) }
            Out.line(t.render())
        }
    }
}
