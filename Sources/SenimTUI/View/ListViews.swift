import SenimCore

enum ClientsView {
    static func paint(_ m: Model, _ c: inout Canvas, _ r: Rect) {
        guard let s = m.session else { return }
        if let u = m.clients.card {
            card(m, &c, r, u, s.ledger)
            return
        }
        let list = Queries.clients(s.ledger, search: m.clients.search.text)
        let label = m.t("tui.clients.search")
        c.put(" " + label, x: 0, y: r.y, m.clients.searching ? .heading : .normal)
        View.field(m, &c, m.clients.search, x: Width.of(label) + 2, y: r.y, width: 14, focused: m.clients.searching)
        c.put(m.t("tui.clients.count", String(list.count)), x: Width.of(label) + 18, y: r.y, .dim)
        let cols = [(m.t("tui.clients.col.code"), 10), (m.t("tui.clients.col.first"), 12), (m.t("tui.clients.col.last"), 12),
                    (m.t("tui.clients.col.contacts"), 9), (m.t("tui.clients.col.referrals"), 10), (m.t("tui.clients.col.profile"), 20)]
        header(&c, cols, y: r.y + 1)
        let open = openReferrals(s.ledger)
        let rows = r.height - 2
        let start = View.scroll(selection: m.clients.selection, visible: rows, count: list.count)
        if list.isEmpty { c.put("  " + m.t("tui.clients.none"), x: 0, y: r.y + 2, .dim) }
        for row in 0..<min(rows, max(0, list.count - start)) {
            let rec = list[start + row]
            let sel = start + row == m.clients.selection
            // "+" marks a person known by more than one code (merged); the card lists them.
            let values = [rec.uic.code + (rec.codes.count > 1 ? "+" : ""), Clock.isoDate(Clock.day(rec.firstSeen, m.utcOffset)),
                          Clock.isoDate(Clock.day(rec.lastSeen, m.utcOffset)), String(rec.contacts),
                          String(open[rec.uic] ?? 0), profile(m, rec.uic)]
            line(&c, View.marker(sel), values, cols.map(\.1), y: r.y + 2 + row, sel ? .selected : .normal)
        }
    }

    /// Open referrals per person (under the surviving code).
    static func openReferrals(_ l: LedgerState) -> [UIC: Int] {
        var out: [UIC: Int] = [:]
        for r in l.referrals.values where !r.status.isClosed { out[l.survivor(r.client), default: 0] += 1 }
        return out
    }

    /// Sex and age group read from the code itself (nothing else about a client exists).
    static func profile(_ m: Model, _ u: UIC) -> String {
        var parts: [String] = []
        if let sex = m.config.uic.sex(of: u) { parts.append(m.t("tui.sex.\(sex)")) }
        let year = Clock.civil(m.today).year
        if let born = m.config.uic.birthYear(of: u, referenceYear: year) {
            parts.append(m.t(year - born < 25 ? "tui.age.under25" : "tui.age.over25"))
        }
        return parts.joined(separator: ", ")
    }

    /// Routes, substances, OAT and gender from the client's profile (F4 changes them).
    static func profileSummary(_ m: Model, _ p: ProfileState?) -> String {
        let p = p ?? ProfileState()
        let routes = Route.allCases.filter { p.routes.contains($0) }.map { m.t("profile.route.\($0.rawValue)") }
        let substances = Substance.allCases.filter { p.substances.contains($0) }.map { m.t("profile.substance.\($0.rawValue)") }
        return [routes.isEmpty ? m.t("tui.card.noRoute") : routes.joined(separator: ", "),
                substances.isEmpty ? nil : substances.joined(separator: ", "),
                m.t("tui.card.oat", m.t("profile.oat.\((p.oat ?? .unknown).rawValue)")),
                p.gender.map { m.t("profile.gender.\($0.rawValue)") }].compactMap { $0 }.joined(separator: " · ")
    }

