/// The state events fold into: clients by UIC, contacts, per-site stock with lots and
/// expiry, referrals with their history, users.
///
/// Folding is deterministic and independent of arrival order: `fold` sorts events into the
/// canonical order (time, then event id) and drops repeated ids, so the same set of events
/// always gives the same state, whichever device each came from.
public struct LedgerState: Sendable {
    public var sites = Interner()
    public var items = Interner()
    public var services = Interner()
    public var workers = Interner()
    public var contactTypes = Interner()
    public var outcomes = Interner()

    public private(set) var clients: [ClientRecord] = []
    public private(set) var clientIndex: [UIC: Int32] = [:]
    /// Contacts in fold order (so, by time).
    public private(set) var contacts: [ContactRecord] = []
    public private(set) var contactItems: [ItemLine] = []
    public private(set) var contactServices: [Int32] = []
    /// Free-text notes by index into `contacts` (most contacts have none).
    public private(set) var contactNotes: [Int32: String] = [:]
    public private(set) var stock: [StockKey: StockLevel] = [:]
    public private(set) var movements: [StockMovement] = []
    public private(set) var discrepancies: [Discrepancy] = []
    public private(set) var transfers: [EventID: TransferRecord] = [:]
    public private(set) var referrals: [EventID: ReferralRecord] = [:]
    /// Referral ids in the order they were issued.
    public private(set) var referralOrder: [EventID] = []
    public private(set) var users: [String: Role] = [:]
    public private(set) var eventCount = 0
    /// The key of the last event applied (fold order); `append` needs events after it.
    public private(set) var last: (at: Timestamp, id: EventID)?

    private var pendingReceipts: [EventID: (at: Timestamp, site: Int32)] = [:]
    private var pendingUpdates: [EventID: [Event]] = [:]

    public struct StockKey: Hashable, Sendable {
        public var site: Int32
        public var item: Int32
        public init(site: Int32, item: Int32) {
            self.site = site
            self.item = item
        }
    }

    /// Starts empty; the catalogue's ids are interned first so that item and service indices
    /// follow catalogue order.
    public init(catalogue: Catalogue? = nil, points: Points? = nil) {
        if let catalogue {
            for i in catalogue.items { _ = items.intern(i.id) }
            for s in catalogue.services { _ = services.intern(s.id) }
            for t in catalogue.contactTypes { _ = contactTypes.intern(t.id) }
            for o in catalogue.overdoseOutcomes { _ = outcomes.intern(o.id) }
        }
        if let points { for p in points.points { _ = sites.intern(p.id) } }
    }

    /// Folds a set of events in canonical order. Repeated event ids count once.
    public static func fold(_ events: [Event], catalogue: Catalogue? = nil, points: Points? = nil) -> LedgerState {
        var s = LedgerState(catalogue: catalogue, points: points)
        s.reserve(events.count)
        let sorted = events.sorted(by: Event.foldsBefore)
        var previous: EventID?
        for e in sorted {
            if e.id == previous { continue }
            previous = e.id
            s.applyInOrder(e)
        }
        return s
    }

    public mutating func reserve(_ n: Int) {
        contacts.reserveCapacity(n)
        contactItems.reserveCapacity(n * 3)
    }

    /// Applies an event that folds after everything applied so far. Returns false (and
    /// changes nothing) if it does not: the caller must refold with `fold`.
    @discardableResult
    public mutating func append(_ e: Event) -> Bool {
        if let last {
            if e.id == last.id { return true }
            guard last.at < e.at || (last.at == e.at && last.id < e.id) else { return false }
        }
        applyInOrder(e)
        return true
    }

