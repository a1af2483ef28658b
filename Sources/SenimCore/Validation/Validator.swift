/// Turns what a user asked for into events, or refuses with a specific message. Every
/// free-text field goes through the privacy guard; quantities must be positive and sane;
/// ids must exist in the catalogue; the author's role must allow the action.
///
/// The time, the event id and the device come from the caller: the core has no clock.
public struct Validator: Sendable {
    public var catalogue: Catalogue
    public var formula: UICFormula
    public var points: Points
    public static let maxNoteLength = 2_000

    public init(catalogue: Catalogue, formula: UICFormula, points: Points) {
        self.catalogue = catalogue
        self.formula = formula
        self.points = points
    }

    public init(_ config: Configuration) {
        self.init(catalogue: config.catalogue, formula: config.uic, points: config.points)
    }

    /// Who is writing, where, and when.
    public struct Context: Sendable {
        public var author: String
        public var role: Role
        public var device: DeviceID
        public var site: String
        public var at: Timestamp
        public var id: EventID
        public init(author: String, role: Role, device: DeviceID, site: String, at: Timestamp, id: EventID) {
            self.author = author
            self.role = role
            self.device = device
            self.site = site
            self.at = at
            self.id = id
        }
    }

    /// Parses a typed client code.
    public func uic(_ typed: String) throws(Message) -> UIC {
        guard let u = formula.parse(typed) else {
            throw Message("validate.uic.invalid", String(PrivacyGuard.echo(typed).prefix(20)), String(formula.length), example)
        }
        return u
    }

    public var example: String {
        (try? formula.build(answers: Dictionary(uniqueKeysWithValues: formula.questions.map { q in
            (q.id, q.kind == .sex ? "f" : q.kind == .year ? "1990" : "Anna")
        })).code) ?? "ANAN290"
    }

