import SenimCore

enum DialogView {
    static func paint(_ m: Model, _ d: Dialog, _ c: inout Canvas) {
        switch d {
        case .confirm(let cf): confirm(m, cf, &c)
        case .builder(let b): builder(m, b, &c)
        case .form(let f): form(m, f, &c)
        case .stocktake(let s): stocktake(m, s, &c)
        }
    }

    /// Item, expected level, the counted field, the difference; the keys at the bottom.
    static func stocktake(_ m: Model, _ s: Stocktake, _ c: inout Canvas) {
        let items = m.config.catalogue.items
        let point = m.session.map { View.pointName(m, $0.point) } ?? ""
        let r = frame(&c, width: 76, height: c.height - 2, title: m.t("tui.stocktake.title", point))
        let nameW = r.width - 6 - 10 - 12 - 10
        let header = Width.pad(m.t("tui.stock.col.item"), to: nameW) + Width.pad(m.t("tui.stocktake.expected"), to: 10, .right)
            + "  " + Width.pad(m.t("tui.form.counted"), to: 10) + Width.pad(m.t("tui.stocktake.difference"), to: 10, .right)
        // The "When" field (↑ from the first item) for a count made earlier.
        let when = m.t("tui.form.at")
        c.put(when, x: r.x + 2, y: r.y + 1, s.cursor < 0 ? .heading : .normal)
        View.field(m, &c, s.at, x: r.x + 4 + Width.of(when), y: r.y + 1, width: 20, focused: s.cursor < 0)
        c.put(header, x: r.x + 2, y: r.y + 2, .heading, limit: r.width - 4)
        let footer = View.wrap(m.text(s.error ?? Message("tui.stocktake.keys")), width: r.width - 4)
        let rows = r.height - 4 - footer.count
        let start = View.scroll(selection: max(0, s.cursor), visible: rows, count: items.count)
        for row in 0..<min(rows, max(0, items.count - start)) {
            let i = start + row
            let y = r.y + 3 + row
            let sel = i == s.cursor
            let expected = StocktakeSheet.expected(m, items[i].id)
            let diff = Int64(s.counted[i].text).map { $0 - expected }
            let diffText = diff.map { $0 == 0 ? "=" : ($0 > 0 ? "+" : "") + String($0) } ?? ""
            c.put(View.marker(sel) + Width.pad(items[i].names[m.language], to: nameW - 1), x: r.x + 2, y: y, sel ? .heading : .normal)
            c.put(Width.pad(String(expected), to: 10, .right), x: r.x + 2 + nameW, y: y, .normal)
            View.field(m, &c, s.counted[i], x: r.x + 2 + nameW + 12, y: y, width: 9, focused: sel)
            c.put(Width.pad(diffText, to: 10, .right), x: r.x + 2 + nameW + 22, y: y, (diff ?? 0) != 0 ? .warning : .dim)
        }
        for (i, l) in footer.enumerated() {
            c.put(l, x: r.x + 2, y: r.maxY - 1 - footer.count + i, s.error != nil ? (s.confirmDiscard ? .warning : .error) : .dim,
                  limit: r.width - 4)
        }
    }

    /// A centred, cleared box; returns its rectangle.
    static func frame(_ c: inout Canvas, width: Int, height: Int, title: String) -> Rect {
        let w = min(width, c.width - 2), h = min(height, c.height - 2)
        let x = (c.width - w) / 2, y = max(1, (c.height - h) / 2)
        c.fill(x: x, y: y, width: w, height: h)
        c.box(x: x, y: y, width: w, height: h, title: title)
        return Rect(x: x, y: y, width: w, height: h)
    }

    static func confirm(_ m: Model, _ cf: Confirm, _ c: inout Canvas) {
        let w = 64
        var body: [String] = []
        for l in cf.lines { body += View.wrap(m.text(l), width: w - 6) }
        let r = frame(&c, width: w, height: body.count + 6, title: m.text(cf.title))
        for (i, l) in body.enumerated() { c.put(l, x: r.x + 3, y: r.y + 2 + i, .normal) }
        let yes = m.t("tui.confirm.yes"), no = m.t("tui.confirm.no")
        let y = r.maxY - 2
        let yesText = (cf.yesFocused ? "▸[ " : " [ ") + yes + " ]"
        let noText = (cf.yesFocused ? " [ " : "▸[ ") + no + " ]"
        let total = Width.of(yesText) + 4 + Width.of(noText)
        let x = r.x + (r.width - total) / 2
        c.put(yesText, x: x, y: y, cf.yesFocused ? .selected : .normal)
        c.put(noText, x: x + Width.of(yesText) + 4, y: y, cf.yesFocused ? .normal : .selected)
    }

