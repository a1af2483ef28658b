import ArgumentParser
import Foundation
import SenimCore

struct StockShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Stock levels at a point: lots with expiry, discrepancies, and transfers in transit.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    @Option(name: .customLong("point"), help: ArgumentHelp("Trust point id (default: this store's point).", valueName: "id"))
    var point: String?

    struct JSONStock: Encodable {
        struct LotLine: Encodable { @Nullable var lot: String?; @Nullable var expires: String?; var remaining: Int }
        struct Item: Encodable {
            var item: String
            var level: Int
            var low: Bool
            var lots: [LotLine]
            var discrepancies: Int
            var shortfall: Int
            @Nullable var lastDiscrepancyAt: String?
        }
        struct Transfer: Encodable {
            var id: String
            var item: String
            var quantity: Int
            var from: String
            var to: String
            var sentAt: String
        }
        var point: String
        var items: [Item]
        var inTransit: [Transfer]
    }

    func run() throws {
        try global.withReadSession { env, s in
            try Policy.require(s.role, .viewStock)
            let site = try s.validator.point(point ?? s.point)
            let l = s.ledger
            let catalogue = env.configuration.catalogue
            var ids = catalogue.items.map(\.id)
            for name in l.items.names where !ids.contains(name) { ids.append(name) }
            var items: [JSONStock.Item] = []
            for id in ids {
                let lvl = l.level(site: site, item: id)
                let level = lvl?.level ?? 0
                if catalogue.item(id) == nil && level == 0 { continue }
                let low = catalogue.item(id)?.lowStock.map { level < Int64($0) } ?? false
                items.append(.init(item: id, level: Int(level), low: low,
                                   lots: (lvl?.lots ?? []).map { .init(lot: $0.lot, expires: $0.expires.map(Dates.dayText), remaining: Int($0.remaining)) },
                                   discrepancies: lvl?.discrepancies ?? 0, shortfall: Int(lvl?.shortfall ?? 0),
                                   lastDiscrepancyAt: lvl?.lastDiscrepancyAt.map(Dates.iso)))
            }
            let here = l.sites.lookup(site)
            let transit = l.transfersInTransit.filter { $0.from == here || $0.to == here }.map {
                JSONStock.Transfer(id: $0.id.description, item: l.items[$0.item], quantity: Int($0.quantity),
                                   from: l.sites[$0.from], to: l.sites[$0.to], sentAt: Dates.iso($0.at))
            }
            let model = JSONStock(point: site, items: items, inTransit: transit)
            if output.json { return try Out.json(model) }
            let name = env.configuration.points.point(site)?.names[env.language] ?? site
            Out.line(env.t("cli.stock.header", name))
            var t = Table([env.t("cli.col.item"), env.t("cli.col.level"), env.t("cli.col.unit"), "", env.t("cli.col.lots"),
                           env.t("cli.col.discrepancies")], rightAligned: [1])
            let today = Dates.today()
            for i in items {
                let entry = catalogue.item(i.item)
                let lots = i.lots.map { lot -> String in
                    var s = lot.lot ?? "—"
                    if let e = lot.expires {
                        s += " " + env.t("cli.stock.expires", e)
                        switch Validator.lotExpiry(Dates.parseDay(e), today: today) {
                        case .expired: s += " " + env.t("cli.stock.expired")
                        case .expiresSoon: s += " " + env.t("cli.stock.expiresSoon")
                        case nil: break
                        }
                    }
                    return s + ": \(lot.remaining)"
                }.joined(separator: "; ")
                t.add([entry?.names[env.language] ?? i.item, String(i.level), entry.map { Plural.form(i.level, $0.unit[env.language], env.language) } ?? "",
                       i.low ? env.t("cli.stock.low") : "", lots,
                       i.discrepancies > 0 ? env.t("cli.stock.discrepancy", String(i.discrepancies), String(i.shortfall)) : ""])
            }
            Out.line(t.render())
            if !transit.isEmpty {
                Out.line()
                Out.line(env.t("cli.stock.transit"))
                var tt = Table([env.t("cli.col.id"), env.t("cli.col.item"), env.t("cli.col.quantity"), env.t("cli.col.from"),
                                env.t("cli.col.to"), env.t("cli.col.sent")], rightAligned: [2])
                for x in transit {
                    tt.add([EventID(x.id).map { s.shortID($0) } ?? String(x.id.prefix(8)), x.item, String(x.quantity), x.from, x.to,
                            Dates.parseInstant(x.sentAt).map { Dates.local(Timestamp($0.timeIntervalSince1970)) } ?? x.sentAt])
                }
                Out.line(tt.render())
            }
        }
    }
}
