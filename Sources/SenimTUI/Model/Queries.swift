import SenimCore

/// Read-only questions the screens ask of the ledger. Pure functions of their inputs.
public enum Queries {
    /// Indices of contacts at `site` on local day `day`, newest first.
    public static func contacts(_ l: LedgerState, site: String, day: DayNumber, utcOffset: Int) -> [Int] {
        guard let s = l.sites.lookup(site) else { return [] }
        let from = Clock.start(of: day, utcOffset), to = Clock.start(of: day + 1, utcOffset)
        var out: [Int] = []
        var i = l.firstContact(atOrAfter: from)
        while i < l.contacts.count, l.contacts[i].at < to {
            if l.contacts[i].site == s { out.append(i) }
            i += 1
        }
        return out.reversed()
    }

    public struct Alert: Hashable, Sendable {
        public enum Kind: Hashable, Sendable {
            case low(level: Int64, threshold: Int)
            case out
            case expiring(quantity: Int64, expires: DayNumber)
            case expired(quantity: Int64, expires: DayNumber)
            case discrepancy(count: Int, shortfall: Int64)
            case inTransit(quantity: Int64, from: String)
        }
        public var item: String
        public var kind: Kind
    }

    /// Stock alerts at `site`: low or empty, lots expiring soon or expired, discrepancies,
    /// transfers on their way here.
    public static func alerts(_ l: LedgerState, catalogue: Catalogue, site: String, today: DayNumber) -> [Alert] {
        var out: [Alert] = []
        for item in catalogue.items {
            guard let lvl = l.level(site: site, item: item.id) else { continue }
            if lvl.level <= 0, lvl.discrepancies == 0 {
                out.append(Alert(item: item.id, kind: .out))
            } else if let t = item.lowStock, lvl.level < Int64(t), lvl.level > 0 {
                out.append(Alert(item: item.id, kind: .low(level: lvl.level, threshold: t)))
            }
            for lot in lvl.lots {
                guard let e = lot.expires, lot.remaining > 0 else { continue }
                switch Validator.lotExpiry(e, today: today) {
                case .expired?: out.append(Alert(item: item.id, kind: .expired(quantity: lot.remaining, expires: e)))
                case .expiresSoon?: out.append(Alert(item: item.id, kind: .expiring(quantity: lot.remaining, expires: e)))
                case nil: break
                }
            }
            if lvl.discrepancies > 0 {
                out.append(Alert(item: item.id, kind: .discrepancy(count: lvl.discrepancies, shortfall: lvl.shortfall)))
            }
        }
        if let s = l.sites.lookup(site) {
            for t in l.transfersInTransit where t.to == s {
                out.append(Alert(item: l.items[t.item], kind: .inTransit(quantity: t.quantity, from: l.sites[t.from])))
            }
        }
        return out
    }

    /// Open referrals, due first (no due date last), then by issue time.
    public static func referrals(_ l: LedgerState, filter: ReferralFilter, due: DueFilter, today: DayNumber) -> [ReferralRecord] {
        let list = l.referralList.filter { r in
            switch filter {
            case .open: if r.status.isClosed { return false }
            case .all: break
            default: if r.status.rawValue != filter.rawValue { return false }
            }
            switch due {
            case .any: return true
            case .overdue: return (r.due.map { $0 < today } ?? false) && !r.status.isClosed
            case .week: return r.due.map { $0 >= today && $0 < today + 7 } ?? false
            }
        }
        return list.sorted { a, b in
            let da = a.due ?? .max, db = b.due ?? .max
            return da != db ? da < db : a.issuedAt < b.issuedAt
        }
    }

    /// Open referrals due today or earlier (the home screen's follow-up list). Psychologists
    /// see referrals to psychological services first.
    /// Read from the ledger's due index; no record is copied (thousands are due at 1 M contacts).
    public static func referralsDue(_ l: LedgerState, today: DayNumber, role: Role) -> ReferralRows {
        // "Due" means due today or overdue (not tomorrow), as the user guide says.
        let open = l.openReferralRows(dueThrough: today)
        guard role == .psychologist else { return open }
        let psy: Set<String> = ["peer-psychologist", "mental-health", "narcologist"]
        var first: [Int32] = [], then: [Int32] = []
        for (k, r) in zip(open.positions, open) { if psy.contains(r.service) { first.append(k) } else { then.append(k) } }
        return open.picking(first + then)
    }

    /// Clients first seen at `site` since `start` (the home screen's "new"): a binary search
    /// for the day's first new client, then the day's clients only.
    public static func newClients(_ l: LedgerState, site: String, since start: Timestamp) -> Int {
        guard let s = l.sites.lookup(site) else { return 0 }
        var n = 0
        for c in l.clients[l.firstClient(seenAtOrAfter: start)...] where c.firstSite == s { n += 1 }
        return n
    }

