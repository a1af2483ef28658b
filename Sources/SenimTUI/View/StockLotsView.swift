import SenimCore

/// One item's lots at the point shown (Stock → Enter on a level): lot number, expiry date,
/// what is left, and the expired / expiring-soon mark from `Validator.lotExpiry`; below, what
/// the level holds outside any lot.
enum StockLotsView {
    static func paint(_ m: Model, _ c: inout Canvas, _ r: Rect, _ l: LedgerState, _ site: String, item: String) {
        let entry = m.config.catalogue.item(item)
        let lvl = l.level(site: site, item: item)
        let level = lvl?.level ?? 0
        let unit = entry.map { Plural.form(level, $0.unit[m.language], m.language) } ?? ""
        c.put(" " + m.t("tui.lots.title", View.itemName(m, item), String(level), unit, View.pointName(m, site)),
              x: 0, y: r.y, .heading, limit: r.width)
        let lots = lvl?.lots ?? []
        let cols = [(m.t("tui.lots.col.lot"), 26), (m.t("tui.lots.col.expires"), 13), (m.t("tui.lots.col.left"), 9),
                    ("", max(10, r.width - 2 - 48))]
        ClientsView.header(&c, cols, y: r.y + 1)
        if lots.isEmpty {
            for (i, line) in View.wrap(m.t("tui.lots.none"), width: r.width - 4).prefix(2).enumerated() {
                c.put("  " + line, x: 0, y: r.y + 2 + i, .dim)
            }
        }
        let rows = max(1, r.height - 3)
        let start = View.scroll(selection: m.stock.lotSelection, visible: rows, count: lots.count)
        for row in 0..<min(rows, max(0, lots.count - start)) {
            let i = start + row
            let lot = lots[i]
            let sel = i == m.stock.lotSelection
            let mark = Validator.lotExpiry(lot.expires, today: m.today)
            let markText: String = switch mark {
            case .expired?: m.t("tui.lots.expired")
            case .expiresSoon?: m.t("tui.lots.expiresSoon", String(lot.expires.map { $0 - m.today } ?? 0))
            case nil: ""
            }
            let values = [lot.lot ?? m.t("tui.lots.noNumber"), lot.expires.map(Clock.isoDate) ?? "—",
                          Width.pad(String(lot.remaining), to: 7, .right), markText]
            ClientsView.line(&c, View.marker(sel), values, cols.map(\.1), y: r.y + 2 + row,
                             sel ? .selected : mark != nil ? .warning : .normal)
        }
        let inLots = lots.reduce(Int64(0)) { $0 + $1.remaining }
        if !lots.isEmpty, level != inLots {
            c.put("  " + m.t("tui.lots.outside", String(level - inLots)), x: 0, y: r.maxY - 1, .dim, limit: r.width)
        }
    }
}
