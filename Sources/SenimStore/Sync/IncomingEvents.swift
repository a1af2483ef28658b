import SenimCore

/// Checks every event of an authentic bundle as if it had been typed here, before anything
/// merges (docs/sync.md, "Validation"). A signature proves who made a bundle, not that its
/// content is sane: a peer running a tampered build, or anyone holding its signing key, could
/// otherwise plant a contact in the year 30 000, a quantity of 2 billion, an unknown item or a
/// stock receipt by a worker, and every later listing, report and export would carry it.
///
/// One bad event refuses the whole bundle with `SyncError.invalidEvent(kind, field, reason)`
/// or `.wrongAuthor`; the caller writes nothing.
public struct IncomingEvents {
    /// 2000-01-01T00:00:00Z: nothing Senim records happened before.
    public static let earliest: Timestamp = 946_684_800
    /// Clocks disagree: an event may be up to a day ahead of this store's clock.
    public static let aheadAllowance: Timestamp = 86_400
    /// Days (since 1970) allowed for due and expiry dates: 2000-01-01 … 2099-12-31.
    public static let days: ClosedRange<DayNumber> = 10_957...47_481
    /// The largest sealed confidential note (a note of `Validator.maxNoteLength` characters,
    /// four bytes each, plus the envelope).
    public static let maxSealedNote = 16_384

    let configuration: Configuration
    let now: Timestamp
    /// The local store's `userAdded` events, read only when the bundle does not say who an
    /// author is.
    let localEvents: () throws -> [Event]
    /// The local store's events, read only when the bundle holds new merges.
    let mergeEvents: () throws -> [Event]
    /// Whether the store already holds an event with this id (known events were checked when
    /// they arrived; only role and merge checks skip them).
    let known: (EventID) -> Bool
    /// The record a correction or void is about, as this store holds it (nil: not here yet; the
    /// ledger keeps the amendment until it arrives).
    let target: (EventID) -> AmendTarget?

    public init(configuration: Configuration, now: Timestamp, known: @escaping (EventID) -> Bool,
                localEvents: @escaping () throws -> [Event], mergeEvents: @escaping () throws -> [Event],
                target: @escaping (EventID) -> AmendTarget? = { _ in nil }) {
        self.configuration = configuration
        self.target = target
        self.now = now
        self.known = known
        self.localEvents = localEvents
        self.mergeEvents = mergeEvents
    }

    /// Throws on the first event that fails (in the bundle's order). Events this store already
    /// holds are not checked: they do not merge (the store keeps its own version).
    public func check(_ events: [Event]) throws(SyncError) {
        let fresh = events.filter { !known($0.id) }
        for e in fresh { try checkFields(e) }
        try checkAuthors(fresh, all: events)
        try checkMerges(fresh)
    }

    // MARK: Fields

    func refuse(_ e: Event, _ field: String, _ reason: String) -> SyncError {
        .invalidEvent(kind: e.body.kindName, field: field, reason: reason)
    }