    static func builder(_ m: Model, _ b: Builder, _ c: inout Canvas) {
        let qs = m.config.uic.questions
        let keyLines = View.wrap(m.t("tui.builder.keys"), width: 60)
        let r = frame(&c, width: 66, height: qs.count * 2 + 6 + keyLines.count, title: m.t("tui.builder.title"))
        c.put(m.t("tui.builder.intro"), x: r.x + 3, y: r.y + 1, .dim, limit: r.width - 6)
        let labelW = min(30, qs.map { Width.of($0.prompt[m.language]) }.max()! + 2)
        for (i, q) in qs.enumerated() {
            let y = r.y + 3 + i * 2
            c.put(q.prompt[m.language], x: r.x + 3, y: y, i == b.focus ? .heading : .normal, limit: labelW)
            View.field(m, &c, b.answers[i], x: r.x + 3 + labelW, y: y, width: r.width - 6 - labelW, focused: i == b.focus)
        }
        let y = r.maxY - 2 - keyLines.count
        if let e = b.error {
            c.put(m.text(e), x: r.x + 3, y: y, .error, limit: r.width - 6)
        } else if let code = try? m.config.uic.build(answers: Dictionary(uniqueKeysWithValues: zip(qs.map(\.id), b.answers.map(\.text)))) {
            c.put(m.t("tui.builder.preview", code.code), x: r.x + 3, y: y, .success, limit: r.width - 6)
        }
        for (i, l) in keyLines.enumerated() {
            c.put(l, x: r.x + 3, y: r.maxY - 1 - keyLines.count + i, .dim, limit: r.width - 6)
        }
    }

    static func form(_ m: Model, _ f: Form, _ c: inout Canvas) {
        let labelW = min(28, f.fields.map { Width.of(m.t($0.label)) }.max()! + 2)
        let errorLines = f.error.map { View.wrap(m.text($0), width: 64) } ?? []
        // A one-time passphrase's form cannot be cancelled: its key line does not offer Esc.
        let forced = f.kind == .changePassphrase && m.session?.mustChangePassphrase == true
        let keyLines = View.wrap(m.t(forced ? "tui.form.keysForced" : "tui.form.keys"), width: 64)
        // A blank line between fields while they fit (the profile forms have ten: one line each then).
        let extra = 4 + errorLines.count + keyLines.count
        let step = f.fields.count * 2 + extra <= c.height - 2 ? 2 : 1
        let top = step == 2 ? 2 : 1
        let r = frame(&c, width: 70, height: f.fields.count * step + extra - (2 - top), title: m.t(f.title))
        for (i, field) in f.fields.enumerated() {
            let y = r.y + top + i * step
            let focused = i == f.focus
            c.put(m.t(field.label), x: r.x + 3, y: y, focused ? .heading : .normal, limit: labelW)
            let fx = r.x + 3 + labelW, fw = r.width - 6 - labelW
            switch field.value {
            case .text(let t, _):
                View.field(m, &c, t, x: fx, y: y, width: fw, focused: focused)
            case .choice(let cs, let idx):
                let v = cs.indices.contains(idx) ? View.label(m, cs[idx].label) : ""
                c.put(Width.pad("‹ \(v) ›", to: fw), x: fx, y: y, focused ? .selected : .field, limit: fw)
            }
        }
        var y = r.y + top + f.fields.count * step
        for l in errorLines {
            c.put(l, x: r.x + 3, y: y, .error, limit: r.width - 6)
            y += 1
        }
        for (i, l) in keyLines.enumerated() {
            c.put(l, x: r.x + 3, y: r.maxY - 1 - keyLines.count + i, .dim, limit: r.width - 6)
        }
    }
}

enum HelpView {
    static func lines(_ m: Model, width: Int = 72) -> [(String, Attr)] {
        var out: [(String, Attr)] = []
        let bindings = KeyMap.bindings(m.screen, role: m.role, catalogue: m.config.catalogue)
        out.append((m.t("tui.help.screen", View.screenTitle(m)), .heading))
        var seen = Set<Command>()
        for b in bindings where seen.insert(b.command).inserted {
            if KeyMap.global.contains(where: { $0.command == b.command }) { continue }
            out += entry(m, b, width: width).map { ($0, .normal) }
        }
        out.append(("", .normal))
        out.append((m.t("tui.help.everywhere"), .heading))
        for b in KeyMap.global { out += entry(m, b, width: width).map { ($0, .normal) } }
        out.append(("", .normal))
        out.append((m.t("tui.help.fields"), .heading))
        for key in ["tui.help.fields.move", "tui.help.fields.edit", "tui.help.fields.confirm"] {
            out += View.wrap(m.t(key), width: width - 2).map { ("  " + $0, .normal) }
        }
        out.append(("", .normal))
        out += View.wrap(m.t("tui.help.panic"), width: width).map { ($0, .warning) }
        return out
    }

    /// "  keys                   description", the description wrapped under itself.
    static func entry(_ m: Model, _ b: Binding, width: Int) -> [String] {
        let keys = b.keys.map(\.name).joined(separator: ", ")
        let desc = View.wrap(m.t("tui.cmd.\(b.command.name)"), width: max(10, width - 25))
        return desc.enumerated().map { i, d in "  " + Width.pad(i == 0 ? keys : "", to: 22) + " " + d }
    }

    static func paint(_ m: Model, _ scroll: Int, _ c: inout Canvas) {
        let r = DialogView.frame(&c, width: c.width - 4, height: c.height - 3, title: m.t("tui.help.title"))
        let all = lines(m, width: r.width - 4)
        let rows = r.height - 3
        let start = min(scroll, max(0, all.count - rows))
        for (i, l) in all.dropFirst(start).prefix(rows).enumerated() {
            c.put(l.0, x: r.x + 2, y: r.y + 1 + i, l.1, limit: r.width - 4)
        }
        c.put(m.t("tui.help.close"), x: r.x + 2, y: r.maxY - 2, .dim, limit: r.width - 4)
    }
}
