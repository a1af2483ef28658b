import SenimCore

/// The lots of one item at the point shown on the Stock screen (Enter on a level): number,
/// expiry, what is left, expired / expiring-soon marks (`Validator.lotExpiry`). F4 writes off
/// the picked lot; Esc goes back to the levels.
enum StockLots {
    /// The item's lots at the shown point, earliest expiry first (as the ledger keeps them).
    static func lots(_ m: Model, _ item: String) -> [Lot] {
        m.session?.ledger.level(site: Screens.stockSite(m), item: item)?.lots ?? []
    }

    /// Opens the lots of the item selected on the levels tab.
    static func open(_ m: inout Model) {
        let items = m.config.catalogue.items
        guard m.stock.tab == .levels, items.indices.contains(m.stock.selection) else { return }
        m.stock.lotsItem = items[m.stock.selection].id
        m.stock.lotSelection = 0
    }

    /// Commands while the lots are open; nil: the screen handles it as usual (the lots close
    /// when the tab or the point changes).
    static func run(_ m: inout Model, _ cmd: Command) -> [Effect]? {
        guard let item = m.stock.lotsItem else { return nil }
        if Screens.isMove(cmd) {
            m.stock.lotSelection = Screens.move(m.stock.lotSelection, cmd, count: lots(m, item).count)
            return []
        }
        switch cmd {
        case .back:
            m.stock.lotsItem = nil
            return []
        case .open:
            return []
        case .writeOff:
            guard let s = m.session, Screens.stockSite(m) == s.point else { return nil }
            let list = lots(m, item)
            let lot = list.indices.contains(m.stock.lotSelection) ? list[m.stock.lotSelection].lot : nil
            m.dialog = .form(Forms.writeOff(m, item: item, lot: lot))
            return []
        case .nextTab, .nextSite:
            m.stock.lotsItem = nil
            return nil
        default:
            return nil
        }
    }

    /// The write-off form's lot choices for `item` at the user's point: first-expiry-first-out
    /// (the default), then each lot number with what is left in it and its earliest expiry.
    static func choices(_ m: Model, item: String) -> [Choice] {
        var out = [Choice("", .key("tui.form.lot.fefo"))]
        guard let s = m.session else { return out }
        var seen: [String: (left: Int64, expires: DayNumber?)] = [:]
        var order: [String] = []
        for l in s.ledger.level(site: s.point, item: item)?.lots ?? [] {
            guard let n = l.lot else { continue }
            if seen[n] == nil { order.append(n) }
            let was = seen[n]
            seen[n] = ((was?.left ?? 0) + l.remaining, was?.expires ?? l.expires)
        }
        for n in order {
            let v = seen[n]!
            let when = v.expires.map { " · " + Clock.isoDate($0) } ?? ""
            out.append(Choice(n, .raw(m.t("tui.form.lot.choice", n, when, String(v.left)))))
        }
        return out
    }
}
