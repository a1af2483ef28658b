import ArgumentParser
import Foundation
import SenimCore

struct ClientListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List client codes with first and last contact (merged codes only with --all).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    @Flag(name: .customLong("all"), help: "Include codes merged into another.")
    var all = false

    func run() throws {
        try global.withReadSession { env, s in
            let list = s.ledger.clients.filter { all || $0.mergedInto == nil }.sorted { $0.uic < $1.uic }
            try Self.print(list, ledger: s.ledger, env: env, json: output.json)
        }
    }

    struct JSONClients: Encodable { var clients: [JSONModel.Client] }

    static func print(_ list: [ClientRecord], ledger: LedgerState, env: CLIEnvironment, json: Bool) throws {
        let year = Render.currentYear
        let models = list.map { JSONModel.client(ledger, $0, formula: env.configuration.uic, year: year) }
        if json { return try Out.json(JSONClients(clients: models)) }
        var t = Table([env.t("cli.col.code"), env.t("cli.col.sex"), env.t("cli.col.born"), env.t("cli.col.contacts"),
                       env.t("cli.col.firstSeen"), env.t("cli.col.lastSeen"), env.t("cli.col.point"), env.t("cli.col.mergedInto")],
                      rightAligned: [3])
        for (m, c) in zip(models, list) {
            t.add([m.code, m.sex ?? "", m.birthYear.map(String.init) ?? "", String(m.contacts),
                   Dates.local(c.firstSeen), Dates.local(c.lastSeen), m.firstPoint, m.mergedInto ?? ""])
        }
        Out.line(t.render())
        Out.line(env.t("cli.count.clients", String(list.count)))
    }
}
