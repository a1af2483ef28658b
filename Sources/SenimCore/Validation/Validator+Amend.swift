/// Corrections, voids, unmerges, late entry and plausibility: the checks that turn "fix this
/// mistake" into events. The record being fixed comes from `LedgerState.amendTarget`.
extension Validator {
    /// A quantity above an item's usual maximum per contact (`usualMaximum` in the catalogue).
    public struct UnusualQuantity: Sendable, Hashable {
        public var item: String
        public var quantity: Int
        public var usualMaximum: Int
    }

    /// Lines above their item's usual maximum: the TUI asks, the CLI wants `--confirm-large`.
    public func unusualQuantities(_ lines: [ItemQuantity]) -> [UnusualQuantity] {
        lines.compactMap { l in
            guard let max = catalogue.item(l.item)?.usualMaximum, Int(l.quantity) > max else { return nil }
            return UnusualQuantity(item: l.item, quantity: Int(l.quantity), usualMaximum: max)
        }
    }

    /// Refuses lines above the usual maximum unless `confirmed` (names the first such item).
    public func requirePlausible(_ lines: [ItemQuantity], confirmed: Bool) throws(Message) {
        guard !confirmed, let u = unusualQuantities(lines).first else { return }
        throw Message("validate.quantity.unusual", u.item, String(u.quantity), String(u.usualMaximum))
    }

    /// A lot received with fewer days than this left before expiry gets a warning.
    public static let expiryWarningDays: DayNumber = 30

    /// True if a lot expiring on `expires` is already expired or expires within 30 days of `today`.
    public static func expiresSoon(_ expires: DayNumber?, today: DayNumber) -> Bool {
        lotExpiry(expires, today: today) != nil
    }

    /// How a lot stands on `today`: expired (before today), expiring soon (within
    /// `expiryWarningDays`), or nil (no date, or later). The one rule behind every mark.
    public static func lotExpiry(_ expires: DayNumber?, today: DayNumber) -> LotExpiry? {
        guard let expires else { return nil }
        if expires < today { return .expired }
        return expires - today <= expiryWarningDays ? .expiresSoon : nil
    }

    /// The earliest time a record may carry (late entry): 2000-01-01 00:00 UTC.
    public static let earliestTime: Timestamp = 946_684_800
    /// How far ahead of the clock a time may be (clock skew between laptops).
    public static let futureAllowance: Timestamp = 600

    /// A time for late entry: not before 2000-01-01, at most ten minutes after `now`.
    public static func checkTime(_ at: Timestamp, now: Timestamp) throws(Message) {
        guard at >= earliestTime else { throw Message("validate.time.early") }
        guard at - now <= futureAllowance else { throw Message("validate.time.future") }
    }

    /// A correction of a contact: `input` is the whole corrected contact (the caller merges the
    /// fields given into the current ones). Returns a registration first when the corrected
    /// client code is new and `newClient` allows it.
    public func correctContact(_ target: AmendTarget?, idText: String, input: ContactInput, packs: [String],
                               reason: AmendReason, note: String?, ctx: Context, known: (UIC) -> Bool,
                               nearDuplicates: (UIC) -> [UIC], newClient: Bool) throws(Message) -> [Event] {
        let target = try amendable(target, idText: idText, ctx: ctx)
        guard target.contact != nil else { throw Message("validate.amend.notContact", PrivacyGuard.echo(idText), target.kind) }
        var site = ctx
        site.site = target.site   // the contact stays at its own trust point
        var events = try contact(input, ctx: site, known: known, nearDuplicates: nearDuplicates, newClient: newClient)
        guard case .contactLogged(var corrected) = events.removeLast().body else { return [] }
        corrected.packs = packs
        if corrected == target.contact { throw Message("validate.amend.unchanged", PrivacyGuard.echo(idText)) }
        let body = EventBody.contactCorrected(ContactCorrection(target: target.id, contact: corrected, reason: reason,
                                                                note: try self.note(note)))
        events = events.map { Event(id: $0.id, at: ctx.at, author: ctx.author, device: ctx.device, site: ctx.site, body: $0.body) }
        events.append(Event(id: ctx.id, at: ctx.at, author: ctx.author, device: ctx.device, site: ctx.site, body: body))
        return events
    }

