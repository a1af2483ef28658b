import SenimCore

/// A record the user asked to save, as data. `update` checks it against a provisional
/// context (so errors show at once); the runtime turns it into events with the store's real
/// context (time, event id, device) and saves them.
public enum Draft: Hashable, Sendable {
    case contact(ContactDraft)
    case receive(item: String, quantity: Int, lot: String?, expires: DayNumber?)
    case transfer(item: String, quantity: Int, to: String)
    /// `lot`: that lot only (nil: first expiry first).
    case writeOff(item: String, quantity: Int, reason: WriteOffReason, lot: String? = nil)
    case count(item: String, counted: Int)
    /// Several counts saved together (the stocktake sheet): all or nothing.
    case stocktake([ItemCount])
    case confirmTransfer(EventID)
    case issueReferral(client: String, service: String, due: DayNumber?, note: String?)
    case updateReferral(EventID, status: ReferralStatus, note: String?)
    /// The plaintext is sealed by the runtime through the backend, never stored as is.
    case confidentialNote(EventID, text: String)
    /// A correction of a contact: the form's content replaces the contact's, for `reason`.
    case correctContact(EventID, ContactDraft, reason: AmendReason, note: String?)
    case void(EventID, reason: AmendReason, note: String?)
    /// Two codes are the same person; `into` survives.
    case merge(from: UIC, into: UIC)
    /// Undoes the merge of `from` (which was merged into `into`).
    case unmerge(from: UIC, into: UIC)
    case incident(kind: IncidentKind, client: String?, note: String?)
    case activity(kind: ActivityKind, participants: Int)
    case profile(client: String, substances: [Substance], routes: [Route], oat: OATStatus?, gender: Gender?)
    /// Late entry: the draft happened at `at` (a form's date field), not now. The runtime gives
    /// it a context at that time after `Validator.checkTime`.
    indirect case dated(at: Timestamp, Draft)

    /// When a late entry happened (nil: now).
    public var time: Timestamp? {
        if case .dated(let at, _) = self { return at }
        return nil
    }

    /// The draft without its late-entry time.
    public var undated: Draft {
        if case .dated(_, let d) = self { return d.undated }
        return self
    }