    func checkFields(_ e: Event) throws(SyncError) {
        let cat = configuration.catalogue
        let limits = cat.limits
        guard e.at >= Self.earliest else { throw refuse(e, "time", "\(e.at) is before 2000-01-01") }
        guard e.at <= now &+ Self.aheadAllowance else { throw refuse(e, "time", "\(e.at) is more than a day after this store's clock") }
        guard Validator.isValidUserName(e.author) else { throw refuse(e, "author", "not a valid user name") }
        guard e.device.rawValue != 0 else { throw refuse(e, "device", "zero") }
        guard configuration.points.point(e.site) != nil else { throw refuse(e, "site", "unknown trust point") }

        func code(_ u: UIC, _ field: String) throws(SyncError) {
            guard configuration.uic.isValid(u.code) else { throw refuse(e, field, "not a valid client code for this formula") }
        }
        func item(_ id: String, _ field: String = "item") throws(SyncError) {
            guard cat.item(id) != nil else { throw refuse(e, field, "unknown item") }
        }
        func quantity(_ q: Int32, _ limit: Int, zero: Bool = false, _ field: String = "quantity") throws(SyncError) {
            guard q >= (zero ? 0 : 1) else { throw refuse(e, field, "\(q) is not positive") }
            guard Int(q) <= limit else { throw refuse(e, field, "\(q) is above the limit of \(limit)") }
        }
        func point(_ id: String, _ field: String) throws(SyncError) {
            guard configuration.points.point(id) != nil else { throw refuse(e, field, "unknown trust point") }
        }
        func text(_ t: String?, _ field: String) throws(SyncError) {
            guard let t else { return }
            guard t.count <= Validator.maxNoteLength, t.utf8.count <= 4 * Validator.maxNoteLength else {
                throw refuse(e, field, "longer than \(Validator.maxNoteLength) characters")
            }
        }
        func day(_ d: DayNumber?, _ field: String) throws(SyncError) {
            guard let d else { return }
            guard Self.days.contains(d) else { throw refuse(e, field, "day \(d) is outside 2000–2099") }
        }

        /// The Validator's own check for this kind (the one a locally typed event passes).
        func validator(_ field: String, _ check: (Validator) throws(Message) -> Void) throws(SyncError) {
            do { try check(Validator(configuration)) } catch { throw refuse(e, Self.field(error, default: field), error.description) }
        }
        /// A contact's fields (a logged contact, or what a correction says the contact was).
        func contact(_ c: Contact, _ prefix: String) throws(SyncError) {
            try code(c.client, prefix + "client")
            guard cat.contactType(c.type) != nil else { throw refuse(e, prefix + "type", "unknown contact type") }
            var seen = Set<String>()
            for l in c.items {
                try item(l.item, prefix + "items")
                guard seen.insert(l.item).inserted else { throw refuse(e, prefix + "items", "an item appears twice") }
                try quantity(l.quantity, limits.maxQuantityPerContact, prefix + "items")
            }
            guard c.items.count <= cat.items.count else { throw refuse(e, prefix + "items", "more lines than items") }
            for s in c.services where cat.service(s) == nil { throw refuse(e, prefix + "services", "unknown service") }
            guard c.services.count <= cat.services.count else { throw refuse(e, prefix + "services", "more services than exist") }
            if let o = c.overdose, cat.overdoseOutcome(o) == nil { throw refuse(e, prefix + "overdose", "unknown outcome") }
            // The Validator's rule for details (overdose kind, who came, test results), field named under the prefix.
            do { try Validator(configuration).contactDetail(c.detail, services: c.services, overdose: c.overdose) } catch {
                throw refuse(e, prefix + Self.field(error, default: "detail"), error.description)
            }
            for p in c.packs where cat.pack(p) == nil { throw refuse(e, prefix + "packs", "unknown pack") }
            guard c.packs.count <= 64 else { throw refuse(e, prefix + "packs", "too many packs") }
            try text(c.note, prefix + "note")
        }

        switch e.body {
        case .clientRegistered(let u):
            try code(u, "client")
        case .contactLogged(let c):
            try contact(c, "")
        case .stockReceived(let r):
            try item(r.item)
            try quantity(r.quantity, limits.maxQuantityPerMovement)
            try text(r.lot, "lot")
            try day(r.expires, "expires")
        case .stockTransferred(let t):
            try item(t.item)
            try quantity(t.quantity, limits.maxQuantityPerMovement)
            try point(t.to, "to")
            guard t.to != e.site else { throw refuse(e, "to", "a transfer to its own trust point") }
        case .stockTransferReceived(let r):
            try item(r.item)
            try quantity(r.quantity, limits.maxQuantityPerMovement)
            try point(r.from, "from")
            guard r.from != e.site else { throw refuse(e, "from", "a transfer from its own trust point") }
            guard r.transfer != e.id else { throw refuse(e, "transfer", "confirms itself") }
        case .stockWrittenOff(let w):
            try item(w.item)
            try quantity(w.quantity, limits.maxQuantityPerMovement)
            try text(w.lot, "lot")
            try validator("lot") { v throws(Message) in try v.check(w) }
        case .stockCounted(let c):
            try item(c.item)
            try quantity(c.counted, limits.maxQuantityPerMovement, zero: true, "counted")
        case .referralIssued(let r):
            try code(r.client, "client")
            guard cat.service(r.service) != nil else { throw refuse(e, "service", "unknown service") }
            try day(r.due, "due")
            try text(r.note, "note")
        case .referralUpdated(let u):
            guard u.referral != e.id else { throw refuse(e, "referral", "updates itself") }
            if let b = u.basedOn, b == e.id { throw refuse(e, "basedOn", "based on itself") }
            try text(u.note, "note")
        case .referralNoteAdded(let n):
            guard n.referral != e.id else { throw refuse(e, "referral", "a note on itself") }
            guard !n.sealed.isEmpty, n.sealed.count <= Self.maxSealedNote else {
                throw refuse(e, "note", "sealed note of \(n.sealed.count) bytes")
            }
        case .clientsMerged(let from, let into):
            try code(from, "from")
            try code(into, "into")
            guard from != into else { throw refuse(e, "into", "a code merged into itself") }
        case .userAdded(let name, _):
            guard Validator.isValidUserName(name) else { throw refuse(e, "name", "not a valid user name") }
        case .userRemoved(let name):
            guard Validator.isValidUserName(name) else { throw refuse(e, "name", "not a valid user name") }
        case .userPointSet(let name, let p):
            guard Validator.isValidUserName(name) else { throw refuse(e, "name", "not a valid user name") }
            try point(p, "point")
        case .contactCorrected(let c):
            guard c.target != e.id else { throw refuse(e, "target", "corrects itself") }
            try contact(c.contact, "contact.")
            try text(c.note, "note")
            // The policy part (whose record, how old) runs with the author's role, below.
            try validator("contact") { v throws(Message) in try v.checkIncomingAmendment(e, target: nil, authorRole: nil) }
        case .recordVoided(let v):
            guard v.target != e.id else { throw refuse(e, "target", "voids itself") }
            try text(v.note, "note")
            try validator("note") { val throws(Message) in try val.checkIncomingAmendment(e, target: nil, authorRole: nil) }
        case .clientUnmerged(let u):
            try code(u, "client")
            try validator("client") { v throws(Message) in try v.checkIncomingAmendment(e, target: nil, authorRole: nil) }
        case .clientProfileSet(let p):
            try code(p.client, "client")
            try validator("profile") { v throws(Message) in try v.check(p) }
        case .incidentRecorded(let i):
            if let c = i.client { try code(c, "client") }
            try text(i.note, "note")
            try validator("incident") { v throws(Message) in try v.check(i) }
        case .activityRecorded(let a):
            try validator("participants") { v throws(Message) in try v.check(a) }
        }
    }