    /// Applies `e` assuming the caller keeps canonical order (used by loaders that read an
    /// already sorted snapshot followed by journal frames).
    public mutating func applyInOrder(_ e: Event) {
        eventCount += 1
        last = (e.at, e.id)
        let site = sites.intern(e.site)
        switch e.body {
        case .clientRegistered(let uic):
            _ = client(uic, at: e.at, site: site)
        case .contactLogged(let c):
            applyContact(e, c, site: site)
        case .stockReceived(let r):
            let item = items.intern(r.item)
            let q = Int64(r.quantity)
            update(site, item) { lvl in
                lvl.level += q
                if r.lot != nil || r.expires != nil {
                    lvl.lots.append(Lot(lot: r.lot, expires: r.expires, remaining: q))
                    lvl.lots.sort { ($0.expires ?? .max) < ($1.expires ?? .max) }
                }
            }
            movements.append(StockMovement(id: e.id, at: e.at, site: site, item: item, kind: .received,
                                           delta: q, reason: nil, author: workers.intern(e.author)))
        case .stockTransferred(let t):
            let item = items.intern(t.item)
            let to = sites.intern(t.to)
            let q = Int64(t.quantity)
            take(site, item, q, event: e)
            movements.append(StockMovement(id: e.id, at: e.at, site: site, item: item, kind: .transferOut,
                                           delta: -q, reason: nil, author: workers.intern(e.author)))
            var rec = TransferRecord(id: e.id, at: e.at, from: site, to: to, item: item, quantity: q, receivedAt: nil)
            if let p = pendingReceipts.removeValue(forKey: e.id) {
                rec.receivedAt = p.at
                receive(rec, at: p.at, site: p.site, id: e.id, author: workers.intern(e.author))
            }
            transfers[e.id] = rec
        case .stockTransferReceived(let r):
            if var rec = transfers[r.transfer] {
                guard rec.receivedAt == nil else { break }   // a second confirmation changes nothing
                rec.receivedAt = e.at
                transfers[r.transfer] = rec
                receive(rec, at: e.at, site: site, id: e.id, author: workers.intern(e.author))
            } else {
                pendingReceipts[r.transfer] = (e.at, site)
            }
        case .stockWrittenOff(let w):
            let item = items.intern(w.item)
            let q = Int64(w.quantity)
            take(site, item, q, event: e)
            movements.append(StockMovement(id: e.id, at: e.at, site: site, item: item, kind: .writtenOff,
                                           delta: -q, reason: w.reason, author: workers.intern(e.author)))
        case .stockCounted(let c):
            let item = items.intern(c.item)
            let current = stock[StockKey(site: site, item: item)]?.level ?? 0
            let delta = Int64(c.counted) - current
            if delta < 0 {
                update(site, item) { lvl in
                    lvl.level += delta
                    Self.consumeLots(&lvl, -delta)
                }
            } else {
                update(site, item) { $0.level += delta }
            }
            movements.append(StockMovement(id: e.id, at: e.at, site: site, item: item, kind: .adjusted,
                                           delta: delta, reason: nil, author: workers.intern(e.author)))
        case .referralIssued(let r):
            _ = client(r.client, at: e.at, site: site)
            guard referrals[e.id] == nil else { break }
            referrals[e.id] = ReferralRecord(
                id: e.id, client: r.client, service: r.service, site: e.site, issuedAt: e.at, issuedBy: e.author,
                due: r.due, note: r.note, status: .issued, statusAt: e.at, history: [], conflict: false,
                confidentialNotes: [], confidentialNoteTimes: [])
            referralOrder.append(e.id)
            if let waiting = pendingUpdates.removeValue(forKey: e.id) {
                for w in waiting { applyReferralEvent(w) }
            }
        case .referralUpdated(let u):
            if referrals[u.referral] == nil { pendingUpdates[u.referral, default: []].append(e); break }
            applyReferralEvent(e)
        case .referralNoteAdded(let n):
            if referrals[n.referral] == nil { pendingUpdates[n.referral, default: []].append(e); break }
            applyReferralEvent(e)
        case .clientsMerged(let from, let into):
            let a = client(from, at: e.at, site: site)
            let b = client(into, at: e.at, site: site)
            let ca = canonical(a), cb = canonical(b)
            if ca != cb { clients[Int(ca)].mergedInto = cb }
        case .userAdded(let name, let role):
            users[name] = role
        case .userRemoved(let name):
            users[name] = nil
        }
    }

    private mutating func applyReferralEvent(_ e: Event) {
        switch e.body {
        case .referralUpdated(let u):
            guard var r = referrals[u.referral] else { return }
            let base = u.basedOn ?? r.history.last?.id ?? r.id
            if r.history.contains(where: { ($0.basedOn ?? r.id) == base && $0.id != e.id }) { r.conflict = true }
            r.history.append(ReferralChange(id: e.id, at: e.at, author: e.author, site: e.site,
                                            status: u.status, note: u.note, basedOn: base))
            // Rule (docs/sync.md): among the changes no other change is based on (the heads),
            // the one latest in fold order decides. A change made after seeing another wins
            // over it even when its author's clock was behind.
            let superseded = Set(r.history.compactMap(\.basedOn))
            if let head = r.history.last(where: { !superseded.contains($0.id) }) {
                r.status = head.status
                r.statusAt = head.at
            }
            referrals[u.referral] = r
        case .referralNoteAdded(let n):
            guard var r = referrals[n.referral] else { return }
            r.confidentialNotes.append(n)
            r.confidentialNoteTimes.append(e.at)
            referrals[n.referral] = r
        default:
            return
        }
    }

    private mutating func applyContact(_ e: Event, _ c: Contact, site: Int32) {
        let ci = client(c.client, at: e.at, site: site)
        clients[Int(ci)].contacts += 1
        if clients[Int(ci)].lastSeen < e.at { clients[Int(ci)].lastSeen = e.at }
        let itemsStart = Int32(contactItems.count)
        for line in c.items {
            let item = items.intern(line.item)
            contactItems.append(ItemLine(item: item, quantity: line.quantity))
            take(site, item, Int64(line.quantity), event: e)
        }
        let servicesStart = Int32(contactServices.count)
        for s in c.services { contactServices.append(services.intern(s)) }
        let index = Int32(contacts.count)
        contacts.append(ContactRecord(
            id: e.id, at: e.at, client: ci, site: site, worker: workers.intern(e.author),
            type: contactTypes.intern(c.type), overdose: c.overdose.map { outcomes.intern($0) } ?? -1,
            itemsStart: itemsStart, itemsCount: Int32(c.items.count),
            servicesStart: servicesStart, servicesCount: Int32(c.services.count)))
        if let note = c.note, !note.isEmpty { contactNotes[index] = note }
    }

