import SenimCore

/// The duplicate finder (coordinators): likely duplicate code pairs from
/// `SenimCore.DuplicateFinder`, the selected pair side by side, merge after a confirmation.
/// The suggested survivor is the code with more contacts (the earlier one on a tie); F3 swaps.
enum DuplicatesScreen {
    static func pairs(_ m: Model) -> [DuplicatePair] {
        guard let l = m.session?.ledger else { return [] }
        return DuplicateFinder.pairs(in: l, formula: m.config.uic)
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
        let list = pairs(m)
        if Screens.isMove(cmd) {
            let old = m.duplicates.selection
            m.duplicates.selection = Screens.move(old, cmd, count: list.count)
            if m.duplicates.selection != old { m.duplicates.flipped = false }
            return []
        }
        switch cmd {
        case .back:
            return Screens.go(&m, .clients)
        case .swapSides:
            m.duplicates.flipped.toggle()
        case .merge:
            guard list.indices.contains(m.duplicates.selection) else {
                m.status = Status(Message("tui.dup.none"), .warning)
                return []
            }
            let d = direction(m, list[m.duplicates.selection])
            m.dialog = .confirm(Confirm(title: Message("tui.dup.confirm.title", d.from.code, d.into.code),
                                        lines: [Message("tui.dup.confirm.body", d.from.code, d.into.code)],
                                        action: .merge(from: d.from, into: d.into), yesFocused: false))
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