    /// People one of whose codes contains the normalised search text (everyone if it is
    /// empty), most recently seen first. Merged codes count with their person.
    public static func clients(_ l: LedgerState, search: String) -> [Person] {
        let q = Letters.normaliseCode(search)
        var out = l.people()
        if !q.isEmpty { out = out.filter { p in p.codes.contains { $0.code.contains(q) } } }
        out.sort { $0.lastSeen != $1.lastSeen ? $0.lastSeen > $1.lastSeen : $0.uic < $1.uic }
        return out
    }

    /// Items handed out at `site` in the `days` days before `now`.
    public static func distributed(_ l: LedgerState, site: String, item: String, days: Int, now: Timestamp) -> Int64 {
        guard let s = l.sites.lookup(site), let it = l.items.lookup(item) else { return 0 }
        var total: Int64 = 0
        var i = l.firstContact(atOrAfter: now - Int64(days) * 86_400)
        while i < l.contacts.count, l.contacts[i].at <= now {
            let c = l.contacts[i]
            if c.site == s { for line in l.lines(of: c) where line.item == it { total += Int64(line.quantity) } }
            i += 1
        }
        return total
    }

    /// Days the current level lasts at the last 30 days' rate; nil when nothing was handed out.
    public static func daysLeft(level: Int64, distributedIn30Days d: Int64) -> Int? {
        guard d > 0 else { return nil }
        return Int(max(0, level) * 30 / d)
    }

    /// Movements at `site`, newest first, including contacts' distributions summed per day.
    public static func movements(_ l: LedgerState, site: String) -> [StockMovement] {
        guard let s = l.sites.lookup(site) else { return [] }
        return l.movements.filter { $0.site == s }.reversed()
    }

    /// A row of the Movements tab: a movement that counts, or a voided one as first written,
    /// with its history of voids.
    public struct MovementRow: Hashable, Sendable {
        public var id: EventID
        public var at: Timestamp
        public var kind: MovementKind
        public var item: String
        /// The change as recorded; nil for a voided count (its change depended on the level).
        public var delta: Int64?
        public var reason: WriteOffReason?
        public var author: String
        public var history: AmendmentHistory?
        public var voided: Bool { history?.voided ?? false }
    }

    /// `movements(l, site:)` with the voided movements of `site` among them (they no longer
    /// count, but the history is kept and shown), newest first.
    public static func movementRows(_ l: LedgerState, site: String) -> [MovementRow] {
        var rows = movements(l, site: site).map { mv in
            MovementRow(id: mv.id, at: mv.at, kind: mv.kind, item: l.items[mv.item], delta: mv.delta, reason: mv.reason,
                        author: l.workers[mv.author], history: l.amendments.isEmpty ? nil : l.amendments[mv.id])
        }
        var voided: [(Event, MovementRow)] = []
        for h in l.amendments.values where h.voided {
            guard let e = h.original, e.site == site else { continue }
            let row: MovementRow
            switch e.body {
            case .stockReceived(let r):
                row = MovementRow(id: e.id, at: e.at, kind: .received, item: r.item, delta: Int64(r.quantity), author: e.author, history: h)
            case .stockTransferred(let t):
                row = MovementRow(id: e.id, at: e.at, kind: .transferOut, item: t.item, delta: -Int64(t.quantity), author: e.author, history: h)
            case .stockWrittenOff(let w):
                row = MovementRow(id: e.id, at: e.at, kind: .writtenOff, item: w.item, delta: -Int64(w.quantity), reason: w.reason,
                                  author: e.author, history: h)
            case .stockCounted(let c):
                row = MovementRow(id: e.id, at: e.at, kind: .adjusted, item: c.item, delta: nil, author: e.author, history: h)
            default:
                continue
            }
            voided.append((e, row))
        }
        guard !voided.isEmpty else { return rows }
        // Newest first, in fold order (time, then event id) like the movements themselves.
        voided.sort { Event.foldsBefore($1.0, $0.0) }
        var out: [MovementRow] = []
        out.reserveCapacity(rows.count + voided.count)
        var v = 0
        for r in rows {
            while v < voided.count, (voided[v].1.at, voided[v].1.id) > (r.at, r.id) { out.append(voided[v].1); v += 1 }
            out.append(r)
        }
        out += voided[v...].map(\.1)
        rows = out
        return rows
    }

    /// A one-line summary of a contact's items: pack names if the contact used packs, else
    /// the first items.
    public static func itemsSummary(_ l: LedgerState, _ c: ContactRecord, catalogue: Catalogue, language: Language) -> String {
        var parts: [String] = []
        for line in l.lines(of: c) {
            let name = catalogue.item(l.items[line.item])?.names[language] ?? l.items[line.item]
            parts.append("\(name) \(line.quantity)")
        }
        for s in l.services(of: c) {
            parts.append(catalogue.service(l.services[s])?.names[language] ?? l.services[s])
        }
        return parts.joined(separator: ", ")
    }
}