    private mutating func client(_ uic: UIC, at: Timestamp, site: Int32) -> Int32 {
        if let i = clientIndex[uic] { return i }
        let i = Int32(clients.count)
        clients.append(ClientRecord(uic: uic, firstSeen: at, firstSite: site, lastSeen: at, contacts: 0, mergedInto: nil))
        clientIndex[uic] = i
        return i
    }

    private mutating func receive(_ t: TransferRecord, at: Timestamp, site: Int32, id: EventID, author: Int32) {
        update(site, t.item) { $0.level += t.quantity }
        movements.append(StockMovement(id: id, at: at, site: site, item: t.item, kind: .transferIn,
                                       delta: t.quantity, reason: nil, author: author))
    }

    private mutating func update(_ site: Int32, _ item: Int32, _ body: (inout StockLevel) -> Void) {
        body(&stock[StockKey(site: site, item: item), default: StockLevel()])
    }

    /// Takes stock out. Never refuses: a level below zero is recorded as a discrepancy.
    private mutating func take(_ site: Int32, _ item: Int32, _ q: Int64, event: Event) {
        var went: Int64 = 0
        update(site, item) { lvl in
            let before = lvl.level
            lvl.level -= q
            Self.consumeLots(&lvl, q)
            if lvl.level < 0 {
                went = -lvl.level - max(0, -before)
                if went > 0 {
                    lvl.discrepancies += 1
                    lvl.shortfall += went
                    lvl.lastDiscrepancyAt = event.at
                }
            }
        }
        if went > 0 {
            discrepancies.append(Discrepancy(event: event.id, at: event.at, site: site, item: item, shortfall: went))
        }
    }

    private static func consumeLots(_ lvl: inout StockLevel, _ q: Int64) {
        guard !lvl.lots.isEmpty else { return }
        var left = q
        var i = 0
        while left > 0 && i < lvl.lots.count {
            let t = min(left, lvl.lots[i].remaining)
            lvl.lots[i].remaining -= t
            left -= t
            i += 1
        }
        lvl.lots.removeAll { $0.remaining <= 0 }
    }

    // MARK: Queries

    /// The surviving client index after merges.
    public func canonical(_ i: Int32) -> Int32 {
        var c = i
        var steps = 0
        while let n = clients[Int(c)].mergedInto, steps < clients.count {
            c = n
            steps += 1
        }
        return c
    }

    public func client(_ uic: UIC) -> ClientRecord? { clientIndex[uic].map { clients[Int($0)] } }

    /// Item lines of a contact.
    public func lines(of c: ContactRecord) -> ArraySlice<ItemLine> {
        contactItems[Int(c.itemsStart)..<Int(c.itemsStart + c.itemsCount)]
    }

    public func services(of c: ContactRecord) -> ArraySlice<Int32> {
        contactServices[Int(c.servicesStart)..<Int(c.servicesStart + c.servicesCount)]
    }

    public func level(site: String, item: String) -> StockLevel? {
        guard let s = sites.lookup(site), let i = items.lookup(item) else { return nil }
        return stock[StockKey(site: s, item: i)]
    }

    /// Index of the first contact at or after `t` (contacts are in time order).
    public func firstContact(atOrAfter t: Timestamp) -> Int {
        var lo = 0, hi = contacts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if contacts[mid].at < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Contacts of one client (after merges, those of every merged code too), in time order.
    public func contacts(of uic: UIC) -> [Int] {
        guard let i = clientIndex[uic] else { return [] }
        let target = canonical(i)
        var out: [Int] = []
        for (n, c) in contacts.enumerated() where c.client == i || canonical(c.client) == target { out.append(n) }
        return out
    }

    /// Codes whose normalised text starts with `prefix`, sorted; at most `limit`.
    public func clients(withPrefix prefix: String, limit: Int = 20) -> [UIC] {
        var out: [UIC] = []
        for c in clients where c.mergedInto == nil && c.uic.code.hasPrefix(prefix) {
            out.append(c.uic)
        }
        out.sort()
        return Array(out.prefix(limit))
    }

    public var transfersInTransit: [TransferRecord] {
        transfers.values.filter(\.inTransit).sorted { ($0.at, $0.id) < ($1.at, $1.id) }
    }

    /// Referrals in issue order, with a conflict flag where two sites changed one concurrently.
    public var referralList: [ReferralRecord] { referralOrder.compactMap { referrals[$0] } }
}
