import SenimCore

enum ContactView {
    static func paint(_ m: Model, _ c: inout Canvas, _ r: Rect) {
        guard let s = m.session else { return }
        let f = m.contact
        let cat = m.config.catalogue
        let l = s.ledger
        var y = r.y
        // Code line.
        let codeLabel = m.t("tui.contact.code")
        let lw = Width.of(codeLabel)
        c.put(" " + codeLabel, x: 0, y: y, f.section == .code ? .heading : .normal)
        View.field(m, &c, f.code, x: lw + 2, y: y, width: 14, focused: f.section == .code)
        let infoX = lw + 17
        if let u = f.resolved {
            if f.isNew {
                c.put(m.t("tui.contact.isNew", u.code), x: infoX, y: y, .warning, limit: r.width - infoX)
            } else if let rec = l.person(u) {
                let last = Clock.shortDate(Clock.day(rec.lastSeen, m.utcOffset))
                c.put("✓ " + m.t("tui.contact.known", String(rec.contacts), last), x: infoX, y: y, .success, limit: r.width - infoX)
            }
        } else if !f.code.isEmpty {
            c.put(m.t("tui.contact.unresolved"), x: infoX, y: y, .dim, limit: r.width - infoX)
        } else {
            c.put(m.t("tui.contact.builderHint"), x: infoX, y: y, .dim, limit: r.width - infoX)
        }
        y += 1
        // Live matches or similar codes.
        if f.resolved == nil, !f.matches.isEmpty {
            var x = 3
            x += c.put(m.t("tui.contact.matches") + " ", x: x, y: y, .dim)
            for (i, u) in f.matches.enumerated() {
                let sel = i == f.matchIndex
                let w = c.put((sel ? "›" : " ") + u.code, x: x, y: y, sel ? .selected : .normal, limit: r.width - x)
                x += w + 1
            }
        } else if f.resolved == nil, !f.near.isEmpty {
            c.put("   " + m.t("tui.contact.similar", f.near.prefix(6).map(\.code).joined(separator: " ")), x: 0, y: y, .warning, limit: r.width)
        }
        y += 1
        // Packs.
        var x = 1
        x += c.put(m.t("tui.contact.packs") + " ", x: x, y: y, .normal)
        for p in cat.packs {
            let count = f.packs.filter { $0 == p.id }.count
            let name = p.names[m.language] + (count > 1 ? " ×\(count)" : count == 1 ? " ✓" : "")
            let need = 2 + Width.of(name) + 2
            if x + need > r.width { y += 1; x = 8 }
            c.put(p.key, x: x, y: y, .hotkey)
            c.put(name, x: x + 2, y: y, count > 0 ? .success : .normal, limit: r.width - x - 2)
            x += need
        }
        y += 1
        // Items and services.
        let boxH = max(4, r.maxY - y - 4)
        let leftW = r.width * 58 / 100, rightW = r.width - leftW
        let totalItems = f.quantities.reduce(0, +)
        c.box(x: 0, y: y, width: leftW, height: boxH,
              title: (f.section == .items ? "▶ " : "") + m.t("tui.contact.items", String(totalItems)),
              titleAttr: f.section == .items ? .selected : .heading)
        let rows = boxH - 2
        let start = View.scroll(selection: f.itemCursor, visible: rows, count: cat.items.count)
        for row in 0..<min(rows, cat.items.count - start) {
            let i = start + row
            let item = cat.items[i]
            let q = f.quantities[i]
            let sel = f.section == .items && i == f.itemCursor
            // While digits type the chosen item's quantity, it shows as a field.
            let typing = sel && f.itemPicked
            let unit = Plural.form(q, item.unit[m.language], m.language)
            let qty = typing ? "[\(q)] \(unit)" : q > 0 ? "\(q) \(unit)" : "·"
            let nameW = leftW - 4 - 12
            let line = View.marker(sel) + Width.pad(item.names[m.language], to: nameW) + Width.pad(qty, to: 11, .right)
            c.put(line, x: 1, y: y + 1 + row, sel ? .selected : q > 0 ? .success : .normal, limit: leftW - 2)
        }
        let services = f.services.filter { $0 }.count, referred = f.referred.filter { $0 }.count
        c.box(x: leftW, y: y, width: rightW, height: boxH,
              title: (f.section == .services ? "▶ " : "") + m.t("tui.contact.services", String(services), String(referred)),
              titleAttr: f.section == .services ? .selected : .heading)
        let sstart = View.scroll(selection: f.serviceCursor, visible: rows, count: cat.services.count)
        for row in 0..<min(rows, cat.services.count - sstart) {
            let i = sstart + row
            let sel = f.section == .services && i == f.serviceCursor
            // Given today ✓ and referred → look different without colour too.
            let mark = f.services[i] ? "[✓] " : f.referred[i] ? "[→] " : "[ ] "
            var line = View.marker(sel) + mark + cat.services[i].names[m.language]
            if f.services[i], TestResult.allCases.indices.contains(f.results[i]) {
                line += ": " + m.t("test.result." + TestResult.allCases[f.results[i]].rawValue)
            }
            let attr: Attr = sel ? .selected : f.services[i] ? .success : f.referred[i] ? .warning : .normal
            c.put(line, x: leftW + 1, y: y + 1 + row, attr, limit: rightW - 2)
        }
        y += boxH
        // Overdose, type, note.
        let labels = [m.t("tui.contact.overdose"), m.t("tui.contact.type"), m.t("tui.contact.note")]
        let labelW = labels.map { Width.of($0) }.max()! + 2
        let od = f.overdose >= 0 ? cat.overdoseOutcomes[f.overdose].names[m.language] : m.t("tui.contact.noOverdose")
        // With an outcome: its kind and who came (d changes them).
        var extra: [String] = []
        if f.overdose >= 0 {
            if OverdoseKind.allCases.indices.contains(f.overdoseKind) {
                extra.append(m.t("overdose.kind." + OverdoseKind.allCases[f.overdoseKind].rawValue))
            }
            extra += zip(Responder.allCases, f.responders).filter(\.1).map { m.t("tui.contact.responder." + $0.0.rawValue) }
        }
        choiceLine(m, &c, labels[0], "‹ \(od) ›" + (extra.isEmpty ? "" : " " + extra.joined(separator: " · ")), y: y,
                   labelW: labelW, focused: f.section == .overdose, attr: f.overdose >= 0 ? .warning : .normal)
        choiceLine(m, &c, labels[1], "‹ \(cat.contactTypes[f.type].names[m.language]) ›", y: y + 1, labelW: labelW,
                   focused: f.section == .type, attr: .normal)
        c.put(" " + labels[2], x: 0, y: y + 2, f.section == .note ? .heading : .normal)
        View.field(m, &c, f.note, x: labelW + 1, y: y + 2, width: r.width - labelW - 2, focused: f.section == .note)
        // Privacy guard, live: the reason shows while typing.
        if let finding = PrivacyGuard.check(f.note.text) {
            c.put(" ⚠ " + m.text(finding.message), x: 0, y: y + 3, .error, exactly: r.width)
        }
    }

    static func choiceLine(_ m: Model, _ c: inout Canvas, _ label: String, _ value: String, y: Int, labelW: Int,
                           focused: Bool, attr: Attr) {
        c.put(" " + label, x: 0, y: y, focused ? .heading : .normal)
        c.put(value, x: labelW + 1, y: y, focused ? .selected : attr, limit: c.width - labelW - 2)
    }
}
