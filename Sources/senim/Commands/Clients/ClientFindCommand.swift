import ArgumentParser
import Foundation
import SenimCore

struct ClientFindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "Find client codes starting with a prefix (merged codes are not listed).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    @Argument(help: ArgumentHelp("The start of the code (any keyboard layout).", valueName: "prefix"))
    var prefix: String

    @Option(name: .customLong("limit"), help: "At most this many codes.")
    var limit = 50

    func run() throws {
        try global.withReadSession { env, s in
            let p = Letters.normaliseCode(prefix)
            guard !p.isEmpty else { throw CLIFailure.refused("cli.client.prefix", PrivacyGuard.echo(prefix)) }
            let found = s.ledger.clients(withPrefix: p, limit: max(1, limit)).compactMap { s.ledger.client($0) }
            try ClientListCommand.print(found, ledger: s.ledger, env: env, json: output.json)
        }
    }
}
