import SenimCore

/// Keys on the stocktake sheet: digits type the counted number of the item under the cursor;
/// Enter, Tab and arrows move; a letter jumps to an item; F2 saves every typed line at once.
enum StocktakeSheet {
    static func key(_ m: inout Model, _ sheet: Stocktake, _ k: Key) -> [Effect] {
        var s = sheet
        let n = s.counted.count
        if k != .escape { s.confirmDiscard = false }
        switch k {
        case .escape:
            if s.isDirty && !s.confirmDiscard {
                s.confirmDiscard = true
                s.error = Message("tui.stocktake.discard")
            } else {
                m.dialog = nil
                m.status = Status(Message("tui.form.cancelled"))
                return []
            }
        case .enter, .tab, .down:
            s.cursor = min(n - 1, s.cursor + 1)
        case .backTab, .up:
            s.cursor = max(0, s.cursor - 1)
        case .pageDown: s.cursor = min(n - 1, s.cursor + 10)
        case .pageUp: s.cursor = max(0, s.cursor - 10)
        case .home: s.cursor = 0
        case .end: s.cursor = n - 1
        case .function(2):
            m.dialog = .stocktake(s)
            return submit(&m, s)
        case .backspace, .delete:
            _ = s.counted[s.cursor].handle(.backspace)
            s.error = nil
        case .char(let c) where c.isASCII && c.isNumber:
            _ = s.counted[s.cursor].handle(k)
            s.error = nil
        case .char(let c) where c.isLetter:
            let names = m.config.catalogue.items.map { $0.names[m.language] }
            if let i = ContactScreen.nextStarting(with: c, in: names, after: s.cursor) { s.cursor = i }
        default:
            break
        }
        m.dialog = .stocktake(s)
        return []
    }

    static func expected(_ m: Model, _ item: String) -> Int64 {
        guard let s = m.session else { return 0 }
        return s.ledger.level(site: s.point, item: item)?.level ?? 0
    }

    static func submit(_ m: inout Model, _ s: Stocktake) -> [Effect] {
        let items = m.config.catalogue.items
        var counts: [ItemCount] = []
        for (i, f) in s.counted.enumerated() where !f.isEmpty {
            guard let q = Int(f.text) else {
                var s = s
                s.cursor = i
                s.error = Message("tui.form.needQuantity")
                m.dialog = .stocktake(s)
                return []
            }
            counts.append(ItemCount(item: items[i].id, counted: q, expected: expected(m, items[i].id)))
        }
        guard !counts.isEmpty else {
            var s = s
            s.error = Message("tui.stocktake.empty")
            m.dialog = .stocktake(s)
            return []
        }
        return Forms.check(&m, .stocktake(counts))
    }
}