    static func header(_ c: inout Canvas, _ cols: [(String, Int)], y: Int) {
        var x = 2
        for (title, w) in cols {
            c.put(Width.pad(title, to: w - 1), x: x, y: y, .heading, limit: max(0, min(w - 1, c.width - x)))
            x += w
        }
    }

    static func line(_ c: inout Canvas, _ marker: String, _ values: [String], _ widths: [Int], y: Int, _ attr: Attr) {
        if attr == .selected { c.fill(x: 0, y: y, width: c.width, height: 1, .selected) }
        c.put(marker, x: 0, y: y, attr)
        var x = 2
        for (v, w) in zip(values, widths) {
            c.put(Width.pad(v, to: w - 1), x: x, y: y, attr, limit: max(0, min(w - 1, c.width - x)))
            x += w
        }
    }

    static func card(_ m: Model, _ c: inout Canvas, _ r: Rect, _ u: UIC, _ l: LedgerState) {
        guard let p = l.person(u) else { return }
        c.put(" " + m.t("tui.card.title", p.uic.code, profile(m, p.uic)), x: 0, y: r.y, .heading, limit: r.width)
        let first = Clock.isoDate(Clock.day(p.firstSeen, m.utcOffset))
        let seen = View.wrap(m.t("tui.card.seen", first, View.pointName(m, l.sites[p.firstSite]), String(p.contacts),
                                 Clock.isoDate(Clock.day(p.lastSeen, m.utcOffset))), width: r.width - 2)
        for (i, line) in seen.prefix(2).enumerated() { c.put(" " + line, x: 0, y: r.y + 1 + i, .normal, limit: r.width) }
        let lines = cardLines(m, p, l)
        let rows = r.height - 3
        // Keep the picked contact in view.
        let picked = lines.firstIndex { $0.1 == .selected } ?? 0
        let wanted = picked >= m.clients.cardScroll + rows ? picked - rows + 1 : min(m.clients.cardScroll, picked)
        let start = min(max(0, wanted), max(0, lines.count - rows))
        for (row, ln) in lines.dropFirst(start).prefix(rows).enumerated() {
            c.put(ln.0, x: 1, y: r.y + 3 + row, ln.1, limit: r.width - 2)
        }
    }

    /// The card's scrolling part for the open card (End scrolls to its last line).
    static func cardLineCount(_ m: Model) -> Int {
        guard let l = m.session?.ledger, let u = m.clients.card, let p = l.person(u) else { return 0 }
        return cardLines(m, p, l).count
    }

