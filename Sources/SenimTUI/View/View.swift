import SenimCore

/// Paints a model onto a canvas. Pure: the same model always gives the same canvas.
public enum View {
    public static func render(_ m: Model) -> Canvas {
        var c = Canvas(width: m.width, height: m.height)
        if m.tooSmall {
            tooSmall(m, &c)
            return c
        }
        if m.isLocked {
            UnlockView.paint(m, &c)
        } else if let b = m.busy {
            // A job runs: the title bar (with the clock), the job's box, the status line; no
            // screen body or dialog, which would read the ledger the job may be changing.
            titleBar(m, &c)
            if m.status != nil { statusLine(m, &c) }   // not the screen's key hint: keys wait
            c.fill(x: 0, y: c.height - 1, width: c.width, height: 1, .barLabel)
            BusyView.paint(m, b, &c)
        } else {
            titleBar(m, &c)
            let body = Rect(x: 0, y: 1, width: m.width, height: m.height - 3)
            switch m.screen {
            case .home: HomeView.paint(m, &c, body)
            case .contact: ContactView.paint(m, &c, body)
            case .clients: ClientsView.paint(m, &c, body)
            case .referrals: ReferralsView.paint(m, &c, body)
            case .stock: StockView.paint(m, &c, body)
            case .reports: ReportsView.paint(m, &c, body)
            case .users: UsersView.paint(m, &c, body)
            case .settings: SettingsView.paint(m, &c, body)
            case .notes: NotesAccessView.paint(m, &c, body)
            case .duplicates: DuplicatesView.paint(m, &c, body)
            case .store: StoreView.paint(m, &c, body)
            case .sync: SyncView.paint(m, &c, body)
            }
            statusLine(m, &c)
            functionBar(m, &c, KeyMap.bindings(m.screen, role: m.role, catalogue: m.config.catalogue))
            if let d = m.dialog {
                c.cursor = nil
                DialogView.paint(m, d, &c)
            }
            if let h = m.help {
                c.cursor = nil
                HelpView.paint(m, h, &c)
            }
        }
        return c
    }

    static func tooSmall(_ m: Model, _ c: inout Canvas) {
        let lines = wrap(m.t("tui.tooSmall", String(Model.minWidth), String(Model.minHeight), String(m.width), String(m.height)),
                         width: max(1, m.width - 2))
        for (i, l) in lines.enumerated() where i < m.height {
            c.put(l, x: 1, y: i, .warning)
        }
    }

    static func screenTitle(_ m: Model) -> String { m.t("tui.screen.\(m.screen.rawValue)") }

    static func titleBar(_ m: Model, _ c: inout Canvas) {
        c.fill(x: 0, y: 0, width: c.width, height: 1, .title)
        guard let s = m.session else { return }
        let right = "\(s.user) · \(m.t("role.\(s.role.rawValue)")) · \(Clock.time(m.now, m.utcOffset)) "
        let rw = Width.of(right)
        let point = m.config.points.point(s.point)?.names[m.language] ?? s.point
        let left = " Senim │ \(screenTitle(m)) │ \(point)"
        c.put(left, x: 0, y: 0, .title, limit: max(0, c.width - rw - 1))
        c.put(right, x: max(0, c.width - rw), y: 0, .title)
    }

    static func statusLine(_ m: Model, _ c: inout Canvas) {
        let y = c.height - 2
        if let s = m.status {
            let attr: Attr = switch s.kind {
            case .info: .status
            case .success: .success
            case .warning: .warning
            case .error: .error
            }
            // A long message takes the line above too rather than being cut.
            let lines = wrap(m.text(s.message), width: c.width - 2)
            if lines.count > 1 {
                c.put(" " + lines[0], x: 0, y: y - 1, attr, exactly: c.width)
                c.put(" " + lines.dropFirst().joined(separator: " "), x: 0, y: y, attr, exactly: c.width)
            } else {
                c.put(" " + (lines.first ?? ""), x: 0, y: y, attr, exactly: c.width)
            }
        } else {
            c.put(" " + hint(m), x: 0, y: y, .dim, exactly: c.width)
        }
    }