    /// The field a Validator refusal is about, from its message key.
    static func field(_ m: Message, default d: String) -> String {
        let parts = m.key.split(separator: ".")
        guard parts.count >= 2 else { return d }
        switch parts[1] {
        case "uic": return "client"
        case "note": return "note"
        case "item", "quantity": return "items"
        case "service": return "services"
        case "type": return "type"
        case "overdose": return "overdose"
        case "amend": return "target"
        case "profile": return parts.count >= 3 && parts[2] == "repeated" && !m.args.isEmpty ? m.args[0] : "profile"
        case "activity": return "participants"
        case "lot": return "lot"
        default: return parts[0] == "policy" ? "author" : (parts[0] == "privacy" ? (d == "lot" ? "lot" : "note") : d)
        }
    }

    // MARK: Authors

    struct Author: Hashable {
        var device: DeviceID
        var name: String
        init(_ device: DeviceID, _ name: String) {
            self.device = device
            self.name = name.lowercased()
        }
    }

    /// Who may author what, by the roles the stores recorded: a user is added on one store
    /// (`userAdded`, written by that store, so carrying its device) and authors events only
    /// there. An event's author needs the role the event's kind requires (`Policy`), as the
    /// store that made it knew the author at that time.
    func checkAuthors(_ events: [Event], all: [Event]) throws(SyncError) {
        var history: [Author: [(at: Timestamp, id: EventID, role: Role)]] = [:]
        func learn(_ list: [Event]) {
            for e in list {
                if case .userAdded(let name, let role) = e.body {
                    history[Author(e.device, name), default: []].append((e.at, e.id, role))
                }
            }
        }
        learn(all)
        // Records an amendment in this bundle may be about, when the store does not hold them yet.
        var inBundle: [EventID: Event] = [:]
        let wanted = Set(events.compactMap(\.body.amendTarget))
        if !wanted.isEmpty { for e in all where wanted.contains(e.id) { inBundle[e.id] = e } }
        func lookup(_ id: EventID) -> AmendTarget? {
            if let t = target(id) { return t }
            guard let e = inBundle[id] else { return nil }
            if case .contactLogged(let c) = e.body { return AmendTarget(e, voided: false, contact: c) }
            return AmendTarget(e, voided: false, contact: nil)
        }
        var readLocal = false
        for e in events {
            let who = Author(e.device, e.author)
            if history[who] == nil && !readLocal {
                readLocal = true
                do { learn(try localEvents()) } catch { throw .store(String(describing: error)) }
            }
            guard let entries = history[who] else {
                throw .wrongAuthor(kind: e.body.kindName, author: e.author, role: "unknown user")
            }
            // The role at the event: the latest `userAdded` for this name on this store before
            // the event (fold order; never the event itself, so nobody promotes themselves),
            // else the earliest (clocks differ between a user's creation and their first save by
            // seconds, not by intent).
            let others = entries.filter { $0.id != e.id }.sorted { FoldKey(at: $0.at, id: $0.id) < FoldKey(at: $1.at, id: $1.id) }
            let prior = others.last(where: { FoldKey(at: $0.at, id: $0.id) < e.foldKey })
            if prior == nil, case .userAdded(let name, .coordinator) = e.body, Author(e.device, name) == who {
                // A store's first user adds themselves as coordinator when the store is created.
                continue
            }
            guard let role = prior?.role ?? others.first?.role else {
                throw .wrongAuthor(kind: e.body.kindName, author: e.author, role: "unknown user")
            }
            let action = Policy.action(for: e.body)
            guard Policy.allows(role, action) else {
                throw .wrongAuthor(kind: e.body.kindName, author: e.author, role: role.rawValue)
            }
            // Corrections and voids: whose record and how old, as the correction policy says,
            // when the record is here.
            if let t = e.body.amendTarget ?? unmergeTarget(e) {
                do {
                    try Validator(configuration).checkIncomingAmendment(e, target: lookup(t), authorRole: role)
                } catch {
                    throw refuse(e, Self.field(error, default: "target"), error.description)
                }
            }
        }
    }