    /// Referrals and contacts under every code of the person, newest first.
    static func cardLines(_ m: Model, _ p: Person, _ l: LedgerState) -> [(String, Attr)] {
        let u = p.uic
        let codes = Set(p.codes)
        var lines: [(String, Attr)] = [(m.t("tui.card.profile", profileSummary(m, l.profile(of: u))), .normal)]
        if p.codes.count > 1 {
            // Every code the person is known by (merged ones after the surviving one).
            lines.append((m.t("tui.card.codes", p.codes.map(\.code).joined(separator: ", ")), .warning))
            lines.append(("", .normal))
        }
        let refs = l.referralList.filter { codes.contains($0.client) }
        lines.append((m.t("tui.card.referrals", String(refs.count)), .heading))
        for ref in refs.reversed() {
            let due = ref.due.map(Clock.isoDate) ?? "—"
            let overdue = !ref.status.isClosed && (ref.due ?? .max) < m.today
            lines.append(("  \(Clock.isoDate(Clock.day(ref.issuedAt, m.utcOffset)))  \(Width.pad(View.serviceName(m, ref.service), to: 26)) "
                          + "\(Width.pad(m.t("tui.status.\(ref.status.rawValue)"), to: 14)) \(m.t("tui.card.due", due))"
                          + (ref.conflict ? "  ⚠ " + m.t("tui.referrals.conflict") : ""),
                          overdue || ref.conflict ? .warning : .normal))
        }
        let contacts = l.contacts(of: u)
        lines.append(("", .normal))
        lines.append((m.t("tui.card.contacts", String(contacts.count)) + "  " + m.t("tui.card.amendHint"), .heading))
        for (n, i) in contacts.reversed().enumerated() {
            let ct = l.contacts[i]
            let when = "\(Clock.isoDate(Clock.day(ct.at, m.utcOffset))) \(Clock.time(ct.at, m.utcOffset))"
            let picked = n == m.clients.cardSelection
            var text = (picked ? "› " : "  ") + "\(when)  \(Width.pad(View.pointName(m, l.sites[ct.site]), to: 18)) "
                + Queries.itemsSummary(l, ct, catalogue: m.config.catalogue, language: m.language)
            let detail = ct.hasDetail ? l.contactDetails[Int32(i)] : nil
            if ct.overdose >= 0 {
                let o = m.config.catalogue.overdoseOutcome(l.outcomes[ct.overdose])?.names[m.language] ?? l.outcomes[ct.overdose]
                text += "  ⚑ " + m.t("tui.card.overdose", o)
            }
            lines.append((text, picked ? .selected : ct.overdose >= 0 ? .warning : .normal))
            // Details on a line of their own: overdose kind, who came, rapid test results.
            if let detail {
                let words = [detail.overdoseKind.map { "⚑ " + m.t("overdose.kind." + $0.rawValue) }].compactMap { $0 }
                    + detail.responders.map { m.t("tui.contact.responder." + $0.rawValue) }
                    + detail.results.map { "\(View.serviceName(m, $0.service)): \(m.t("test.result." + $0.result.rawValue))" }
                if !words.isEmpty { lines.append(("      " + words.joined(separator: " · "), .dim)) }
            }
            if let note = l.contactNotes[Int32(i)] {
                lines.append(("      “" + note + "”", .dim))
            }
            if let h = l.amendments[ct.id] {
                for line in history(m, h) { lines.append(("      " + line, .dim)) }
            }
        }
        return lines
    }
}

extension ClientsView {
    /// "corrected by aigerim 01.12 16:20: Syringe 2 ml 100 → 10", one line per correction or void.
    static func history(_ m: Model, _ h: AmendmentHistory) -> [String] {
        let cat = m.config.catalogue
        func name(_ id: String) -> String {
            cat.item(id)?.names[m.language] ?? cat.service(id)?.names[m.language] ?? cat.contactType(id)?.names[m.language]
                ?? cat.overdoseOutcome(id)?.names[m.language] ?? id
        }
        var current: Contact?
        if case .contactLogged(let c)? = h.original?.body { current = c }
        return h.changes.map { a in
            let when = "\(Clock.shortDate(Clock.day(a.at, m.utcOffset))) \(Clock.time(a.at, m.utcOffset))"
            guard let new = a.correction else { return m.t("tui.amend.history.voided", a.author, when, m.t("tui.amend.reason.\(a.reason.rawValue)")) }
            let what = current.map { ContactDiff.describe(ContactDiff.changes(from: $0, to: new), name: name,
                                                          label: { m.t("tui.amend.field.\($0)") }) } ?? ""
            current = new
            return m.t("tui.amend.history.corrected", a.author, when, what)
        }
    }
}

