import SenimCore

/// The duplicate finder (coordinators): likely duplicate code pairs from
/// `SenimCore.DuplicateFinder`, the selected pair side by side, merge after a confirmation.
/// The suggested survivor is the code with more contacts (the earlier one on a tie); F3 swaps.
/// Below the likely pairs, the codes already merged: F5 (or `u`) undoes a merge, after a question.
enum DuplicatesScreen {
    static func pairs(_ m: Model) -> [DuplicatePair] {
        guard let l = m.session?.ledger else { return [] }
        return DuplicateFinder.pairs(in: l, formula: m.config.uic)
    }

    /// One row of the finder: a likely pair, or a code merged into another one.
    enum Row {
        case likely(DuplicatePair)
        case merged(from: UIC, into: UIC)
    }

    /// Codes merged into another one (the code each was merged into directly), in client order.
    static func merged(_ m: Model) -> [(from: UIC, into: UIC)] {
        guard let l = m.session?.ledger else { return [] }
        return l.clients.compactMap { c in c.mergedInto.map { (c.uic, l.clients[Int($0)].uic) } }
    }

    static func rows(_ m: Model) -> [Row] {
        pairs(m).map(Row.likely) + merged(m).map { Row.merged(from: $0.from, into: $0.into) }
    }

    /// The code `u` was merged into, if it was.
    static func mergedInto(_ m: Model, _ u: UIC) -> UIC? {
        guard let l = m.session?.ledger, let i = l.clientIndex[u], let into = l.clients[Int(i)].mergedInto else { return nil }
        return l.clients[Int(into)].uic
    }

    /// The question before an unmerge (starts on No).
    static func confirmUnmerge(from: UIC, into: UIC) -> Dialog {
        .confirm(Confirm(title: Message("tui.dup.unmerge.title", from.code, into.code),
                         lines: [Message("tui.dup.unmerge.body", from.code, into.code)],
                         action: .unmerge(from: from, into: into), yesFocused: false))
    }

    /// The selected pair as (merged away, surviving).
    static func direction(_ m: Model, _ p: DuplicatePair) -> (from: UIC, into: UIC) {
        guard let l = m.session?.ledger else { return (p.a, p.b) }
        let a = l.person(p.a), b = l.person(p.b)
        let ca = a?.contacts ?? 0, cb = b?.contacts ?? 0
        let keepA = ca != cb ? ca > cb : (a?.firstSeen ?? 0) <= (b?.firstSeen ?? 0)
        let d = keepA ? (p.b, p.a) : (p.a, p.b)
        return m.duplicates.flipped ? (d.1, d.0) : d
    }

    static func run(_ m: inout Model, _ cmd: Command) -> [Effect] {
        let list = rows(m)
        if Screens.isMove(cmd) {
            let old = m.duplicates.selection
            m.duplicates.selection = Screens.move(old, cmd, count: list.count)
            if m.duplicates.selection != old { m.duplicates.flipped = false }
            return []
        }
        let row: Row? = list.indices.contains(m.duplicates.selection) ? list[m.duplicates.selection] : nil
        switch cmd {
        case .back:
            return Screens.go(&m, .clients)
        case .swapSides:
            m.duplicates.flipped.toggle()
        case .merge:
            switch row {
            case .likely(let p)?:
                let d = direction(m, p)
                m.dialog = .confirm(Confirm(title: Message("tui.dup.confirm.title", d.from.code, d.into.code),
                                            lines: [Message("tui.dup.confirm.body", d.from.code, d.into.code)],
                                            action: .merge(from: d.from, into: d.into), yesFocused: false))
            case .merged(let from, let into)?:
                m.status = Status(Message("tui.dup.alreadyMerged", from.code, into.code), .info)
            case nil:
                m.status = Status(Message("tui.dup.none"), .warning)
            }
        case .unmerge:
            guard case .merged(let from, let into)? = row else {
                m.status = Status(Message("tui.dup.pickMerged"), .warning)
                return []
            }
            m.dialog = confirmUnmerge(from: from, into: into)
        default:
            break
        }
        return []
    }

    /// What the side-by-side view shows for one code (and any codes already merged into it).
    struct Summary {
        var person: Person
        var sites: [String]
        var items: [String]
    }

    static func summary(_ m: Model, _ u: UIC) -> Summary? {
        guard let l = m.session?.ledger, let p = l.person(u) else { return nil }
        var siteCount: [Int32: Int] = [:]
        var itemCount: [Int32: Int] = [:]
        for i in l.contacts(of: u) {
            let c = l.contacts[i]
            siteCount[c.site, default: 0] += 1
            for line in l.lines(of: c) { itemCount[line.item, default: 0] += Int(line.quantity) }
        }
        let sites = siteCount.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { View.pointName(m, l.sites[$0.key]) }
        let items = itemCount.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3)
            .map { View.itemName(m, l.items[$0.key]) }
        return Summary(person: p, sites: sites, items: Array(items))
    }
}
