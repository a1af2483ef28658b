import SenimCore

/// The home screen's panels: Tab focuses today's contacts, the referrals due, the stock
/// alerts in turn; arrows choose a row; Enter opens it where it lives (the client card, the
/// referral, the item on the Stock screen). Esc leaves the panel.
enum HomeScreen {
    /// How many rows `panel` lists.
    static func count(_ m: Model, _ panel: HomePanel) -> Int {
        guard let s = m.session else { return 0 }
        switch panel {
        case .contacts: return Queries.contacts(s.ledger, site: s.point, day: m.today, utcOffset: m.utcOffset).count
        case .referrals: return Queries.referralsDue(s.ledger, today: m.today, role: s.role).count
        case .alerts: return Queries.alerts(s.ledger, catalogue: m.config.catalogue, site: s.point, today: m.today).count
        }
    }

    static func run(_ m: inout Model, _ cmd: Command) -> [Effect] {
        switch cmd {
        case .nextPanel, .prevPanel:
            let all = HomePanel.allCases
            let d = cmd == .nextPanel ? 1 : all.count - 1
            let start = m.home.focus.map { (all.firstIndex(of: $0)! + d) % all.count } ?? (cmd == .nextPanel ? 0 : all.count - 1)
            m.home.focus = all[start]
            m.home.selection = 0
        case .back:
            m.home.focus = nil
        case .up, .down, .pageUp, .pageDown, .top, .bottom:
            guard let p = m.home.focus else { return [] }
            m.home.selection = Screens.move(m.home.selection, cmd, count: count(m, p))
        case .open:
            return open(&m)
        case .newIncident:
            m.dialog = .form(Forms.incident(m))
        case .newActivity:
            m.dialog = .form(Forms.activity(m))
        case .edit, .void:
            // The contact picked in today's list, edited or voided as on the client card.
            guard let s = m.session, m.home.focus == .contacts else {
                m.status = Status(Message("tui.amend.pickToday"), .warning)
                return []
            }
            let list = Queries.contacts(s.ledger, site: s.point, day: m.today, utcOffset: m.utcOffset)
            guard list.indices.contains(m.home.selection) else { return [] }
            let id = s.ledger.contacts[list[m.home.selection]].id
            return cmd == .edit ? Screens.edit(&m, id, from: .home) : Screens.void(&m, id)
        default:
            break
        }
        return []
    }

    static func open(_ m: inout Model) -> [Effect] {
        guard let s = m.session, let p = m.home.focus else { return [] }
        let l = s.ledger
        let i = m.home.selection
        switch p {
        case .contacts:
            let list = Queries.contacts(l, site: s.point, day: m.today, utcOffset: m.utcOffset)
            guard list.indices.contains(i) else { return [] }
            let u = l.survivor(l.clients[Int(l.contacts[list[i]].client)].uic)
            let effects = Screens.go(&m, .clients)
            m.clients.card = u
            m.clients.cardScroll = 0
            return effects
        case .referrals:
            let list = Queries.referralsDue(l, today: m.today, role: s.role)
            guard list.indices.contains(i) else { return [] }
            let r = list[i]
            let effects = Screens.go(&m, .referrals)
            m.referrals.filter = .open
            m.referrals.due = .any
            m.referrals.selection = Screens.referralList(m).firstIndex { $0.id == r.id } ?? 0
            m.referrals.detail = r.id
            return effects + Screens.openNotesIfAllowed(m, r)
        case .alerts:
            let list = Queries.alerts(l, catalogue: m.config.catalogue, site: s.point, today: m.today)
            guard list.indices.contains(i) else { return [] }
            let a = list[i]
            let effects = Screens.go(&m, .stock)
            m.stock.site = nil
            if case .inTransit = a.kind {
                m.stock.tab = .transit
                m.stock.selection = 0
            } else {
                m.stock.tab = .levels
                m.stock.selection = m.config.catalogue.items.firstIndex { $0.id == a.item } ?? 0
                // An expiry alert opens the item's lots (the earliest expiry is the first one).
                switch a.kind {
                case .expired, .expiring:
                    m.stock.lotsItem = a.item
                    m.stock.lotSelection = 0
                default: break
                }
            }
            return effects
        }
    }
}
