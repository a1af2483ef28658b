import ArgumentParser
import Foundation
import SenimCore

struct ClientDuplicatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates",
        abstract: "List likely duplicate client codes (pairs that are probably one person).",
        discussion: """
            A pair is listed when the codes are one letter apart with the same sex and birth year, \
            when the mother's and father's letters are swapped, or when only the birth year differs by one. \
            Codes already merged into another are not listed. Read-only; merge a pair with `senim client merge`.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    struct JSONPair: Encodable {
        var a: JSONModel.Client
        var b: JSONModel.Client
        var reason: String
    }

    struct JSONPairs: Encodable { var pairs: [JSONPair] }

    func run() throws {
        try global.withSession { env, s in
            let l = s.ledger
            let pairs = DuplicateFinder.pairs(in: l, formula: env.configuration.uic)
            let year = Render.currentYear
            func model(_ u: UIC) -> JSONModel.Client? {
                l.clientIndex[u].map { JSONModel.client(l, l.clients[Int($0)], formula: env.configuration.uic, year: year) }
            }
            let models = pairs.compactMap { p in model(p.a).flatMap { a in model(p.b).map { b in JSONPair(a: a, b: b, reason: p.reason.rawValue) } } }
            if output.json { return try Out.json(JSONPairs(pairs: models)) }
            var t = Table([env.t("cli.col.code"), env.t("cli.col.contacts"), env.t("cli.col.lastSeen"),
                           env.t("cli.col.code"), env.t("cli.col.contacts"), env.t("cli.col.lastSeen"), env.t("cli.col.reason")],
                          rightAligned: [1, 4])
            for p in models {
                t.add([p.a.code, String(p.a.contacts), p.a.lastSeen, p.b.code, String(p.b.contacts), p.b.lastSeen,
                       env.t("cli.duplicates.\(p.reason)")])
            }
            Out.line(t.render())
            Out.line(env.t("cli.count.duplicates", Plural.count(models.count, env.t("cli.duplicates.pairs"), env.language)))
        }
    }
}