    /// Unmerges carry no target record; their role check is the Validator's too.
    func unmergeTarget(_ e: Event) -> EventID? {
        if case .clientUnmerged = e.body { return e.id }
        return nil
    }

    // MARK: Merges

    /// A store refuses locally a merge of two codes that are already one client, so a chain of
    /// merges written by one store never closes a cycle. Within each store's merges in the
    /// bundle (plus those already here), a merge that would close one is refused. Concurrent
    /// merges from two stores that together form a cycle are legitimate and resolved by the
    /// fold (docs/sync.md).
    func checkMerges(_ events: [Event]) throws(SyncError) {
        var byDevice: [DeviceID: [Event]] = [:]
        for e in events {
            if case .clientsMerged = e.body { byDevice[e.device, default: []].append(e) }
        }
        guard !byDevice.isEmpty else { return }
        var local: [DeviceID: [Event]] = [:]
        do {
            for e in try mergeEvents() where byDevice[e.device] != nil {
                if case .clientsMerged = e.body { local[e.device, default: []].append(e) }
            }
        } catch { throw .store(String(describing: error)) }
        for (device, fresh) in byDevice {
            let freshIDs = Set(fresh.map(\.id))
            let all = (fresh + (local[device] ?? []).filter { !freshIDs.contains($0.id) }).sorted(by: Event.foldsBefore)
            var parent: [UIC: UIC] = [:]
            func root(_ u: UIC) -> UIC {
                var r = u
                var steps = 0
                while let p = parent[r], steps <= all.count { r = p; steps += 1 }
                return r
            }
            for e in all {
                guard case .clientsMerged(let from, let into) = e.body else { continue }
                let a = root(from), b = root(into)
                if a == b {
                    if freshIDs.contains(e.id) { throw refuse(e, "into", "\(from.code) and \(into.code) are already one client: the merge closes a cycle") }
                    continue
                }
                parent[a] = b
            }
        }
    }
}
