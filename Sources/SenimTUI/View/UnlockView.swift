import SenimCore

enum UnlockView {
    static func paint(_ m: Model, _ c: inout Canvas) {
        c.fill(x: 0, y: 0, width: c.width, height: 1, .title)
        c.put(" Senim │ \(m.t("tui.unlock.title"))", x: 0, y: 0, .title)
        let w = min(60, c.width - 4), h = 11
        let x = (c.width - w) / 2, y = max(1, (c.height - h) / 2 - 1)
        c.box(x: x, y: y, width: w, height: h, title: m.t("tui.unlock.box"))
        let labelW = max(Width.of(m.t("tui.unlock.user")), Width.of(m.t("tui.unlock.passphrase"))) + 2
        let fx = x + 3 + labelW, fw = w - 6 - labelW
        c.put(m.t("tui.unlock.user"), x: x + 3, y: y + 2, m.unlock.focus == 0 ? .heading : .normal)
        View.field(m, &c, m.unlock.user, x: fx, y: y + 2, width: fw, focused: m.unlock.focus == 0 && !m.unlock.busy)
        c.put(m.t("tui.unlock.passphrase"), x: x + 3, y: y + 4, m.unlock.focus == 1 ? .heading : .normal)
        View.field(m, &c, m.unlock.passphrase, x: fx, y: y + 4, width: fw, focused: m.unlock.focus == 1 && !m.unlock.busy)
        var line = y + 6
        if m.unlock.busy {
            // The spinner turns while the job thread derives the key (scrypt) and opens the store.
            let spin = m.busy.map { " \($0.spinnerFrame)" } ?? ""
            c.put(m.t("tui.unlock.busy") + spin, x: x + 3, y: line, .warning, limit: w - 6)
        } else if let r = m.unlock.retryAt, m.now < r {
            c.put(m.t("tui.unlock.wait", String(r - m.now)), x: x + 3, y: line, .warning, limit: w - 6)
        } else {
            c.put(m.t("tui.unlock.help"), x: x + 3, y: line, .dim, limit: w - 6)
        }
        line += 1
        if let e = m.unlock.error {
            for l in View.wrap(m.text(e), width: w - 6).prefix(2) {
                c.put(l, x: x + 3, y: line, .error)
                line += 1
            }
        }
        if let s = m.status {
            c.put(" " + m.text(s.message), x: 0, y: c.height - 2, .status, exactly: c.width)
        }
        c.fill(x: 0, y: c.height - 1, width: c.width, height: 1, .barLabel)
        c.put("10", x: 0, y: c.height - 1, .barKey)
        c.put(Width.pad(m.t("tui.bar.quit"), to: 6), x: 2, y: c.height - 1, .barLabel)
    }
}

enum HomeView {
    static func paint(_ m: Model, _ c: inout Canvas, _ r: Rect) {
        guard let s = m.session else { return }
        let l = s.ledger
        let today = Queries.contacts(l, site: s.point, day: m.today, utcOffset: m.utcOffset)
        let clients = Set(today.map { l.canonical(l.contacts[$0].client) })
        let dayStart = Clock.start(of: m.today, m.utcOffset)
        let newClients = Queries.newClients(l, site: s.point, since: dayStart)
        c.put(" " + m.t("tui.home.today", Clock.isoDate(m.today), String(today.count), String(clients.count), String(newClients)),
              x: 0, y: r.y, .heading, limit: r.width)

        let leftW = r.width * 54 / 100, rightW = r.width - leftW
        let top = r.y + 1, bottom = r.maxY
        let contactsH = max(4, (bottom - top) / 2 + 1)
        // Today's contacts.
        let contactRows = today.map { i -> (String, Attr) in
            let ct = l.contacts[i]
            let time = Clock.time(ct.at, m.utcOffset)
            let code = l.clients[Int(ct.client)].uic.code
            var summary = Queries.itemsSummary(l, ct, catalogue: m.config.catalogue, language: m.language)
            if ct.overdose >= 0 { summary = "⚑ " + summary }
            return ("\(time) \(Width.pad(code, to: 8)) \(summary)", .normal)
        }
        panel(m, &c, .contacts, Rect(x: 0, y: top, width: leftW, height: contactsH), title: m.t("tui.home.contacts"),
              rows: contactRows, empty: m.t("tui.home.noContacts"))
        // Referrals due.
        let refTop = top + contactsH
        let refH = bottom - refTop
        let due = Queries.referralsDue(l, today: m.today, role: s.role)
        if refH >= 3 {
            // Lazily: at 1 M contacts thousands of referrals are due, and only the visible
            // rows are formatted (formatting all of them was most of the home frame).
            let rows = due.lazy.map { ref -> (text: String, attr: Attr) in
                let overdue = (ref.due ?? .max) < m.today
                let when = ref.due.map(Clock.shortDate) ?? "  —  "
                let flag = ref.conflict ? "⚠" : overdue ? "!" : " "
                return ("\(flag)\(when) \(Width.pad(ref.client.code, to: 8)) \(View.serviceName(m, ref.service))",
                        overdue || ref.conflict ? .warning : .normal)
            }
            panel(m, &c, .referrals, Rect(x: 0, y: refTop, width: leftW, height: refH),
                  title: m.t("tui.home.referralsDue", String(due.count)), rows: rows, empty: m.t("tui.home.noReferrals"))
        }
        // Stock alerts.
        let alerts = Queries.alerts(l, catalogue: m.config.catalogue, site: s.point, today: m.today)
        let menuItems = menu(m)
        let menuH = menuItems.count + 2
        let alertsH = max(3, bottom - top - menuH)
        panel(m, &c, .alerts, Rect(x: leftW, y: top, width: rightW, height: alertsH),
              title: m.t("tui.home.alerts", String(alerts.count)), rows: alerts.map { alertText(m, $0) },
              empty: m.t("tui.home.noAlerts"))
        // Menu.
        let menuTop = top + alertsH
        c.box(x: leftW, y: menuTop, width: rightW, height: bottom - menuTop, title: m.t("tui.home.menu"))
        for (row, item) in menuItems.enumerated() where menuTop + 1 + row < bottom - 1 {
            c.put(item.key, x: leftW + 2, y: menuTop + 1 + row, .hotkey)
            c.put(item.label, x: leftW + 2 + Width.of(item.key) + 1, y: menuTop + 1 + row, .normal, limit: rightW - 6 - Width.of(item.key))
        }
    }