    public func note(_ text: String?) throws(Message) -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        guard trimmed.count <= Self.maxNoteLength else {
            throw Message("validate.note.long", String(trimmed.count), String(Self.maxNoteLength))
        }
        try PrivacyGuard.require(trimmed)
        return trimmed
    }

    public func quantity(_ item: String, _ q: Int, limit: Int) throws(Message) -> Int32 {
        guard q > 0 else { throw Message("validate.quantity.negative", item, String(q)) }
        guard q <= limit else { throw Message("validate.quantity.absurd", item, String(q), String(limit)) }
        return Int32(q)
    }

    public func item(_ id: String) throws(Message) -> String {
        guard catalogue.item(id) != nil else {
            throw Message("validate.item.unknown", PrivacyGuard.echo(id), catalogue.items.map(\.id).joined(separator: ", "))
        }
        return id
    }

    public func service(_ id: String) throws(Message) -> String {
        guard catalogue.service(id) != nil else {
            throw Message("validate.service.unknown", PrivacyGuard.echo(id), catalogue.services.map(\.id).joined(separator: ", "))
        }
        return id
    }

    /// Checks a contact's details against the contact (the one rule for local, corrected and
    /// incoming contacts): an overdose kind and who came only with an overdose outcome, each
    /// responder once; a test result only for a rapid-test service the contact delivered, one
    /// per service.
    public func contactDetail(_ d: ContactDetail, services: [String], overdose: String?) throws(Message) {
        if overdose == nil, d.overdoseKind != nil || !d.responders.isEmpty {
            throw Message("validate.overdose.detailWithoutOutcome")
        }
        if Set(d.responders).count != d.responders.count { throw Message("validate.overdose.responderTwice") }
        var tested = Set<String>()
        for r in d.results {
            guard let s = catalogue.service(r.service), s.isRapidTest else {
                throw Message("validate.test.notRapid", PrivacyGuard.echo(r.service),
                              catalogue.services.filter(\.isRapidTest).map(\.id).joined(separator: ", "))
            }
            guard services.contains(r.service) else { throw Message("validate.test.notDelivered", r.service) }
            guard tested.insert(r.service).inserted else { throw Message("validate.test.twice", r.service) }
        }
    }

    public func point(_ id: String) throws(Message) -> String {
        guard points.point(id) != nil else {
            throw Message("validate.point.unknown", PrivacyGuard.echo(id), points.points.map(\.id).joined(separator: ", "))
        }
        return id
    }

    /// A contact request as typed: packs expand into items, explicit items add to (or, with
    /// the same id, replace) pack quantities.
    public struct ContactInput: Sendable {
        public var client: String
        public var type: String?
        public var packs: [String] = []
        public var items: [(String, Int)] = []
        public var services: [String] = []
        public var overdose: String?
        public var note: String?
        /// Overdose kind, who came, rapid test results (checked by `contactDetail`).
        public var detail = ContactDetail()
        public init(client: String, type: String? = nil, packs: [String] = [], items: [(String, Int)] = [],
                    services: [String] = [], overdose: String? = nil, note: String? = nil, detail: ContactDetail = ContactDetail()) {
            self.detail = detail
            self.client = client
            self.type = type
            self.packs = packs
            self.items = items
            self.services = services
            self.overdose = overdose
            self.note = note
        }
    }

    /// Checks a contact. `known` says whether the client is registered; an unknown one is
    /// refused (listing near-duplicates) unless `newClient`.
    public func contact(_ input: ContactInput, ctx: Context, known: (UIC) -> Bool,
                        nearDuplicates: (UIC) -> [UIC], newClient: Bool) throws(Message) -> [Event] {
        try Policy.require(ctx.role, .logContact)
        let client = try uic(input.client)
        _ = try point(ctx.site)
        var quantities: [String: Int] = [:]
        var order: [String] = []
        for p in input.packs {
            guard let pack = catalogue.pack(p) ?? catalogue.packForKey(p) else {
                throw Message("validate.pack.unknown", PrivacyGuard.echo(p), catalogue.packs.map(\.id).joined(separator: ", "))
            }
            for l in pack.sortedItems {
                if quantities[l.item] == nil { order.append(l.item) }
                quantities[l.item, default: 0] += Int(l.quantity)
            }
        }
        for (id, q) in input.items {
            _ = try item(id)
            _ = try quantity(id, q, limit: catalogue.limits.maxQuantityPerContact)
            if quantities[id] == nil { order.append(id) }
            quantities[id] = q
        }
        var lines: [ItemQuantity] = []
        for id in order.sorted(by: { catalogue.itemPosition($0)! < catalogue.itemPosition($1)! }) {
            lines.append(ItemQuantity(item: id, quantity: try quantity(id, quantities[id]!, limit: catalogue.limits.maxQuantityPerContact)))
        }
        var services: [String] = []
        for s in input.services where !services.contains(s) { services.append(try service(s)) }
        let type = input.type ?? defaultContactType(ctx.site)
        guard catalogue.contactType(type) != nil else {
            throw Message("validate.type.unknown", PrivacyGuard.echo(type), catalogue.contactTypes.map(\.id).joined(separator: ", "))
        }
        if let o = input.overdose, catalogue.overdoseOutcome(o) == nil {
            throw Message("validate.overdose.unknown", PrivacyGuard.echo(o), catalogue.overdoseOutcomes.map(\.id).joined(separator: ", "))
        }
        try contactDetail(input.detail, services: services, overdose: input.overdose)
        let note = try self.note(input.note)
        guard !lines.isEmpty || !services.isEmpty || input.overdose != nil || note != nil else {
            throw Message("validate.contact.empty")
        }
        var events: [Event] = []
        if !known(client) {
            guard newClient else {
                let near = nearDuplicates(client)
                if near.isEmpty { throw Message("validate.uic.unknown", client.code) }
                throw Message("validate.uic.unknown.near", client.code, near.map(\.code).joined(separator: ", "))
            }
            try Policy.require(ctx.role, .registerClient)
            events.append(Event(id: Self.derived(ctx.id), at: ctx.at, author: ctx.author, device: ctx.device,
                                site: ctx.site, body: .clientRegistered(client)))
        }
        events.append(Event(id: ctx.id, at: ctx.at, author: ctx.author, device: ctx.device, site: ctx.site,
                            body: .contactLogged(Contact(client: client, type: type, items: lines, services: services,
                                                         overdose: input.overdose, note: note, packs: input.packs.compactMap {
                                                             (catalogue.pack($0) ?? catalogue.packForKey($0))?.id
                                                         }, detail: input.detail))))
        return events
    }

    /// The id of a companion event (a registration saved with its first contact): distinct
    /// from `id` and sorting just before it at the same time.
    public static func derived(_ id: EventID) -> EventID {
        EventID(high: id.high, low: id.low &- 1)
    }

    public func defaultContactType(_ site: String) -> String {
        points.point(site)?.kind == .mobile ? "mobile" : "stationary"
    }

    public func registerClient(_ typed: String, ctx: Context, known: (UIC) -> Bool) throws(Message) -> Event {
        try Policy.require(ctx.role, .registerClient)
        let client = try uic(typed)
        guard !known(client) else { throw Message("validate.uic.exists", client.code) }
        return event(ctx, .clientRegistered(client))
    }

    public func mergeClients(_ a: String, into b: String, ctx: Context, known: (UIC) -> Bool,
                             canonical: (UIC) -> UIC) throws(Message) -> Event {
        try Policy.require(ctx.role, .mergeClients)
        let from = try uic(a), into = try uic(b)
        for u in [from, into] where !known(u) { throw Message("validate.uic.unknown", u.code) }
        guard canonical(from) != canonical(into) else { throw Message("validate.merge.same") }
        return event(ctx, .clientsMerged(from: from, into: into))
    }

    public func receive(item id: String, quantity q: Int, lot: String?, expires: DayNumber?, ctx: Context) throws(Message) -> Event {
        try Policy.require(ctx.role, .receiveStock)
        let it = try item(id)
        let qty = try quantity(id, q, limit: catalogue.limits.maxQuantityPerMovement)
        let lot = try note(lot)
        return event(ctx, .stockReceived(StockReceipt(item: it, quantity: qty, lot: lot, expires: expires)))
    }

    public func transfer(item id: String, quantity q: Int, to: String, ctx: Context) throws(Message) -> Event {
        try Policy.require(ctx.role, .transferStock)
        let it = try item(id)
        let qty = try quantity(id, q, limit: catalogue.limits.maxQuantityPerMovement)
        let dest = try point(to)
        guard dest != ctx.site else { throw Message("validate.transfer.same") }
        return event(ctx, .stockTransferred(StockTransfer(item: it, quantity: qty, to: dest)))
    }

    public func confirmTransfer(_ t: TransferRecord, ledger: LedgerState, ctx: Context) throws(Message) -> Event {
        try Policy.require(ctx.role, .confirmTransfer)
        return event(ctx, .stockTransferReceived(TransferReceipt(
            transfer: t.id, item: ledger.items[t.item], quantity: Int32(t.quantity), from: ledger.sites[t.from])))
    }

    /// A write-off; with `lot`, of that lot only: `lots` are the item's lots at the site now
    /// (`LedgerState.level(site:item:)`), and the lot must be among them with enough left.
    public func writeOff(item id: String, quantity q: Int, reason: WriteOffReason, lot: String? = nil, lots: [Lot] = [],
                         ctx: Context) throws(Message) -> Event {
        try Policy.require(ctx.role, .writeOffStock)
        let it = try item(id)
        let qty = try quantity(id, q, limit: catalogue.limits.maxQuantityPerMovement)
        let w = StockWriteOff(item: it, quantity: qty, reason: reason, lot: try lot.map { (l) throws(Message) in try lotNumber(l) })
        if let name = w.lot {
            let named = lots.filter { $0.lot == name }
            guard !named.isEmpty else {
                let known = lots.compactMap(\.lot)
                throw Message("validate.lot.unknown", PrivacyGuard.echo(name), it, ctx.site,
                              known.isEmpty ? "—" : Array(Set(known)).sorted().joined(separator: ", "))
            }
            let left = named.reduce(Int64(0)) { $0 + $1.remaining }
            guard left >= Int64(qty) else { throw Message("validate.lot.short", name, it, String(left), String(qty)) }
        }
        return event(ctx, .stockWrittenOff(w))
    }

    /// A lot number as typed or received: trimmed, not blank, through the privacy guard.
    public func lotNumber(_ typed: String) throws(Message) -> String {
        guard let l = try note(typed) else { throw Message("validate.lot.blank") }
        return l
    }

    /// Content checks of a write-off from any source (a sync bundle): a chosen lot is a lot
    /// number like a typed one (whether the lot exists is the ledger's to settle: it may
    /// arrive before its receipt).
    public func check(_ w: StockWriteOff) throws(Message) {
        if let l = w.lot { _ = try lotNumber(l) }
    }

    /// A stocktake; zero is a valid count.
    public func count(item id: String, counted q: Int, ctx: Context) throws(Message) -> Event {
        try Policy.require(ctx.role, .countStock)
        let it = try item(id)
        guard q >= 0 else { throw Message("validate.quantity.negative", id, String(q)) }
        guard q <= catalogue.limits.maxQuantityPerMovement else {
            throw Message("validate.quantity.absurd", id, String(q), String(catalogue.limits.maxQuantityPerMovement))
        }
        return event(ctx, .stockCounted(StockCount(item: it, counted: Int32(q))))
    }

    public func issueReferral(client typed: String, service s: String, due: DayNumber?, note n: String?,
                              ctx: Context, known: (UIC) -> Bool) throws(Message) -> Event {
        try Policy.require(ctx.role, .issueReferral)
        let client = try uic(typed)
        guard known(client) else { throw Message("validate.uic.unknown", client.code) }
        return event(ctx, .referralIssued(ReferralIssue(client: client, service: try service(s), due: due, note: try note(n))))
    }

    public func updateReferral(_ r: ReferralRecord?, idText: String, status: ReferralStatus, note n: String?,
                               ctx: Context) throws(Message) -> Event {
        try Policy.require(ctx.role, .updateReferral)
        guard let r else { throw Message("validate.referral.unknown", PrivacyGuard.echo(idText)) }
        return event(ctx, .referralUpdated(ReferralUpdate(referral: r.id, status: status, note: try note(n),
                                                          basedOn: r.history.last?.id ?? r.id)))
    }

    /// `sealed` is the note already encrypted by the store; the plaintext is checked first.
    public func confidentialNote(_ r: ReferralRecord?, idText: String, plaintext: String, ctx: Context,
                                 seal: (String) throws -> [UInt8]) throws -> Event {
        try Policy.require(ctx.role, .writeConfidentialNotes)
        guard let r else { throw Message("validate.referral.unknown", PrivacyGuard.echo(idText)) }
        guard let text = try note(plaintext) else { throw Message("validate.contact.empty") }
        return event(ctx, .referralNoteAdded(ConfidentialNote(referral: r.id, sealed: try seal(text))))
    }

    /// A change to a client's profile (`senim client set`, the client card, the code builder).
    public func setProfile(client typed: String, substances: [Substance]?, routes: [Route]?, oat: OATStatus?,
                           gender: Gender?, ctx: Context, known: (UIC) -> Bool) throws(Message) -> Event {
        try Policy.require(ctx.role, .logContact)
        let client = try uic(typed)
        guard known(client) else { throw Message("validate.uic.unknown", client.code) }
        let p = ClientProfile(client: client, substances: substances, routes: routes, oat: oat, gender: gender)
        try check(p)
        return event(ctx, .clientProfileSet(p))
    }

    /// Content checks of a profile change from any source (CLI, TUI, a sync bundle): a code
    /// the formula accepts, something to change, no value twice in a list.
    public func check(_ p: ClientProfile) throws(Message) {
        guard formula.parse(p.client.code) == p.client else {
            throw Message("validate.uic.invalid", String(p.client.code.prefix(20)), String(formula.length), example)
        }
        guard !p.isEmpty else { throw Message("validate.profile.empty") }
        if let s = p.substances, Set(s).count != s.count { throw Message("validate.profile.repeated", "substance") }
        if let r = p.routes, Set(r).count != r.count { throw Message("validate.profile.repeated", "route") }
    }

    /// A rights-violation incident; the code is optional and, when given, must be known.
    public func recordIncident(kind: IncidentKind, client typed: String?, note n: String?, ctx: Context,
                               known: (UIC) -> Bool) throws(Message) -> Event {
        try Policy.require(ctx.role, .logContact)
        _ = try point(ctx.site)
        var client: UIC?
        if let typed, !typed.trimmingCharacters(in: .whitespaces).isEmpty {
            let u = try uic(typed)
            guard known(u) else { throw Message("validate.uic.unknown", u.code) }
            client = u
        }
        let i = Incident(kind: kind, client: client, note: try note(n))
        try check(i)
        return event(ctx, .incidentRecorded(i))
    }

    /// An information session or training.
    public func recordActivity(kind: ActivityKind, participants: Int, ctx: Context) throws(Message) -> Event {
        try Policy.require(ctx.role, .logContact)
        _ = try point(ctx.site)
        let a = GroupActivity(kind: kind, participants: Int32(clamping: participants))
        guard participants > 0, participants <= Int(GroupActivity.maxParticipants) else {
            throw Message("validate.activity.participants", String(participants), String(GroupActivity.maxParticipants))
        }
        try check(a)
        return event(ctx, .activityRecorded(a))
    }

    /// Content checks of an incident from any source (CLI, TUI, a sync bundle).
    public func check(_ i: Incident) throws(Message) {
        if let c = i.client, formula.parse(c.code) != c {
            throw Message("validate.uic.invalid", String(c.code.prefix(20)), String(formula.length), example)
        }
        if let n = i.note { _ = try note(n) }
    }

    /// Content checks of a group activity from any source.
    public func check(_ a: GroupActivity) throws(Message) {
        guard a.participants > 0, a.participants <= GroupActivity.maxParticipants else {
            throw Message("validate.activity.participants", String(a.participants), String(GroupActivity.maxParticipants))
        }
    }

    /// 1–32 letters, digits, '.', '_' or '-'. Checked scalar by scalar: a zero-width joiner or
    /// a combining mark hides inside a `Character` that still counts as a letter.
    public static func isValidUserName(_ name: String) -> Bool {
        let nfc = name.precomposedStringWithCanonicalMapping
        return (1...32).contains(nfc.count) && nfc.unicodeScalars.allSatisfy { s in
            switch s.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .otherLetter, .decimalNumber: true
            default: s == "." || s == "_" || s == "-"
            }
        }
    }

    public func addUser(_ name: String, role: Role, ctx: Context) throws(Message) -> Event {
        try Policy.require(ctx.role, .manageUsers)
        guard Self.isValidUserName(name) else { throw Message("validate.user.name", String(PrivacyGuard.echo(name).prefix(40))) }
        return event(ctx, .userAdded(name: name, role: role))
    }

    /// A user's own trust point (their default site and contact type), from the points file.
    public func setUserPoint(_ name: String, point p: String, ctx: Context) throws(Message) -> Event {
        try Policy.require(ctx.role, .manageUsers)
        guard Self.isValidUserName(name) else { throw Message("validate.user.name", String(PrivacyGuard.echo(name).prefix(40))) }
        return event(ctx, .userPointSet(name: name, point: try point(p)))
    }

    /// The trust point `user` works at: their own (`user-point-set`) if it is still in the points
    /// file, else `storePoint` (old stores, users added without one).
    public func point(ofUser user: String, in ledger: LedgerState, storePoint: String) -> String {
        guard let p = ledger.userPoints[user], points.point(p) != nil else { return storePoint }
        return p
    }

    public func removeUser(_ name: String, ctx: Context) throws(Message) -> Event {
        try Policy.require(ctx.role, .manageUsers)
        return event(ctx, .userRemoved(name: name))
    }

    private func event(_ ctx: Context, _ body: EventBody) -> Event {
        Event(id: ctx.id, at: ctx.at, author: ctx.author, device: ctx.device, site: ctx.site, body: body)
    }
}

extension UICFormula.BuildError {
    public var message: Message {
        switch self {
        case .missingAnswer(let q): Message("uic.missing", q)
        case .noLetters(let q): Message("uic.noLetters", q)
        case .unknownSex(let s): Message("uic.sex", String(PrivacyGuard.echo(s).prefix(10)))
        case .badYear(let y): Message("uic.year", String(PrivacyGuard.echo(y).prefix(10)))
        }
    }
}