enum ReferralsView {
    static func paint(_ m: Model, _ c: inout Canvas, _ r: Rect) {
        guard let s = m.session else { return }
        let list = Screens.referralList(m)
        if let id = m.referrals.detail, let ref = s.ledger.referrals[id] {
            detail(m, &c, r, ref)
            return
        }
        c.put(" " + m.t("tui.referrals.filters", m.t("tui.filter.\(m.referrals.filter.rawValue)"),
                       m.t("tui.due.\(m.referrals.due.rawValue)"), String(list.count)), x: 0, y: r.y, .normal, limit: r.width)
        let cols = [(m.t("tui.referrals.col.id"), 10), (m.t("tui.referrals.col.client"), 9), (m.t("tui.referrals.col.service"), 26),
                    (m.t("tui.referrals.col.status"), 14), (m.t("tui.referrals.col.due"), 12), ("", 7)]
        ClientsView.header(&c, cols, y: r.y + 1)
        let rows = r.height - 2
        let start = View.scroll(selection: m.referrals.selection, visible: rows, count: list.count)
        if list.isEmpty { c.put("  " + m.t("tui.referrals.empty"), x: 0, y: r.y + 2, .dim) }
        for row in 0..<min(rows, max(0, list.count - start)) {
            let ref = list[start + row]
            let sel = start + row == m.referrals.selection
            let overdue = !ref.status.isClosed && (ref.due ?? .max) < m.today
            let flags = (ref.conflict ? "⚠" : "") + (overdue ? "!" : "")
            let values = [ref.id.short, ref.client.code, View.serviceName(m, ref.service),
                          m.t("tui.status.\(ref.status.rawValue)"), ref.due.map(Clock.isoDate) ?? "—", flags]
            ClientsView.line(&c, View.marker(sel), values, cols.map(\.1), y: r.y + 2 + row,
                             sel ? .selected : (overdue || ref.conflict) ? .warning : .normal)
        }
    }

    static func detail(_ m: Model, _ c: inout Canvas, _ r: Rect, _ ref: ReferralRecord) {
        var lines: [(String, Attr)] = []
        lines.append((m.t("tui.referral.title", ref.id.short, ref.client.code, View.serviceName(m, ref.service)), .heading))
        lines.append((m.t("tui.referral.issued", Clock.isoDate(Clock.day(ref.issuedAt, m.utcOffset)), ref.issuedBy,
                          View.pointName(m, ref.site), ref.due.map(Clock.isoDate) ?? "—"), .normal))
        lines.append((m.t("tui.referral.status", m.t("tui.status.\(ref.status.rawValue)")), .normal))
        if ref.conflict {
            lines.append(("⚠ " + m.t("tui.referral.conflict"), .warning))
        }
        if let n = ref.note { lines.append((m.t("tui.referral.note", n), .normal)) }
        lines.append(("", .normal))
        lines.append((m.t("tui.referral.history", String(ref.history.count)), .heading))
        for h in ref.history {
            let when = "\(Clock.isoDate(Clock.day(h.at, m.utcOffset))) \(Clock.time(h.at, m.utcOffset))"
            lines.append(("  \(when)  \(Width.pad(h.author, to: 10)) \(Width.pad(m.t("tui.status.\(h.status.rawValue)"), to: 14)) \(h.note ?? "")", .normal))
        }
        // Confidential notes: only peer psychologists see that they exist at all.
        if let role = m.role, Policy.allows(role, .readConfidentialNotes) {
            lines.append(("", .normal))
            lines.append((m.t("tui.referral.confidential", String(ref.confidentialNotes.count)), .heading))
            if let notes = m.referrals.notes[ref.id] {
                for (i, n) in notes.enumerated() {
                    let at = i < ref.confidentialNoteTimes.count ? Clock.isoDate(Clock.day(ref.confidentialNoteTimes[i], m.utcOffset)) : ""
                    for (j, w) in View.wrap(n, width: r.width - 16).enumerated() {
                        lines.append(((j == 0 ? "  \(at)  " : String(repeating: " ", count: 14)) + w, .normal))
                    }
                }
            } else if !ref.confidentialNotes.isEmpty {
                lines.append(("  " + m.t("tui.referral.notesLoading"), .dim))
            }
        }
        for (row, ln) in lines.prefix(r.height).enumerated() {
            c.put(" " + ln.0, x: 0, y: r.y + row, ln.1, limit: r.width)
        }
    }
}