    /// The line of advice shown when there is no message.
    static func hint(_ m: Model) -> String {
        switch m.screen {
        case .contact: return m.t("tui.hint.contact.\(m.contact.section)")
        case .clients:
            if !m.clients.searching, let u = m.clients.card, m.role.map({ Policy.allows($0, .unmergeClients) }) ?? false,
               (m.session?.ledger.person(u)?.codes.count ?? 0) > 1 {
                return m.t("tui.hint.clients.cardMerged")
            }
            return m.t(m.clients.searching ? "tui.hint.clients.search" : m.clients.card != nil ? "tui.hint.clients.card" : "tui.hint.clients")
        case .stock where m.stock.lotsItem != nil: return m.t(m.role == .coordinator ? "tui.hint.stock.lots" : "tui.hint.stock.lotsView")
        case .stock where m.stock.tab == .movements && m.role == .coordinator: return m.t("tui.hint.stock.movements")
        default: return m.t("tui.hint.\(m.screen.rawValue)")
        }
    }

    /// htop-style bar: "1Help 2Save …", the number plain and the label highlighted. Labels
    /// keep their natural width when everything fits, and are shortened only when not.
    static func functionBar(_ m: Model, _ c: inout Canvas, _ bindings: [Binding]) {
        let y = c.height - 1
        c.fill(x: 0, y: y, width: c.width, height: 1, .barLabel)
        let entries = KeyMap.bar(bindings).map { (key: String($0.0), label: m.t("tui.bar.\($0.1.name)")) }
        guard !entries.isEmpty else { return }
        var maxLabel = entries.map { Width.of($0.label) }.max() ?? 0
        func natural(_ cap: Int) -> Int { entries.reduce(0) { $0 + $1.key.count + min(cap, Width.of($1.label)) + 1 } }
        while maxLabel > 2 && natural(maxLabel) > c.width { maxLabel -= 1 }
        let extra = max(0, c.width - natural(maxLabel)) / entries.count
        var x = 0
        for e in entries {
            guard x < c.width else { break }
            let label = Width.prefix(e.label, fitting: maxLabel)
            let w = e.key.count + Width.of(label) + 1 + extra
            c.put(e.key, x: x, y: y, .barKey)
            c.put(Width.pad(label, to: w - e.key.count), x: x + e.key.count, y: y, .barLabel, limit: max(0, c.width - x - e.key.count))
            x += w
        }
    }

    /// Greedy word wrap by display width; long words are cut.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for para in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in para.split(separator: " ") {
                var w = String(word)
                while Width.of(w) > width {
                    if !line.isEmpty { lines.append(line); line = "" }
                    let head = Width.prefix(w, fitting: width)
                    lines.append(head)
                    w = String(w.dropFirst(head.count))
                }
                if line.isEmpty {
                    line = w
                } else if Width.of(line) + 1 + Width.of(w) <= width {
                    line += " " + w
                } else {
                    lines.append(line)
                    line = w
                }
            }
            lines.append(line)
        }
        return lines
    }

    static func label(_ m: Model, _ l: Label) -> String {
        switch l {
        case .key(let k): return m.t(k)
        case .text(let t): return t[m.language]
        case .raw(let r): return r
        }
    }

    /// Paints a text field `[text   ]` (brackets included in `width`) and, if focused, sets
    /// the cursor. The brackets keep fields visible without colour and in plain-text captures.
    static func field(_ m: Model, _ c: inout Canvas, _ f: TextField, x: Int, y: Int, width: Int, focused: Bool) {
        let inner = max(1, width - 2)
        let v = f.visible(columns: max(1, inner - 1))
        c.put("[", x: x, y: y, focused ? .heading : .dim)
        c.put(Width.pad(v.text, to: inner), x: x + 1, y: y, focused ? .fieldFocus : .field, limit: inner)
        c.put("]", x: x + 1 + inner, y: y, focused ? .heading : .dim)
        if focused { c.cursor = (x + 1 + v.cursor, y) }
    }

    static func itemName(_ m: Model, _ id: String) -> String { m.config.catalogue.item(id)?.names[m.language] ?? id }
    static func serviceName(_ m: Model, _ id: String) -> String { m.config.catalogue.service(id)?.names[m.language] ?? id }
    static func pointName(_ m: Model, _ id: String) -> String { m.config.points.point(id)?.names[m.language] ?? id }

    /// First index of a scrolled window of `visible` rows that keeps `selection` in view.
    static func scroll(selection: Int, visible: Int, count: Int) -> Int {
        guard visible > 0, count > visible else { return 0 }
        return min(max(0, selection - visible / 2), count - visible)
    }

    /// The row marker for a selected list row (visible without colour too).
    static func marker(_ selected: Bool) -> String { selected ? "›" : " " }
}

public struct Rect: Hashable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public var maxY: Int { y + height }
}