    /// A boxed list: the focused panel shows its selected row and scrolls to keep it in view;
    /// rows that do not fit are counted in "+N more" on the bottom edge.
    static func panel<Rows: RandomAccessCollection>(_ m: Model, _ c: inout Canvas, _ p: HomePanel, _ r: Rect, title: String,
                                                    rows: Rows, empty: String)
        where Rows.Element == (text: String, attr: Attr), Rows.Index == Int {
        let focused = m.home.focus == p
        c.box(x: r.x, y: r.y, width: r.width, height: r.height, title: (focused ? "▶ " : "") + title,
              titleAttr: focused ? .selected : .heading)
        let inner = r.width - 4, visible = r.height - 2
        guard visible > 0 else { return }
        if rows.isEmpty { c.put(empty, x: r.x + 2, y: r.y + 1, .dim, limit: inner) }
        let start = focused ? View.scroll(selection: m.home.selection, visible: visible, count: rows.count) : 0
        for row in 0..<min(visible, max(0, rows.count - start)) {
            let i = start + row
            let sel = focused && i == m.home.selection
            if sel { c.fill(x: r.x + 1, y: r.y + 1 + row, width: r.width - 2, height: 1, .selected) }
            c.put(View.marker(sel), x: r.x + 1, y: r.y + 1 + row, sel ? .selected : .normal)
            c.put(rows[i].text, x: r.x + 2, y: r.y + 1 + row, sel ? .selected : rows[i].attr, limit: inner)
        }
        if focused, p == .contacts, !rows.isEmpty {
            // What can be done with the picked contact, on the bottom edge.
            c.put(" " + m.t("tui.home.amendHint") + " ", x: r.x + 2, y: r.y + r.height - 1, .dim, limit: max(0, inner - 12))
        }
        let hidden = rows.count - min(visible, rows.count - start)
        if hidden > 0 {
            let more = " " + m.t("tui.home.more", String(hidden)) + " "
            c.put(more, x: r.x + r.width - 2 - Width.of(more), y: r.y + r.height - 1, .dim)
        }
    }

    static func menu(_ m: Model) -> [(key: String, label: String)] {
        KeyMap.bindings(.home, role: m.role).compactMap { b in
            guard let letter = b.keys.first(where: \.isPrintable) else { return nil }
            if b.command.name.hasPrefix("go"), let f = b.functionKey {
                return ("\(letter.name)/F\(f)", m.t("tui.cmd.\(b.command.name)"))
            }
            if b.command == .goStore || b.command == .goSync { return (letter.name, m.t("tui.cmd.\(b.command.name)")) }
            guard b.command == .newIncident || b.command == .newActivity else { return nil }
            return (letter.name, m.t("tui.cmd.\(b.command.name)"))
        }
    }

    static func alertText(_ m: Model, _ a: Queries.Alert) -> (text: String, attr: Attr) {
        let name = View.itemName(m, a.item)
        switch a.kind {
        case .low(let level, let threshold):
            return (m.t("tui.alert.low", name, String(level), String(threshold)), .warning)
        case .out:
            return (m.t("tui.alert.out", name), .error)
        case .expiring(let q, let e):
            return (m.t("tui.alert.expiring", name, String(q), Clock.shortDate(e)), .warning)
        case .expired(let q, let e):
            return (m.t("tui.alert.expired", name, String(q), Clock.shortDate(e)), .error)
        case .discrepancy(let n, let short):
            return (m.t("tui.alert.discrepancy", name, String(n), String(short)), .warning)
        case .inTransit(let q, let from):
            return (m.t("tui.alert.inTransit", name, String(q), View.pointName(m, from)), .normal)
        }
    }
}
