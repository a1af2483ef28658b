import SenimCore

/// The Store screen: what backup and verify do, and the last result.
enum StoreView {
    static func paint(_ m: Model, _ c: inout Canvas, _ r: Rect) {
        var y = r.y
        c.put(" " + m.t("tui.store.heading"), x: 0, y: y, .heading, limit: r.width)
        y += 2
        for (key, text) in [("F2", "tui.store.backupInfo"), ("F3", "tui.store.verifyInfo"), ("F4", "tui.store.syncInfo")] {
            let lines = View.wrap(m.t(text), width: r.width - 7)
            for (i, l) in lines.enumerated() {
                if i == 0 { c.put(key, x: 2, y: y, .hotkey) }
                c.put(l, x: 6, y: y, .normal, limit: r.width - 7)
                y += 1
            }
        }
        y += 1
        guard let result = m.store.result else {
            c.put(" " + m.t("tui.store.noResult"), x: 0, y: y, .dim, limit: r.width)
            return
        }
        c.put(" " + m.t("tui.store.lastResult"), x: 0, y: y, .heading, limit: r.width)
        y += 1
        var rows: [(String, Attr)] = []
        switch result {
        case .backup(let b):
            rows.append((m.t("tui.store.backup.written", b.path), .success))
            rows.append((m.t("tui.store.backup.size", Self.size(b.bytes), String(b.events)), .normal))
            rows.append((m.t("tui.store.backup.keep"), .dim))
        case .verify(let v):
            rows.append((v.ok ? m.t("tui.store.verifyOk", String(v.events)) : m.t("tui.store.verifyBad"), v.ok ? .success : .error))
            for l in v.lines.dropFirst(m.store.scroll) {
                rows.append(((l.ok ? "ok  " : "BAD ") + l.file + ": " + l.text, l.ok ? .normal : .error))
            }
        case .failed(let message):
            rows.append((m.text(message), .error))
        }
        for (text, attr) in rows {
            for l in View.wrap(text, width: r.width - 3) {
                guard y < r.maxY else { return }
                c.put(l, x: 2, y: y, attr, limit: r.width - 3)
                y += 1
            }
        }
    }

    /// Bytes as the user reads them: "812 bytes", "1.4 MB" (decimal units).
    static func size(_ bytes: Int) -> String {
        if bytes < 10_000 { return "\(bytes) B" }
        if bytes < 10_000_000 { return "\((bytes + 500) / 1000) KB" }
        return "\((bytes + 500_000) / 1_000_000) MB"
    }
}

/// The Sync screen: this store's identity (the line and its fingerprint to read aloud), the
/// trusted peers, and the last export or import.
enum SyncView {
    static func paint(_ m: Model, _ c: inout Canvas, _ r: Rect) {
        var y = r.y
        guard let o = m.sync.overview else {
            c.put(" " + m.t("tui.sync.loading"), x: 0, y: y, .dim, limit: r.width)
            return
        }
        c.put(" " + m.t("tui.sync.identity"), x: 0, y: y, .heading, limit: r.width)
        y += 1
        for l in View.wrap(o.identityLine, width: r.width - 3).prefix(2) {
            c.put(l, x: 2, y: y, .normal, limit: r.width - 3)
            y += 1
        }
        c.put(m.t("tui.sync.fingerprint", o.fingerprint), x: 2, y: y, .normal, limit: r.width - 3)
        y += 2
        c.put(" " + m.t("tui.sync.peers", String(o.peers.count)), x: 0, y: y, .heading, limit: r.width)
        y += 1
        let cols = [(m.t("tui.sync.col.name"), 16), (m.t("tui.sync.col.fingerprint"), 21),
                    (m.t("tui.sync.col.sent"), 18), (m.t("tui.sync.col.received"), 18)]
        ClientsView.header(&c, cols, y: y)
        y += 1
        // Room for the peers; the selected peer's exchange line and the last result below.
        let resultRows = m.sync.result.isEmpty ? 0 : min(6, m.sync.result.count + 1)
        let listRows = max(1, r.maxY - y - 2 - resultRows)
        if o.peers.isEmpty {
            c.put(m.t("tui.sync.noPeers"), x: 2, y: y, .dim, limit: r.width - 3)
            y += 1
        } else {
            let start = View.scroll(selection: m.sync.selection, visible: listRows, count: o.peers.count)
            for (row, p) in o.peers.dropFirst(start).prefix(listRows).enumerated() {
                let sel = start + row == m.sync.selection
                let when = { (t: Timestamp?) in t.map { Clock.dateTime($0, m.utcOffset) } ?? "—" }
                ClientsView.line(&c, View.marker(sel), [p.name, p.fingerprint, when(p.lastSent), when(p.lastReceived)],
                                 cols.map(\.1), y: y, sel ? .selected : .normal)
                y += 1
            }
            if o.peers.indices.contains(m.sync.selection) {
                c.put(m.text(o.peers[m.sync.selection].status), x: 2, y: y, .dim, limit: r.width - 3)
                y += 1
            }
        }
        guard !m.sync.result.isEmpty else { return }
        y += 1
        c.put(" " + m.t(m.sync.resultFailed ? "tui.sync.lastFailed" : "tui.sync.lastResult"), x: 0, y: y,
              m.sync.resultFailed ? .error : .heading, limit: r.width)
        y += 1
        for message in m.sync.result {
            for l in View.wrap(m.text(message), width: r.width - 3) {
                guard y < r.maxY else { return }
                c.put(l, x: 2, y: y, m.sync.resultFailed ? .error : .normal, limit: r.width - 3)
                y += 1
            }
        }
    }
}

/// The modal shown while a background job runs: what it is, a progress bar (or a spinner when
/// the amount of work is unknown), the time it has taken. Painted over an empty body: the
/// screen beneath reads the ledger, which the job may be changing.
enum BusyView {
    static func paint(_ m: Model, _ b: Busy, _ c: inout Canvas) {
        let r = DialogView.frame(&c, width: 60, height: 9, title: m.t("tui.job.\(b.kind.rawValue)"))
        let inner = r.width - 6
        let elapsed = max(0, m.now - b.started)
        let clock = m.t("tui.job.elapsed", "\(elapsed / 60):" + (elapsed % 60 < 10 ? "0" : "") + "\(elapsed % 60)")
        if let f = b.fraction {
            let percent = Int(f * 100)
            let label = " \(percent)%"
            let barW = inner - Width.of(label)
            let full = Int(f * Double(barW))
            c.put(String(repeating: "█", count: full), x: r.x + 3, y: r.y + 2, .meterFull)
            c.put(String(repeating: "░", count: max(0, barW - full)), x: r.x + 3 + full, y: r.y + 2, .meterEmpty)
            c.put(label, x: r.x + 3 + barW, y: r.y + 2, .normal)
        } else {
            c.put("\(b.spinnerFrame) " + m.t("tui.job.working"), x: r.x + 3, y: r.y + 2, .normal, limit: inner)
        }
        c.put(clock, x: r.x + 3, y: r.y + 4, .dim, limit: inner)
        for (i, l) in View.wrap(m.t("tui.job.wait"), width: inner).prefix(2).enumerated() {
            c.put(l, x: r.x + 3, y: r.y + 5 + i, .dim, limit: inner)
        }
    }
}