enum StockView {
    static func paint(_ m: Model, _ c: inout Canvas, _ r: Rect) {
        guard let s = m.session else { return }
        let site = Screens.stockSite(m)
        var x = 1
        x += c.put(m.t("tui.stock.point", View.pointName(m, site)) + "  ", x: x, y: r.y, .normal)
        for tab in StockTab.allCases {
            let on = tab == m.stock.tab
            x += c.put((on ? "[" : " ") + m.t("tui.stock.tab.\(tab.rawValue)") + (on ? "]" : " "), x: x, y: r.y, on ? .selected : .dim) + 1
        }
        let body = Rect(x: 0, y: r.y + 1, width: r.width, height: r.height - 1)
        switch m.stock.tab {
        case .levels:
            if let item = m.stock.lotsItem {
                StockLotsView.paint(m, &c, body, s.ledger, site, item: item)
            } else {
                levels(m, &c, body, s.ledger, site)
            }
        case .movements: movements(m, &c, body, s.ledger, site)
        case .transit: transit(m, &c, body, s.ledger)
        }
    }

    static func levels(_ m: Model, _ c: inout Canvas, _ r: Rect, _ l: LedgerState, _ site: String) {
        let cat = m.config.catalogue
        let nameW = 20, barW = max(8, r.width - 2 - nameW - 8 - 7 - 6 - 16)
        let cols = [(m.t("tui.stock.col.item"), nameW + 1), (m.t("tui.stock.col.level"), 8), ("", barW + 1),
                    (m.t("tui.stock.col.low"), 7), (m.t("tui.stock.col.days"), 6), (m.t("tui.stock.col.flags"), 16)]
        ClientsView.header(&c, cols, y: r.y)
        let levels = cat.items.map { l.level(site: site, item: $0.id) }
        let scale = max(1, levels.map { $0?.level ?? 0 }.max() ?? 1, cat.items.compactMap(\.lowStock).max().map(Int64.init) ?? 1)
        let rows = r.height - 1
        let start = View.scroll(selection: m.stock.selection, visible: rows, count: cat.items.count)
        for row in 0..<min(rows, cat.items.count - start) {
            let i = start + row
            let item = cat.items[i]
            let level = levels[i]?.level ?? 0
            let lots = levels[i]?.lots ?? []
            let discrepancies = levels[i]?.discrepancies ?? 0
            let sel = i == m.stock.selection
            let low = item.lowStock.map { level < Int64($0) } ?? false
            let used = Queries.distributed(l, site: site, item: item.id, days: 30, now: m.now)
            let days = Queries.daysLeft(level: level, distributedIn30Days: used).map(String.init) ?? "—"
            var flags: [String] = []
            if low { flags.append(m.t("tui.stock.flag.low")) }
            if let e = lots.compactMap(\.expires).min(), let mark = Validator.lotExpiry(e, today: m.today) {
                flags.append(m.t(mark == .expired ? "tui.stock.flag.expired" : "tui.stock.flag.expires", Clock.shortDate(e)))
            }
            if discrepancies > 0 { flags.append(m.t("tui.stock.flag.discrepancy")) }
            let y = r.y + 1 + row
            let attr: Attr = sel ? .selected : low ? .warning : .normal
            if sel { c.fill(x: 0, y: y, width: c.width, height: 1, .selected) }
            c.put(View.marker(sel), x: 0, y: y, attr)
            c.put(Width.pad(item.names[m.language], to: nameW), x: 2, y: y, attr)
            c.put(Width.pad(String(level), to: 7, .right), x: 2 + nameW + 1, y: y, attr)
            c.meter(x: 2 + nameW + 9, y: y, columns: barW, fraction: Double(max(0, level)) / Double(scale), low ? .meterLow : .meterFull)
            c.put(Width.pad(item.lowStock.map(String.init) ?? "", to: 6, .right), x: 2 + nameW + 10 + barW, y: y, attr)
            c.put(Width.pad(days, to: 5, .right), x: 2 + nameW + 17 + barW, y: y, attr)
            c.put(flags.joined(separator: " "), x: 2 + nameW + 23 + barW, y: y, low || !flags.isEmpty ? (sel ? .selected : .warning) : attr,
                  limit: r.width - (2 + nameW + 23 + barW))
        }
    }

