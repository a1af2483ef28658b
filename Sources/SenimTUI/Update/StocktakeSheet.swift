import SenimCore

/// Keys on the stocktake sheet: digits type the counted number of the item under the cursor;
/// Enter, Tab and arrows move; a letter jumps to an item; F2 saves every typed line at once.
/// Above the first item (↑) is the "When" field for a count made earlier (late entry).
enum StocktakeSheet {
    static func key(_ m: inout Model, _ sheet: Stocktake, _ k: Key) -> [Effect] {
        var s = sheet
        let n = s.counted.count
        if k != .escape { s.confirmDiscard = false }
        if s.cursor < 0 {
            // The "When" field: it takes what a date and time are typed with.
            switch k {
            case .escape, .function(2), .enter, .tab, .down, .up, .backTab, .pageUp, .pageDown, .home, .end:
                break
            default:
                if s.at.handle(k) { s.error = nil }
                m.dialog = .stocktake(s)
                return []
            }
        }
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
            s.cursor = max(-1, s.cursor - 1)
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
        // The "When" field, read like a form's (`Forms.lateEntry`).
        var when = Form(kind: .count, title: "", fields: [Forms.text("at", "tui.form.at", s.at.text)])
        when.opened["at"] = s.atOpened
        let at: Timestamp?
        do { at = try Forms.lateEntry(m, when) } catch {
            var s = s
            s.cursor = -1
            s.error = error
            m.dialog = .stocktake(s)
            return []
        }
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
        return Forms.check(&m, Forms.dated(.stocktake(counts), at))
    }
}
