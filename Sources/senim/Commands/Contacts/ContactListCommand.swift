import ArgumentParser
import Foundation
import SenimCore

struct ContactListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List contacts, oldest first, optionally for one client, period or point.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    @Option(name: .customLong("client"), help: ArgumentHelp("Only this client (and codes merged with it).", valueName: "uic"))
    var client: String?

    @Option(name: .customLong("from"), help: ArgumentHelp("From this day (YYYY-MM-DD, local time).", valueName: "date"))
    var from: String?

    @Option(name: .customLong("to"), help: ArgumentHelp("Up to and including this day.", valueName: "date"))
    var to: String?

    @Option(name: .customLong("point"), help: ArgumentHelp("Only this trust point.", valueName: "id"))
    var point: String?

    @Option(name: .customLong("limit"), help: "Only the last N matching contacts (0: all).")
    var limit = 0

    @Flag(name: .customLong("all"), help: "Also list voided contacts (marked voided).")
    var all = false

    func validate() throws {
        for (name, v) in [("--from", from), ("--to", to)] {
            if let v, Dates.parseDay(v) == nil { throw ValidationError("\(name) '\(v)': expected a date YYYY-MM-DD") }
        }
    }

    func run() throws {
        try global.withReadSession { env, s in
            let l = s.ledger
            let start = from.flatMap(Dates.parseDay).map(Dates.startOfDay) ?? .min
            let end = to.flatMap(Dates.parseDay).map { Dates.startOfDay($0 + 1) } ?? .max
            var site: Int32?
            if let point {
                _ = try s.validator.point(point)
                guard let i = l.sites.lookup(point) else { return try emit(0, env, nil) { _ in fatalError("no contacts") } }
                site = i
            }
            var indices: [Int]
            if let client {
                let code = try s.validator.uic(client)
                guard s.knows(code) else { throw Message("validate.uic.unknown", code.code) }
                indices = l.contacts(of: code).filter { l.contacts[$0].at >= start && l.contacts[$0].at < end }
            } else {
                let first = start == .min ? 0 : l.firstContact(atOrAfter: start)
                let last = end == .max ? l.contacts.count : l.firstContact(atOrAfter: end)
                indices = Array(first..<max(first, last))
            }
            if let site { indices = indices.filter { l.contacts[$0].site == site } }
            let shorts = output.json ? nil : s.shortIDs()
            if all {
                // Voided contacts, in their place by time (there are few: a merge, not a re-sort).
                var voided = l.voidedContacts.filter { e in
                    guard e.at >= start && e.at < end, case .contactLogged(let c) = e.body else { return false }
                    if let p = point, e.site != p { return false }
                    if let client, let code = try? s.validator.uic(client), s.canonical(c.client) != s.canonical(code) { return false }
                    return true
                }[...]
                var rows: [JSONModel.Contact] = []
                for i in indices {
                    while let v = voided.first, v.foldsBefore(l.contacts[i]) {
                        if case .contactLogged(let c) = v.body { rows.append(JSONModel.contact(v, c, status: "voided")) }
                        voided = voided.dropFirst()
                    }
                    rows.append(JSONModel.contact(l, index: i))
                }
                for v in voided { if case .contactLogged(let c) = v.body { rows.append(JSONModel.contact(v, c, status: "voided")) } }
                if limit > 0 && rows.count > limit { rows = Array(rows.suffix(limit)) }
                return try emit(rows.count, env, shorts) { rows[$0] }
            }
            if limit > 0 && indices.count > limit { indices = Array(indices.suffix(limit)) }
            try emit(indices.count, env, shorts) { JSONModel.contact(l, index: indices[$0]) }
        }
    }

    private func emit(_ count: Int, _ env: CLIEnvironment, _ shorts: ShortIDs? = nil, _ contact: (Int) -> JSONModel.Contact) throws {
        if output.json { return try Out.jsonList(key: "contacts", count: count, element: contact) }
        Self.printTable(count: count, env: env, shorts: shorts, contact)
    }

    static func printTable(_ list: [JSONModel.Contact], env: CLIEnvironment, shorts: ShortIDs? = nil) {
        printTable(count: list.count, env: env, shorts: shorts) { list[$0] }
    }

    static func printTable(count: Int, env: CLIEnvironment, shorts: ShortIDs? = nil, _ contact: (Int) -> JSONModel.Contact) {
        let headers = [env.t("cli.col.id"), env.t("cli.col.time"), env.t("cli.col.point"), env.t("cli.col.code"),
                       env.t("cli.col.worker"), env.t("cli.col.type"), env.t("cli.col.items"), env.t("cli.col.services"),
                       env.t("cli.col.overdose"), env.t("cli.col.note")]
        Table.stream(headers, count: count) { i in
            let c = contact(i)
            let at = Dates.parseInstant(c.at).map { Dates.local(Timestamp($0.timeIntervalSince1970)) } ?? c.at
            let id = EventID(c.id).flatMap { shorts?.short($0) } ?? String(c.id.prefix(8))
            let mark = c.status == "active" ? "" : " (" + (c.status == "voided" ? env.t("cli.contact.voidedMark") : env.t("cli.contact.correctedMark")) + ")"
            return [id + mark, at, c.point, c.client, c.worker, c.type, Render.items(c.items),
                    c.services.joined(separator: ", "), c.overdose ?? "", c.note ?? ""]
        }
        Out.line(env.t("cli.count.contacts", String(count)))
    }
}