    /// Movements newest first; a voided one stays, dimmed, with its history line under it.
    static func movements(_ m: Model, _ c: inout Canvas, _ r: Rect, _ l: LedgerState, _ site: String) {
        let list = Queries.movementRows(l, site: site)
        let cols = [(m.t("tui.stock.col.when"), 17), (m.t("tui.stock.col.kind"), 16), (m.t("tui.stock.col.item"), 21),
                    (m.t("tui.stock.col.change"), 9), (m.t("tui.stock.col.by"), 15)]
        ClientsView.header(&c, cols, y: r.y)
        if list.isEmpty { c.put("  " + m.t("tui.stock.noMovements"), x: 0, y: r.y + 1, .dim) }
        let rows = r.height - 1
        // Screen lines: each movement, then its history lines (not selectable).
        var lines: [(row: Int, history: String?)] = []
        let start = View.scroll(selection: m.stock.selection, visible: rows, count: list.count)
        for i in start..<list.count {
            lines.append((i, nil))
            if let h = list[i].history { for t in ClientsView.history(m, h) { lines.append((i, t)) } }
            if lines.count >= rows + 1 { break }
        }
        // Keep the selected movement on screen when history lines push it down.
        let selLine = lines.firstIndex { $0.row == m.stock.selection && $0.history == nil } ?? 0
        let skip = max(0, selLine - rows + 1)
        for (n, ln) in lines.dropFirst(skip).prefix(rows).enumerated() {
            let y = r.y + 1 + n
            if let text = ln.history {
                c.put("    " + text, x: 0, y: y, .dim, limit: r.width)
                continue
            }
            let mv = list[ln.row]
            let sel = ln.row == m.stock.selection
            let when = "\(Clock.isoDate(Clock.day(mv.at, m.utcOffset))) \(Clock.time(mv.at, m.utcOffset))"
            var kind = m.t("tui.movement.\(mv.kind.rawValue)")
            if let reason = mv.reason { kind += " (" + m.t("tui.reason.\(reason.rawValue)") + ")" }
            var change = mv.delta.map { ($0 > 0 ? "+" : "") + String($0) } ?? "—"
            if mv.voided { change = "(" + change + ")" }   // no longer counts; the line under it says why
            let values = [when, kind, View.itemName(m, mv.item), change, mv.author]
            ClientsView.line(&c, View.marker(sel), values, cols.map(\.1), y: y, sel ? .selected : mv.voided ? .dim : .normal)
        }
    }

    static func transit(_ m: Model, _ c: inout Canvas, _ r: Rect, _ l: LedgerState) {
        let list = Screens.transitList(m)
        let cols = [(m.t("tui.stock.col.sent"), 12), (m.t("tui.stock.col.from"), 22), (m.t("tui.stock.col.to"), 22),
                    (m.t("tui.stock.col.item"), 14), (m.t("tui.stock.col.qty"), 7)]
        ClientsView.header(&c, cols, y: r.y)
        if list.isEmpty { c.put("  " + m.t("tui.stock.noTransit"), x: 0, y: r.y + 1, .dim) }
        for (row, t) in list.prefix(r.height - 1).enumerated() {
            let sel = row == m.stock.selection
            let values = [Clock.isoDate(Clock.day(t.at, m.utcOffset)), View.pointName(m, l.sites[t.from]),
                          View.pointName(m, l.sites[t.to]), View.itemName(m, l.items[t.item]), String(t.quantity)]
            ClientsView.line(&c, View.marker(sel), values, cols.map(\.1), y: r.y + 1 + row, sel ? .selected : .normal)
        }
    }
}

