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

    public internal(set) var clients: [ClientRecord] = []
    public internal(set) var clientIndex: [UIC: Int32] = [:]
    /// Contacts in fold order (so, by time).
    public internal(set) var contacts: [ContactRecord] = []
    public internal(set) var contactItems: [ItemLine] = []
    public internal(set) var contactServices: [Int32] = []
    /// Free-text notes by index into `contacts` (most contacts have none).
    public internal(set) var contactNotes: [Int32: String] = [:]
    /// Overdose kind, who came and rapid test results by index into `contacts` (rare; the
    /// record's `hasDetail` says which have them).
    public internal(set) var contactDetails: [Int32: ContactDetail] = [:]
    public internal(set) var stock: [StockKey: StockLevel] = [:]
    public internal(set) var movements: [StockMovement] = []
    public internal(set) var discrepancies: [Discrepancy] = []
    public internal(set) var transfers: [EventID: TransferRecord] = [:]
    public internal(set) var referrals: [EventID: ReferralRecord] = [:]
    /// Referral ids in the order they were issued.
    public internal(set) var referralOrder: [EventID] = []
    /// The records of `referrals` in issue order (kept in step with it), so that
    /// `referralList` costs nothing.
    var referralRecords: [ReferralRecord] = []
    var referralPosition: [EventID: Int32] = [:]
    /// Open referrals with a due date, by (due, issue time, issue order): the home screen's
    /// follow-up list is a prefix of it (`openReferrals(dueThrough:)`), not a scan per frame.
    var dueIndex: [DueKey] = []
    /// Ids of transfers not yet received (`transfersInTransit`).
    var inTransit: Set<EventID> = []
    public internal(set) var users: [String: Role] = [:]
    /// Each user's own trust point (`user-point-set`); absent: the store's point.
    public internal(set) var userPoints: [String: String] = [:]
    /// Corrections and voids by the record they amend, including those whose record has not
    /// arrived yet (they apply when it does). Folding reads them before the records they amend,
    /// so a corrected record is applied once, as its latest correction says, at its own time.
    public internal(set) var amendments: [EventID: AmendmentHistory] = [:]
    /// Profile changes per client index (the code they were recorded under), in fold order.
    public internal(set) var profiles: [Int32: [ProfileChange]] = [:]
    /// Rights-violation incidents and group activities, in fold order (so, by time).
    public internal(set) var incidents: [IncidentRecord] = []
    public internal(set) var activities: [ActivityRecord] = []
    public internal(set) var eventCount = 0
    /// The key of the last event applied (fold order); `append` needs events after it.
    public internal(set) var last: (at: Timestamp, id: EventID)?

    var pendingReceipts: [EventID: (at: Timestamp, site: Int32)] = [:]
    var pendingUpdates: [EventID: [Event]] = [:]

    // Internals for speed (see docs/performance.md). Stock lives in dense slots while events
    // fold; `stock` is brought up to date at the end of every public mutating call.
    /// Client code bytes → client index (an accelerator in front of `clientIndex`).
    var clientBytes = ByteKeyTable()
    /// Slot of (site, item) at `site * stockStride + item`, or -1.
    var stockSlots: [Int32] = []
    var stockStride = 0
    var stockKeys: [StockKey] = []
    var stockLevels: [StockLevel] = []
    var stockDirty: [Bool] = []
    var dirtySlots: [Int32] = []
    /// Client indices sorted by code (bytes); covers clients `0..<codeOrder.count`, newer
    /// clients are scanned linearly until the next merge.
    var codeOrder: [Int32] = []
    /// The first 8 bytes of each code in `codeOrder`, big-endian (for binary search).
    var codeKeys: [UInt64] = []
    /// How many names of each interner the configuration put there (a checkpoint must match).
    var configured: [Int]?

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
        configured = interners.map(\.names.count)
    }

    /// Folds a set of events in canonical order. Repeated event ids count once. The same
    /// path as a store's open (`LedgerLoader`), fed in canonical order.
    public static func fold(_ events: [Event], catalogue: Catalogue? = nil, points: Points? = nil) -> LedgerState {
        var loader = LedgerLoader(catalogue: catalogue, points: points, expectedEvents: events.count)
        if isSorted(events) {
            for e in events { loader.load(e) }
        } else {
            // Sort small keys, not whole events (moving events costs reference counting).
            events.withUnsafeBufferPointer { buf in
                for k in sortedOrder(events) { loader.load(buf[k.index]) }
            }
        }
        return loader.finish()
    }

    /// True if `events` are already in canonical order (equal neighbours allowed).
    static func isSorted(_ events: [Event]) -> Bool {
        events.withUnsafeBufferPointer { b in
            guard b.count > 1 else { return true }
            for i in 1..<b.count where Event.foldsBefore(b[i], b[i - 1]) { return false }
            return true
        }
    }

    struct SortKey: Comparable {
        var at: Timestamp
        var high: UInt64
        var low: UInt64
        var index: Int
        static func < (a: SortKey, b: SortKey) -> Bool {
            if a.at != b.at { return a.at < b.at }
            if a.high != b.high { return a.high < b.high }
            if a.low != b.low { return a.low < b.low }
            return a.index < b.index
        }
    }

    /// Positions of `events` in canonical order; ties keep arrival order.
    static func sortedOrder(_ events: [Event]) -> [SortKey] {
        var keys: [SortKey] = []
        keys.reserveCapacity(events.count)
        events.withUnsafeBufferPointer { b in
            for i in 0..<b.count { keys.append(SortKey(at: b[i].at, high: b[i].id.high, low: b[i].id.low, index: i)) }
        }
        keys.sort()
        return keys
    }

    public mutating func reserve(_ n: Int) {
        contacts.reserveCapacity(n)
        contactItems.reserveCapacity(n * 5)
        // Referrals come with about 3 % of contacts: growing these by rehashing is costly.
        let r = n / 32
        if r > referrals.capacity {
            referrals.reserveCapacity(r)
            referralPosition.reserveCapacity(r)
            referralRecords.reserveCapacity(r)
            referralOrder.reserveCapacity(r)
        }
    }

    /// Grows capacities ahead of `n` more bytes of encoded events (a contact takes 60 bytes
    /// or more): no copying while they load. Untouched capacity costs address space only.
    mutating func reserveFor(encodedBytes n: Int) {
        guard n >= 1 << 16 else { return }
        let wantContacts = contacts.count + n / 64
        if wantContacts > contacts.capacity { contacts.reserveCapacity(max(wantContacts, contacts.capacity * 2)) }
        let wantItems = contactItems.count + n / 12
        if wantItems > contactItems.capacity { contactItems.reserveCapacity(max(wantItems, contactItems.capacity * 2)) }
    }

    /// Applies an event that folds after everything applied so far. Returns false (and
    /// changes nothing) if it does not: the caller must refold with `fold`.
    /// A correction or a void also returns false: the record it amends may already be folded,
    /// and a refold applies it in that record's place (corrections are rare; see docs/performance.md).
    @discardableResult
    public mutating func append(_ e: Event) -> Bool {
        if let last {
            if e.id == last.id { return true }
            guard FoldKey(at: last.at, id: last.id) < e.foldKey else { return false }
        }
        if e.body.amendTarget != nil { return false }
        applyInOrder(e)
        return true
    }

    /// Applies `e` assuming the caller keeps canonical order.
    mutating func applyInOrder(_ e: Event) {
        apply(e)
        settleIncrementally()
    }

    /// Applies `e` without bringing `stock` and the code index up to date (bulk paths call
    /// `settle` once at the end).
    mutating func apply(_ e: Event) {
        eventCount += 1
        last = (e.at, e.id)
        let site = sites.intern(e.site)
        if !amendments.isEmpty, amendments[e.id] != nil, e.body.isVoidable {
            let h = noteOriginal(e)
            if h.voided {
                // A voided record leaves stock, contacts and referrals as if it never happened;
                // a voided status change stays in the referral's history, marked.
                if case .referralUpdated(let u) = e.body {
                    if referrals[u.referral] == nil { pendingUpdates[u.referral, default: []].append(e) } else { applyReferralEvent(e, voided: true) }
                }
                return
            }
            if case .contactLogged(let c) = e.body {
                applyContact(e, h.latest ?? c, site: site)
                return
            }
        }
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
            take(site, item, q, id: e.id, at: e.at)
            movements.append(StockMovement(id: e.id, at: e.at, site: site, item: item, kind: .transferOut,
                                           delta: -q, reason: nil, author: workers.intern(e.author)))
            var rec = TransferRecord(id: e.id, at: e.at, from: site, to: to, item: item, quantity: q, receivedAt: nil)
            if let p = pendingReceipts.removeValue(forKey: e.id) {
                rec.receivedAt = p.at
                receive(rec, at: p.at, site: p.site, id: e.id, author: workers.intern(e.author))
            }
            transfers[e.id] = rec
            if rec.inTransit { inTransit.insert(e.id) }
        case .stockTransferReceived(let r):
            if var rec = transfers[r.transfer] {
                guard rec.receivedAt == nil else { break }   // a second confirmation changes nothing
                rec.receivedAt = e.at
                transfers[r.transfer] = rec
                inTransit.remove(r.transfer)
                receive(rec, at: e.at, site: site, id: e.id, author: workers.intern(e.author))
            } else {
                pendingReceipts[r.transfer] = (e.at, site)
            }
        case .stockWrittenOff(let w):
            let item = items.intern(w.item)
            let q = Int64(w.quantity)
            take(site, item, q, id: e.id, at: e.at, lot: w.lot)
            movements.append(StockMovement(id: e.id, at: e.at, site: site, item: item, kind: .writtenOff,
                                           delta: -q, reason: w.reason, author: workers.intern(e.author)))
        case .stockCounted(let c):
            let item = items.intern(c.item)
            let current = levelIfAny(site, item)?.level ?? 0
            let delta = Int64(c.counted) - current
            // A stocktake settles the item's earlier discrepancies (they stay in `discrepancies`).
            update(site, item) { lvl in
                lvl.level += delta
                if delta < 0 { Self.consumeLots(&lvl, -delta) }
                lvl.discrepancies = 0
                lvl.shortfall = 0
            }
            movements.append(StockMovement(id: e.id, at: e.at, site: site, item: item, kind: .adjusted,
                                           delta: delta, reason: nil, author: workers.intern(e.author)))
        case .referralIssued(let r):
            _ = client(r.client, at: e.at, site: site)
            guard referrals[e.id] == nil else { break }
            let record = ReferralRecord(
                id: e.id, client: r.client, service: r.service, site: e.site, issuedAt: e.at, issuedBy: e.author,
                due: r.due, note: r.note, status: .issued, statusAt: e.at, history: [], conflict: false,
                confidentialNotes: [], confidentialNoteTimes: [])
            referrals[e.id] = record
            referralPosition[e.id] = Int32(referralRecords.count)
            reindexDue(position: Int32(referralRecords.count), was: nil, now: record)
            referralRecords.append(record)
            referralOrder.append(e.id)
            if let waiting = pendingUpdates.removeValue(forKey: e.id) {
                for w in waiting { applyReferralEvent(w, voided: amendments[w.id]?.voided ?? false) }
            }
        case .referralUpdated(let u):
            if referrals[u.referral] == nil { pendingUpdates[u.referral, default: []].append(e); break }
            applyReferralEvent(e, voided: false)
        case .referralNoteAdded(let n):
            if referrals[n.referral] == nil { pendingUpdates[n.referral, default: []].append(e); break }
            applyReferralEvent(e, voided: false)
        case .clientsMerged(let from, let into):
            let a = client(from, at: e.at, site: site)
            let b = client(into, at: e.at, site: site)
            let ca = canonical(a), cb = canonical(b)
            if ca != cb { clients[Int(ca)].mergedInto = cb }
        case .userAdded(let name, let role):
            users[name] = role
        case .userRemoved(let name):
            users[name] = nil
            userPoints[name] = nil
        case .userPointSet(let name, let point):
            userPoints[name] = point
        case .contactCorrected, .recordVoided:
            register(e)   // `fold` registered it already; `append` never gets here
        case .clientUnmerged(let uic):
            let i = client(uic, at: e.at, site: site)
            clients[Int(i)].mergedInto = nil
        case .clientProfileSet(let p):
            let ci = client(p.client, at: e.at, site: site)
            var state = profiles[ci]?.last?.state ?? ProfileState()
            state.apply(p)
            profiles[ci, default: []].append(ProfileChange(at: e.at, id: e.id, state: state))
        case .incidentRecorded(let i):
            let ci = i.client.map { client($0, at: e.at, site: site) }
            incidents.append(IncidentRecord(id: e.id, at: e.at, site: site, author: workers.intern(e.author), kind: i.kind,
                                            client: ci, note: i.note))
        case .activityRecorded(let a):
            activities.append(ActivityRecord(id: e.id, at: e.at, site: site, author: workers.intern(e.author), kind: a.kind,
                                             participants: a.participants))
        }
    }

    /// Files a correction or void under its target (once per event id, in fold order).
    mutating func register(_ e: Event) {
        guard let target = e.body.amendTarget else { return }
        let change: Amendment
        switch e.body {
        case .contactCorrected(let c):
            change = Amendment(id: e.id, at: e.at, author: e.author, site: e.site, reason: c.reason, note: c.note, correction: c.contact)
        case .recordVoided(let v):
            change = Amendment(id: e.id, at: e.at, author: e.author, site: e.site, reason: v.reason, note: v.note, correction: nil)
        default:
            return
        }
        var h = amendments[target] ?? AmendmentHistory(target: target, original: nil, changes: [])
        guard !h.changes.contains(where: { $0.id == change.id }) else { return }
        let k = h.changes.firstIndex { ($0.at, $0.id) > (change.at, change.id) } ?? h.changes.count
        h.changes.insert(change, at: k)
        amendments[target] = h
    }

    /// Keeps the record as first written beside its corrections; returns its history.
    private mutating func noteOriginal(_ e: Event) -> AmendmentHistory {
        var h = amendments[e.id]!
        if h.original == nil {
            h.original = e
            amendments[e.id] = h
        }
        return h
    }

    private mutating func applyReferralEvent(_ e: Event, voided: Bool) {
        switch e.body {
        case .referralUpdated(let u):
            guard var r = referrals[u.referral] else { return }
            let base = u.basedOn ?? r.history.last(where: { !$0.voided })?.id ?? r.id
            if !voided, r.history.contains(where: { !$0.voided && ($0.basedOn ?? r.id) == base && $0.id != e.id }) { r.conflict = true }
            r.history.append(ReferralChange(id: e.id, at: e.at, author: e.author, site: e.site,
                                            status: u.status, note: u.note, basedOn: base, voided: voided))
            // Rule (docs/sync.md): among the changes no other change is based on (the heads),
            // the one latest in fold order decides. A change made after seeing another wins
            // over it even when its author's clock was behind. Voided changes count for nothing.
            let live = r.history.filter { !$0.voided }
            let superseded = Set(live.compactMap(\.basedOn))
            if let head = live.last(where: { !superseded.contains($0.id) }) {
                r.status = head.status
                r.statusAt = head.at
            } else {
                r.status = .issued
                r.statusAt = r.issuedAt
            }
            referrals[u.referral] = r
            if let k = referralPosition[u.referral] {
                reindexDue(position: k, was: referralRecords[Int(k)], now: r)
                referralRecords[Int(k)] = r
            }
        case .referralNoteAdded(let n):
            guard var r = referrals[n.referral] else { return }
            r.confidentialNotes.append(n)
            r.confidentialNoteTimes.append(e.at)
            referrals[n.referral] = r
            if let k = referralPosition[n.referral] { referralRecords[Int(k)] = r }
        default:
            return
        }
    }

    struct DueKey: Comparable, Sendable {
        var due: DayNumber
        var issuedAt: Timestamp
        var position: Int32
        static func < (a: DueKey, b: DueKey) -> Bool {
            (a.due, a.issuedAt, a.position) < (b.due, b.issuedAt, b.position)
        }
    }

    /// Keeps `dueIndex` in step when a referral is issued (`was` nil) or changes status.
    private mutating func reindexDue(position: Int32, was: ReferralRecord?, now: ReferralRecord) {
        guard let due = now.due else { return }
        let key = DueKey(due: due, issuedAt: now.issuedAt, position: position)
        let wasOpen = was.map { !$0.status.isClosed } ?? false
        let isOpen = !now.status.isClosed
        guard wasOpen != isOpen else { return }
        let lo = dueIndex.partitioningIndex { $0 >= key }
        if isOpen {
            dueIndex.insert(key, at: lo)
        } else if lo < dueIndex.count, dueIndex[lo] == key {
            dueIndex.remove(at: lo)
        }
    }

    private mutating func applyContact(_ e: Event, _ c: Contact, site: Int32) {
        let ci = client(c.client, at: e.at, site: site)
        let lines = c.items.map { ItemLine(item: items.intern($0.item), quantity: $0.quantity) }
        let svs = c.services.map { services.intern($0) }
        applyContact(id: e.id, at: e.at, client: ci, site: site, lines: lines, services: svs, worker: workers.intern(e.author),
                     type: contactTypes.intern(c.type), overdose: c.overdose.map { outcomes.intern($0) } ?? -1, note: c.note,
                     detail: c.detail)
    }

    /// One contact whose ids are resolved (interned in event order: site, client, items,
    /// services, worker, type, outcome): finds its stock slots and applies `applyContacts`.
    mutating func applyContact(id: EventID, at: Timestamp, client ci: Int32, site: Int32, lines: [ItemLine], services svs: [Int32],
                               worker: Int32, type: Int32, overdose: Int32, note: String?, detail: ContactDetail? = nil) {
        let slots = lines.map { stagedSlot(site, $0.item) }
        let details = detail.flatMap { $0.isEmpty ? nil : [(Int32(contacts.count), $0)] } ?? []
        let record = ContactRecord(
            id: id, at: at, client: ci, site: site, worker: worker, type: type, overdose: overdose,
            itemsStart: Int32(contactItems.count), itemsCount: Int32(lines.count),
            servicesStart: Int32(contactServices.count), servicesCount: Int32(svs.count), hasDetail: !details.isEmpty)
        let notes = note.map { [(Int32(contacts.count), $0)] } ?? []
        [record].withUnsafeBufferPointer { r in
            lines.withUnsafeBufferPointer { l in
                slots.withUnsafeBufferPointer { sl in
                    svs.withUnsafeBufferPointer { sv in applyContacts(records: r, lines: l, slots: sl, services: sv, notes: notes, details: details) }
                }
            }
        }
    }

    /// Counts events applied piecewise (contacts through `applyContacts`, registrations whose
    /// client the caller has looked up).
    @inline(__always)
    mutating func counted(_ events: Int, last key: (at: Timestamp, id: EventID)) {
        eventCount += events
        last = key
    }

    mutating func client(_ uic: UIC, at: Timestamp, site: Int32) -> Int32 {
        var code = uic.code
        return code.withUTF8 { client(utf8: UnsafeRawBufferPointer($0), uic: uic, at: at, site: site) }
    }

    /// The client with this code (bytes checked to be valid UTF-8), created on first sight.
    @inline(__always)
    mutating func client(utf8 key: UnsafeRawBufferPointer, uic: UIC?, at: Timestamp, site: Int32) -> Int32 {
        let k = ByteKeyTable.pack(key)
        let h = ByteKeyTable.hash(key, k)
        if let i = clientBytes.find(key, k, hash: h) { return i }
        return newClientSpelling(key, k, hash: h, uic: uic, at: at, site: site)
    }

    /// Reads the table slot a client code hashes to (to bring it into the cache early).
    @inline(__always)
    func touchClientSlot(_ key: UnsafeRawBufferPointer) -> UInt64 {
        let k = ByteKeyTable.pack(key)
        let p = clientBytes.probe(k, hash: ByteKeyTable.hash(key, k))
        return p.x ^ p.meta
    }

    private mutating func newClientSpelling(_ key: UnsafeRawBufferPointer, _ k: ByteKeyTable.Packed, hash: UInt64, uic: UIC?,
                                            at: Timestamp, site: Int32) -> Int32 {
        let uic = uic ?? UIC(normalised: String(decoding: key, as: UTF8.self))
        let i: Int32
        if let known = clientIndex[uic] {
            i = known   // the same code spelt with other bytes (canonically equivalent)
        } else {
            i = Int32(clients.count)
            clients.append(ClientRecord(uic: uic, firstSeen: at, firstSite: site, lastSeen: at, contacts: 0, mergedInto: nil))
            clientIndex[uic] = i
        }
        clientBytes.insert(key, k, hash: hash, value: i)
        return i
    }

    private mutating func receive(_ t: TransferRecord, at: Timestamp, site: Int32, id: EventID, author: Int32) {
        update(site, t.item) { $0.level += t.quantity }
        movements.append(StockMovement(id: id, at: at, site: site, item: t.item, kind: .transferIn,
                                       delta: t.quantity, reason: nil, author: author))
    }

    // MARK: Stock slots

    /// The slot of (site, item), created on first use.
    @inline(__always)
    mutating func stockSlot(_ site: Int32, _ item: Int32) -> Int {
        let s = Int(site), i = Int(item)
        if i < stockStride {
            let k = s * stockStride + i
            if k < stockSlots.count {
                let slot = stockSlots[k]
                if slot >= 0 { return Int(slot) }
            }
        }
        return newStockSlot(s, i)
    }

    private mutating func newStockSlot(_ s: Int, _ i: Int) -> Int {
        if i >= stockStride {
            // Re-lay the grid with a wider stride.
            var stride = max(32, stockStride)
            while stride <= i { stride *= 2 }
            let rows = stockStride == 0 ? 0 : stockSlots.count / stockStride
            var grid = [Int32](repeating: -1, count: rows * stride)
            for r in 0..<rows {
                for c in 0..<stockStride { grid[r * stride + c] = stockSlots[r * stockStride + c] }
            }
            stockSlots = grid
            stockStride = stride
        }
        let needed = (s + 1) * stockStride
        if stockSlots.count < needed {
            stockSlots.append(contentsOf: repeatElement(-1, count: needed - stockSlots.count))
        }
        let slot = stockLevels.count
        stockSlots[s * stockStride + i] = Int32(slot)
        stockKeys.append(StockKey(site: Int32(s), item: Int32(i)))
        stockLevels.append(StockLevel())
        stockDirty.append(false)
        return slot
    }

    private func levelIfAny(_ site: Int32, _ item: Int32) -> StockLevel? {
        let s = Int(site), i = Int(item)
        guard i < stockStride, s * stockStride + i < stockSlots.count else { return nil }
        let slot = stockSlots[s * stockStride + i]
        return slot >= 0 ? stockLevels[Int(slot)] : nil
    }

    @inline(__always)
    private mutating func markDirty(_ slot: Int) {
        if !stockDirty[slot] {
            stockDirty[slot] = true
            dirtySlots.append(Int32(slot))
        }
    }

    private mutating func update(_ site: Int32, _ item: Int32, _ body: (inout StockLevel) -> Void) {
        let slot = stockSlot(site, item)
        body(&stockLevels[slot])
        markDirty(slot)
    }

    /// Takes stock out. Never refuses: a level below zero is recorded as a discrepancy.
    @inline(__always)
    private mutating func take(_ site: Int32, _ item: Int32, _ q: Int64, id: EventID, at: Timestamp, lot: String? = nil) {
        let slot = stockSlot(site, item)
        markDirty(slot)
        let went = stockLevels.withUnsafeMutableBufferPointer { Self.take($0.baseAddress! + slot, q, at: at, lot: lot) }
        if went > 0 {
            discrepancies.append(Discrepancy(event: id, at: at, site: site, item: item, shortfall: went))
        }
    }

    /// Takes `q` from one level; returns how far this took it (further) below zero.
    @inline(__always)
    static func take(_ lvl: UnsafeMutablePointer<StockLevel>, _ q: Int64, at: Timestamp, lot: String? = nil) -> Int64 {
        let before = lvl.pointee.level
        let after = before - q
        lvl.pointee.level = after
        if !lvl.pointee.lots.isEmpty { consumeLots(&lvl.pointee, q, preferring: lot) }
        guard after < 0 else { return 0 }
        let went = -after - max(0, -before)
        if went > 0 {
            lvl.pointee.discrepancies += 1
            lvl.pointee.shortfall += went
            lvl.pointee.lastDiscrepancyAt = at
        }
        return went
    }

    /// The slot of (site, item) for a contact line about to be staged (created and marked
    /// changed as needed).
    @inline(__always)
    mutating func stagedSlot(_ site: Int32, _ item: Int32) -> Int32 {
        let slot = stockSlot(site, item)
        markDirty(slot)
        return Int32(slot)
    }

    /// THE contact rule, for contacts decoded and resolved (indices interned in event order,
    /// stock slots created): each counts for its client, is recorded, and takes its lines
    /// from the site's stock (a level below zero is a discrepancy). `records` use global
    /// offsets into `contactItems` / `contactServices`, continuing the current ones. The
    /// general path applies one contact at a time, `LedgerLoader` a batch. Counting the events
    /// is the caller's (`counted`).
    mutating func applyContacts(records: UnsafeBufferPointer<ContactRecord>, lines: UnsafeBufferPointer<ItemLine>,
                                slots: UnsafeBufferPointer<Int32>, services: UnsafeBufferPointer<Int32>,
                                notes: [(Int32, String)], details: [(Int32, ContactDetail)] = []) {
        guard !records.isEmpty else { return }
        let linesBase = contactItems.count
        contacts.append(contentsOf: records)
        contactItems.append(contentsOf: lines)
        contactServices.append(contentsOf: services)
        clients.withUnsafeMutableBufferPointer { cs in
            for r in records {
                cs[Int(r.client)].contacts += 1
                if cs[Int(r.client)].lastSeen < r.at { cs[Int(r.client)].lastSeen = r.at }
            }
        }
        var found: [Discrepancy] = []
        stockLevels.withUnsafeMutableBufferPointer { levels in
            let base = levels.baseAddress!
            for r in records {
                let first = Int(r.itemsStart) - linesBase
                for k in first..<first + Int(r.itemsCount) {
                    let went = Self.take(base + Int(slots[k]), Int64(lines[k].quantity), at: r.at)
                    if went > 0 {
                        found.append(Discrepancy(event: r.id, at: r.at, site: r.site, item: lines[k].item, shortfall: went))
                    }
                }
            }
        }
        discrepancies.append(contentsOf: found)
        for (i, note) in notes where !note.isEmpty { contactNotes[i] = note }
        for (i, d) in details { contactDetails[i] = d }
    }

    /// Takes `q` from the lots first-expiry-first-out. With `preferring`, the lots of that
    /// number go first (a write-off of a chosen lot); whatever they lack comes FEFO from the
    /// others (the Validator refuses that locally; a synced write-off may find less).
    private static func consumeLots(_ lvl: inout StockLevel, _ q: Int64, preferring lot: String? = nil) {
        guard !lvl.lots.isEmpty else { return }
        var left = q
        if let lot {
            for i in lvl.lots.indices where left > 0 && lvl.lots[i].lot == lot {
                let t = min(left, lvl.lots[i].remaining)
                lvl.lots[i].remaining -= t
                left -= t
            }
        }
        var i = 0
        while left > 0 && i < lvl.lots.count {
            let t = min(left, lvl.lots[i].remaining)
            lvl.lots[i].remaining -= t
            left -= t
            i += 1
        }
        lvl.lots.removeAll { $0.remaining <= 0 }
    }

    // MARK: Keeping the public views up to date

    /// Brings `stock` up to date and rebuilds the code index (after a bulk fold or load).
    mutating func settle() {
        syncStock()
        rebuildCodeIndex()
    }

    /// After one event: `stock` up to date; new clients join the code index in batches.
    mutating func settleIncrementally() {
        syncStock()
        if clients.count - codeOrder.count > Self.codeTailLimit { mergeCodeTail() }
    }

    private mutating func syncStock() {
        guard !dirtySlots.isEmpty else { return }
        for k in dirtySlots {
            let slot = Int(k)
            stock[stockKeys[slot]] = stockLevels[slot]
            stockDirty[slot] = false
        }
        dirtySlots.removeAll(keepingCapacity: true)
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

    /// A client's profile now (after merges: the latest change recorded under any of its codes).
    public func profile(of uic: UIC) -> ProfileState? {
        guard let i = clientIndex[uic] else { return nil }
        let target = canonical(i)
        var latest: ProfileChange?
        for (c, changes) in profiles where canonical(c) == target {
            if let last = changes.last, latest.map({ (last.at, last.id) > ($0.at, $0.id) }) ?? true { latest = last }
        }
        return latest?.state
    }

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
        contacts.partitioningIndex { $0.at >= t }
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
    /// Binary search in a sorted code index (microseconds at 100 000 clients).
    public func clients(withPrefix prefix: String, limit: Int = 20) -> [UIC] {
        guard limit > 0 else { return [] }
        return searchCodes(prefix: prefix, limit: limit)
    }

    /// Transfers sent and not yet received, in fold order (read from a set the ledger keeps:
    /// the home screen asks on every frame).
    public var transfersInTransit: [TransferRecord] {
        inTransit.compactMap { transfers[$0] }.sorted { $0.foldsBefore($1) }
    }

    /// Open referrals due on or before `day`, by due date, then issue time, then issue order
    /// (read from an index: cost proportional to the answer).
    public func openReferrals(dueThrough day: DayNumber) -> [ReferralRecord] {
        var out: [ReferralRecord] = []
        for k in dueIndex {
            if k.due > day { break }
            out.append(referralRecords[Int(k.position)])
        }
        return out
    }

    /// `openReferrals(dueThrough:)` without copying a record: the positions of the open
    /// referrals due on or before `day`, in the same order, read from the due index (a screen
    /// shows a few rows of thousands).
    public func openReferralRows(dueThrough day: DayNumber) -> ReferralRows {
        let end = dueIndex.partitioningIndex { $0.due > day }
        return ReferralRows(records: referralRecords, positions: dueIndex[..<end].map(\.position))
    }

    /// Index of the first client first seen at or after `t` (clients are made in fold order,
    /// so `firstSeen` never decreases along `clients`).
    public func firstClient(seenAtOrAfter t: Timestamp) -> Int {
        clients.partitioningIndex { $0.firstSeen >= t }
    }

    /// Referrals in issue order, with a conflict flag where two sites changed one concurrently.
    public var referralList: [ReferralRecord] { referralRecords }
}

/// Referrals picked by position from the ledger's list in issue order, without copying them.
public struct ReferralRows: RandomAccessCollection, Sendable {
    let records: [ReferralRecord]
    public let positions: [Int32]

    public init(records: [ReferralRecord], positions: [Int32]) {
        self.records = records
        self.positions = positions
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { positions.count }
    public subscript(i: Int) -> ReferralRecord { records[Int(positions[i])] }

    /// The same referrals reordered or filtered by position.
    public func picking(_ positions: [Int32]) -> ReferralRows { ReferralRows(records: records, positions: positions) }
}