    /// A void of a contact, stock movement or referral status change.
    public func void(_ target: AmendTarget?, idText: String, reason: AmendReason, note: String?,
                     ctx: Context) throws(Message) -> Event {
        let target = try amendable(target, idText: idText, ctx: ctx)
        return Event(id: ctx.id, at: ctx.at, author: ctx.author, device: ctx.device, site: ctx.site,
                     body: .recordVoided(VoidRecord(target: target.id, reason: reason, note: try self.note(note))))
    }

    /// Undoes the merge of `typed` into another code.
    public func unmergeClient(_ typed: String, ctx: Context, known: (UIC) -> Bool,
                              mergedInto: (UIC) -> UIC?) throws(Message) -> Event {
        try Policy.require(ctx.role, .unmergeClients)
        let code = try uic(typed)
        guard known(code) else { throw Message("validate.uic.unknown", code.code) }
        guard mergedInto(code) != nil else { throw Message("validate.unmerge.notMerged", code.code) }
        return Event(id: ctx.id, at: ctx.at, author: ctx.author, device: ctx.device, site: ctx.site, body: .clientUnmerged(code))
    }

    private func amendable(_ target: AmendTarget?, idText: String, ctx: Context) throws(Message) -> AmendTarget {
        guard let target else { throw Message("validate.amend.unknown", PrivacyGuard.echo(idText)) }
        guard target.voidable else { throw Message("validate.amend.kind", PrivacyGuard.echo(idText), target.kind) }
        guard !target.voided else { throw Message("validate.amend.voided", PrivacyGuard.echo(idText)) }
        try Policy.requireAmend(role: ctx.role, user: ctx.author, target: target, now: ctx.at,
                                windowDays: catalogue.limits.correctionWindow)
        return target
    }

    /// Checks a correction, void or unmerge that came from elsewhere (a sync bundle): its
    /// content as strictly as a local one, and — when the target and the author's role are
    /// known here — the correction policy at the time it was made. `target` nil: the record
    /// has not arrived yet (the ledger keeps the amendment until it does).
    public func checkIncomingAmendment(_ e: Event, target: AmendTarget?, authorRole: Role?) throws(Message) {
        switch e.body {
        case .contactCorrected(let c):
            _ = try note(c.note)
            let k = c.contact
            _ = try uic(k.client.code)
            guard catalogue.contactType(k.type) != nil else {
                throw Message("validate.type.unknown", k.type, catalogue.contactTypes.map(\.id).joined(separator: ", "))
            }
            for l in k.items {
                _ = try item(l.item)
                _ = try quantity(l.item, Int(l.quantity), limit: catalogue.limits.maxQuantityPerContact)
            }
            for s in k.services { _ = try service(s) }
            if let o = k.overdose, catalogue.overdoseOutcome(o) == nil {
                throw Message("validate.overdose.unknown", o, catalogue.overdoseOutcomes.map(\.id).joined(separator: ", "))
            }
            try contactDetail(k.detail, services: k.services, overdose: k.overdose)
            _ = try note(k.note)
            if let target, target.contact == nil { throw Message("validate.amend.notContact", target.id.description, target.kind) }
        case .recordVoided(let v):
            _ = try note(v.note)
            if let target, !target.voidable { throw Message("validate.amend.kind", target.id.description, target.kind) }
        case .clientUnmerged(let u):
            _ = try uic(u.code)
            if let authorRole { try Policy.require(authorRole, .unmergeClients) }
            return
        default:
            return
        }
        if let target, let authorRole {
            try Policy.requireAmend(role: authorRole, user: e.author, target: target, now: e.at,
                                    windowDays: catalogue.limits.correctionWindow)
        }
    }
}

/// A lot's expiry mark (`Validator.lotExpiry`).
public enum LotExpiry: String, Hashable, Sendable {
    case expired, expiresSoon
}