enum ReportsView {
    static func paint(_ m: Model, _ c: inout Canvas, _ r: Rect) {
        guard m.session != nil, let report = ReportScreen.report(m) else { return }
        let period = ReportScreen.period(m)
        let scope = ReportScreen.scope(m).map { View.pointName(m, $0) } ?? m.t("tui.reports.allPoints")
        c.put(" " + m.t("tui.reports.title", period.label, m.t("tui.period.\(period.kind.rawValue)"), scope),
              x: 0, y: r.y, .heading, limit: r.width)
        if ReportScreen.exact(m) {
            c.put(" " + m.t("tui.reports.exact"), x: 0, y: r.y + 1, .warning, limit: r.width)
        } else {
            c.put(" " + m.t("tui.reports.suppressed", String(m.config.reporting.suppressCountsUpTo), m.config.reporting.marker),
                  x: 0, y: r.y + 1, .dim, limit: r.width)
        }
        // With a breakdown the table takes the whole width (the trend makes room for it).
        let split = m.reports.by != nil
        let leftW = split ? r.width : r.width * 64 / 100, rightW = r.width - leftW
        let h = r.height - 2
        let title = m.t("tui.reports.indicators") + (m.reports.by.map { " · " + m.t("tui.reports.by", m.config.strings.t("report.by.\($0.rawValue)", m.language, [])) } ?? "")
        c.box(x: 0, y: r.y + 2, width: leftW, height: h, title: title)
        let lines = ReportScreen.lines(m, report)
        let rows = h - 2
        let start = View.scroll(selection: m.reports.selection, visible: rows, count: lines.count)
        let cellW = 8
        for row in 0..<min(rows, max(0, lines.count - start)) {
            let i = start + row
            let y = r.y + 3 + row
            switch lines[i] {
            case .title(let t, let columns):
                let labelW = max(12, leftW - 15 - columns.count * cellW)
                c.put(t, x: 2, y: y, .heading, limit: labelW)
                // Column headings over the values (the total's heading is the table's own).
                var x = 2 + labelW
                for col in columns where x + cellW <= leftW - 12 {
                    c.put(Width.pad(col, to: cellW - 1, .right), x: x, y: y, .heading, limit: cellW - 1)
                    x += cellW
                }
            case .row(let label, let value, let suppressed, let splitValues):
                let sel = i == m.reports.selection
                let labelW = max(12, leftW - 15 - splitValues.count * cellW)
                var line = View.marker(sel) + " " + Width.pad(label, to: labelW - 1)
                var x = 2 + labelW
                for v in splitValues where x + cellW <= leftW - 12 {
                    line += Width.pad(v, to: cellW, .right)
                    x += cellW
                }
                line += Width.pad(value, to: 10, .right)
                c.put(line, x: 1, y: y, sel ? .selected : suppressed ? .dim : .normal, limit: leftW - 2)
            }
        }
        guard !split else { return }
        let trend = ReportScreen.trend(m)
        c.box(x: leftW, y: r.y + 2, width: rightW, height: min(h, trend.count + 2), title: m.t("tui.reports.trend"))
        let maxN = max(1, trend.map(\.contacts).max() ?? 1)
        let barW = max(4, rightW - 4 - 8 - 6)
        for (row, t) in trend.enumerated() where row < h - 2 {
            let y = r.y + 3 + row
            c.put(t.label, x: leftW + 2, y: y, .normal, limit: 7)
            c.meter(x: leftW + 10, y: y, columns: barW, fraction: Double(t.contacts) / Double(maxN))
            c.put(Width.pad(String(t.contacts), to: 5, .right), x: leftW + 10 + barW, y: y, .normal)
        }
    }
}