    /// The events this draft becomes, or the reason it is refused. `fresh` gives the context
    /// (a new event id) for each event after the first one (referrals saved with a contact).
    public func events(validator v: Validator, ledger: LedgerState, ctx: Validator.Context,
                       seal: (String) throws -> [UInt8], fresh: (() -> Validator.Context)? = nil) throws -> [Event] {
        let known: (UIC) -> Bool = { ledger.client($0) != nil }
        switch self {
        case .contact(let d):
            let input = Validator.ContactInput(
                client: d.client, type: d.type, packs: d.packs, items: d.items.map { ($0.item, Int($0.quantity)) },
                services: d.services, overdose: d.overdose, note: d.note, detail: d.detail)
            var events = try v.contact(input, ctx: ctx, known: known,
                                       nearDuplicates: { DuplicateFinder.similar(to: $0, in: ledger, formula: v.formula) },
                                       newClient: d.newClient)
            // Referrals ride in the same save: all or nothing with the contact.
            for (n, service) in d.referrals.enumerated() {
                var c = fresh?() ?? ctx
                if fresh == nil { c.id = EventID(high: ctx.id.high, low: ctx.id.low &+ UInt64(n + 1)) }
                events.append(try v.issueReferral(client: d.client, service: service, due: d.referralDue, note: nil, ctx: c,
                                                  known: { known($0) || (d.newClient && $0.code == d.client) }))
            }
            if let p = d.profile {
                var c = fresh?() ?? ctx
                if fresh == nil { c.id = EventID(high: ctx.id.high, low: ctx.id.low &+ UInt64(d.referrals.count + 1)) }
                events.append(try v.setProfile(client: d.client, substances: p.substances, routes: p.routes, oat: p.oat,
                                               gender: p.gender, ctx: c, known: { known($0) || (d.newClient && $0.code == d.client) }))
            }
            return events
        case .receive(let item, let q, let lot, let expires):
            return [try v.receive(item: item, quantity: q, lot: lot, expires: expires, ctx: ctx)]
        case .transfer(let item, let q, let to):
            return [try v.transfer(item: item, quantity: q, to: to, ctx: ctx)]
        case .writeOff(let item, let q, let reason, let lot):
            return [try v.writeOff(item: item, quantity: q, reason: reason, lot: lot,
                                   lots: ledger.level(site: ctx.site, item: item)?.lots ?? [], ctx: ctx)]
        case .count(let item, let q):
            return [try v.count(item: item, counted: q, ctx: ctx)]
        case .stocktake(let counts):
            var out: [Event] = []
            for (n, c) in counts.enumerated() {
                var x = n == 0 ? ctx : (fresh?() ?? ctx)
                if n > 0, fresh == nil { x.id = EventID(high: ctx.id.high, low: ctx.id.low &+ UInt64(n)) }
                out.append(try v.count(item: c.item, counted: c.counted, ctx: x))
            }
            return out
        case .confirmTransfer(let id):
            guard let t = ledger.transfers[id], t.inTransit else { throw Message("tui.stock.transferGone") }
            guard ledger.sites[t.to] == ctx.site else { throw Message("tui.stock.transferNotHere") }
            return [try v.confirmTransfer(t, ledger: ledger, ctx: ctx)]
        case .issueReferral(let client, let service, let due, let note):
            return [try v.issueReferral(client: client, service: service, due: due, note: note, ctx: ctx, known: known)]
        case .updateReferral(let id, let status, let note):
            return [try v.updateReferral(ledger.referrals[id], idText: id.short, status: status, note: note, ctx: ctx)]
        case .dated(_, let d):
            // The caller made `ctx` at the draft's time (see `EffectRunner` and `Forms.check`).
            return try d.events(validator: v, ledger: ledger, ctx: ctx, seal: seal, fresh: fresh)
        case .correctContact(let id, let d, let reason, let note):
            let input = Validator.ContactInput(
                client: d.client, type: d.type, packs: [], items: d.items.map { ($0.item, Int($0.quantity)) },
                services: d.services, overdose: d.overdose, note: d.note, detail: d.detail)
            return try v.correctContact(ledger.amendTarget(id), idText: ShortIDs.short(id, among: ledger.recordIDs), input: input,
                                        packs: d.packs, reason: reason, note: note, ctx: ctx, known: known,
                                        nearDuplicates: { v.formula.nearDuplicates(of: $0, among: ledger.clientIndex.keys) },
                                        newClient: d.newClient)
        case .void(let id, let reason, let note):
            return [try v.void(ledger.amendTarget(id), idText: ShortIDs.short(id, among: ledger.recordIDs), reason: reason,
                               note: note, ctx: ctx)]
        case .confidentialNote(let id, let text):
            return [try v.confidentialNote(ledger.referrals[id], idText: id.short, plaintext: text, ctx: ctx, seal: seal)]
        case .merge(let from, let into):
            return [try v.mergeClients(from.code, into: into.code, ctx: ctx, known: known, canonical: { u in
                ledger.clientIndex[u].map { ledger.clients[Int(ledger.canonical($0))].uic } ?? u
            })]
        case .unmerge(let from, _):
            return [try v.unmergeClient(from.code, ctx: ctx, known: known, mergedInto: { u in
                ledger.clientIndex[u].flatMap { ledger.clients[Int($0)].mergedInto }.map { ledger.clients[Int($0)].uic }
            })]
        case .incident(let kind, let client, let note):
            return [try v.recordIncident(kind: kind, client: client, note: note, ctx: ctx, known: known)]
        case .activity(let kind, let participants):
            return [try v.recordActivity(kind: kind, participants: participants, ctx: ctx)]
        case .profile(let client, let substances, let routes, let oat, let gender):
            return [try v.setProfile(client: client, substances: substances, routes: routes, oat: oat, gender: gender,
                                     ctx: ctx, known: known)]
        }
    }
}

/// One line of a stocktake.
public struct ItemCount: Hashable, Sendable {
    public var item: String
    public var counted: Int
    /// The level the store expected when the sheet was saved (for the summary only).
    public var expected: Int64
    public init(item: String, counted: Int, expected: Int64) {
        self.item = item
        self.counted = counted
        self.expected = expected
    }
}

/// The new-contact form's content, ready for the validator.
public struct ContactDraft: Hashable, Sendable {
    public var client: String
    public var type: String
    public var packs: [String]
    /// Final quantities of every item handed out (they replace the packs' quantities).
    public var items: [ItemQuantity]
    public var services: [String]
    public var overdose: String?
    public var note: String?
    public var newClient: Bool
    /// Services the client is referred to (one referral each), due on `referralDue`.
    public var referrals: [String] = []
    public var referralDue: DayNumber?
    /// Overdose kind, who came, rapid test results.
    public var detail = ContactDetail()
    /// A new client's profile (code builder), saved after the contact.
    public var profile: ClientProfile?
}
