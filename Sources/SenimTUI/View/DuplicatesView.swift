import SenimCore

/// Likely duplicate pairs on top; the selected pair side by side below, the surviving code on
/// the right.
enum DuplicatesView {
    static func paint(_ m: Model, _ c: inout Canvas, _ r: Rect) {
        guard m.session != nil else { return }
        let likely = DuplicatesScreen.pairs(m).count
        let list = DuplicatesScreen.rows(m)
        c.put(" " + m.t("tui.dup.count", "\(likely) \(Plural.form(likely, m.t("tui.dup.pairs"), m.language))", String(list.count - likely)),
              x: 0, y: r.y, .normal, limit: r.width)
        let cols = [(m.t("tui.dup.col.codes"), 20), (m.t("tui.dup.col.reason"), 28), (m.t("tui.dup.profile"), 24)]
        ClientsView.header(&c, cols, y: r.y + 1)
        let compareH = 9
        let rows = max(1, r.height - 2 - compareH)
        if list.isEmpty { c.put("  " + m.t("tui.dup.none"), x: 0, y: r.y + 2, .dim) }
        let start = View.scroll(selection: m.duplicates.selection, visible: rows, count: list.count)
        for row in 0..<min(rows, max(0, list.count - start)) {
            let sel = start + row == m.duplicates.selection
            let values: [String]
            switch list[start + row] {
            case .likely(let p):
                values = ["\(p.a.code) · \(p.b.code)", m.t("tui.dup.reason.\(p.reason.rawValue)"), ClientsView.profile(m, p.a)]
            case .merged(let from, let into):
                values = ["\(from.code) → \(into.code)", m.t("tui.dup.mergedRow"), ClientsView.profile(m, into)]
            }
            let attr: Attr = sel ? .selected : { if case .merged = list[start + row] { return .dim } else { return .normal } }()
            ClientsView.line(&c, View.marker(sel), values, cols.map(\.1), y: r.y + 2 + row, attr)
        }
        if list.count > rows + start {
            let more = " " + m.t("tui.home.more", String(list.count - rows - start)) + " "
            c.put(more, x: r.width - 2 - Width.of(more), y: r.y + 1 + rows, .dim)
        }
        guard list.indices.contains(m.duplicates.selection) else { return }
        let top = r.maxY - compareH
        let half = r.width / 2
        switch list[m.duplicates.selection] {
        case .likely(let p):
            let d = DuplicatesScreen.direction(m, p)
            side(m, &c, Rect(x: 0, y: top, width: half, height: compareH), d.from,
                 title: "\(d.from.code) · \(m.t("tui.dup.merges")) \(d.into.code)", attr: .warning)
            side(m, &c, Rect(x: half, y: top, width: r.width - half, height: compareH), d.into,
                 title: "\(d.into.code) · \(m.t("tui.dup.stays"))", attr: .success)
        case .merged(let from, let into):
            c.box(x: 0, y: top, width: half, height: compareH, title: "\(from.code) → \(into.code)", titleAttr: .warning)
            for (i, line) in View.wrap(m.t("tui.dup.mergedHelp", from.code, into.code), width: half - 4).prefix(compareH - 2).enumerated() {
                c.put(line, x: 2, y: top + 1 + i, .normal)
            }
            side(m, &c, Rect(x: half, y: top, width: r.width - half, height: compareH), into,
                 title: "\(into.code) · \(m.t("tui.dup.person"))", attr: .success)
        }
    }

    static func side(_ m: Model, _ c: inout Canvas, _ r: Rect, _ u: UIC, title: String, attr: Attr) {
        c.box(x: r.x, y: r.y, width: r.width, height: r.height, title: title, titleAttr: attr)
        guard let s = DuplicatesScreen.summary(m, u) else { return }
        let p = s.person
        let rows: [(String, String)] = [
            (m.t("tui.dup.contacts"), String(p.contacts)),
            (m.t("tui.dup.first"), Clock.isoDate(Clock.day(p.firstSeen, m.utcOffset))),
            (m.t("tui.dup.last"), Clock.isoDate(Clock.day(p.lastSeen, m.utcOffset))),
            (m.t("tui.dup.sites"), s.sites.joined(separator: "; ")),
            (m.t("tui.dup.items"), s.items.joined(separator: ", ")),
            (m.t("tui.dup.profile"), ClientsView.profile(m, u)),
        ] + (p.codes.count > 1 ? [(m.t("tui.dup.col.codes"), p.codes.map(\.code).joined(separator: ", "))] : [])
        let labelW = min(14, rows.map { Width.of($0.0) }.max() ?? 0) + 1
        for (i, row) in rows.prefix(r.height - 2).enumerated() {
            c.put(row.0, x: r.x + 2, y: r.y + 1 + i, .dim, limit: labelW - 1)
            c.put(row.1, x: r.x + 2 + labelW, y: r.y + 1 + i, .normal, limit: r.width - 3 - labelW)
        }
    }
}