enum UsersView {
    static func paint(_ m: Model, _ c: inout Canvas, _ r: Rect) {
        guard let s = m.session else { return }
        let cols = [(m.t("tui.users.col.name"), 15), (m.t("tui.users.col.role"), 18), (m.t("tui.users.col.point"), 37), ("", 8)]
        c.put(" " + m.t("tui.users.count", String(m.users.accounts.count)), x: 0, y: r.y, .normal)
        ClientsView.header(&c, cols, y: r.y + 1)
        let start = View.scroll(selection: m.users.selection, visible: r.height - 2, count: m.users.accounts.count)
        for (row, u) in m.users.accounts.dropFirst(start).prefix(r.height - 2).enumerated() {
            let sel = start + row == m.users.selection
            let point = m.validator.point(ofUser: u.name, in: s.ledger, storePoint: s.storePoint)
            ClientsView.line(&c, View.marker(sel), [u.name, m.t("role.\(u.role.rawValue)"), View.pointName(m, point),
                                                    u.name == s.user ? m.t("tui.users.you") : ""],
                             cols.map(\.1), y: r.y + 2 + row, sel ? .selected : .normal)
        }
    }
}

enum SettingsView {
    static func paint(_ m: Model, _ c: inout Canvas, _ r: Rect) {
        let languageNames: [Language: String] = [.en: "English", .ru: "Русский", .kk: "Қазақша"]
        let rows: [(String, String)] = [
            (m.t("tui.settings.language"), languageNames[m.language]!),
            (m.t("tui.settings.colour"), m.t(m.usesColour ? "tui.settings.on" : "tui.settings.off")),
            (m.t("tui.settings.autolock"), m.t("tui.settings.minutes", String(m.autoLockMinutes))),
        ]
        let labelW = rows.map { Width.of($0.0) }.max()! + 3
        for (i, row) in rows.enumerated() {
            let sel = i == m.settings.selection
            c.put(View.marker(sel) + " " + row.0, x: 1, y: r.y + 1 + i * 2, sel ? .heading : .normal)
            c.put("‹ \(row.1) ›", x: labelW + 3, y: r.y + 1 + i * 2, sel ? .selected : .normal)
        }
        var y = r.y + 8
        for key in ["tui.settings.panicInfo", "tui.settings.passInfo", "tui.settings.noColorInfo"] {
            for l in View.wrap(m.t(key), width: r.width - 4) {
                c.put(l, x: 2, y: y, .dim)
                y += 1
            }
        }
    }
}

/// Peer psychologists: your own key fingerprint (to read aloud), then every psychologist's
/// access to confidential notes. Shows accounts and keys only, never anything about notes.
enum NotesAccessView {
    static func paint(_ m: Model, _ c: inout Canvas, _ r: Rect) {
        guard let s = m.session else { return }
        c.put(" " + m.t("tui.notes.yourFingerprint", s.keyFingerprint), x: 0, y: r.y, .heading, limit: r.width)
        let cols = [(m.t("tui.users.col.name"), 16), (m.t("tui.notes.col.access"), 22), (m.t("tui.notes.col.created"), 18),
                    (m.t("tui.notes.col.fingerprint"), 20)]
        ClientsView.header(&c, cols, y: r.y + 2)
        for (row, a) in m.notesAccess.rows.prefix(max(0, r.height - 6)).enumerated() {
            let sel = row == m.notesAccess.selection
            let access = m.t(a.holdsKey ? "tui.notes.holds" : a.mustChangePassphrase ? "tui.notes.oneTime" : "tui.notes.waiting")
            let created = a.createdBy.isEmpty ? "—"
                : a.createdBy + (a.createdAt == 0 ? "" : " " + Clock.shortDate(Clock.day(a.createdAt, m.utcOffset)))
            ClientsView.line(&c, View.marker(sel), [a.name + (a.name == s.user ? " *" : ""), access, created, a.fingerprint],
                             cols.map(\.1), y: r.y + 3 + row, sel ? .selected : (a.holdsKey ? .normal : .warning))
        }
        var y = r.y + 4 + min(m.notesAccess.rows.count, max(0, r.height - 6))
        for l in View.wrap(m.t("tui.notes.info"), width: r.width - 4) where y < r.maxY {
            c.put(l, x: 2, y: y, .dim)
            y += 1
        }
    }
}
