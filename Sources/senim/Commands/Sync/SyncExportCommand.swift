import ArgumentParser
import Foundation
import SenimCore
import SenimStore

struct SyncExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a bundle of events for a trusted peer (only that peer can open it).",
        discussion: """
            Coordinators only: the bundle is signed with this store's sync identity, which is sealed \
            to the coordinators' accounts (a worker's passphrase cannot open it). Exit 77 otherwise.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("to"), help: ArgumentHelp("The trusted peer's name.", valueName: "name"))
    var to: String

    @Flag(name: .customLong("since-last"), help: "Only events the peer has not been sent yet (default).")
    var sinceLast = false

    @Flag(name: .customLong("all"), help: "Every event.")
    var all = false

    @Option(name: .customLong("out"), help: ArgumentHelp("The bundle file to write.", valueName: "file"))
    var out: String

    @Flag(name: .customLong("force"), help: "Replace the --out file if it exists (never a store file).")
    var force = false

    func validate() throws {
        if sinceLast && all { throw ValidationError("--since-last and --all exclude each other") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: Runtime.expand(out))
        try OutputFile.check(url, storeDirectory: global.storeURL, force: force)
        try global.withSession { env, s in
            for line in try SyncBridge.export(s, to: to, all: all, file: url, store: global.storeURL, force: force, env: env) { Out.line(line) }
        }
    }
}
