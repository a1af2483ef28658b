/// A checkpoint of the folded ledger: the state as compact bytes, so a store can open without
/// folding its snapshot's events again (issue 11; docs/file-format.md, docs/decisions.md).
///
/// It is a cache, never a second way to apply events: `checkpoint()` writes what the fold
/// built and `init(checkpoint:)` reads it back; events after it are applied by the one ledger
/// path as always (`append`). A property test holds `load(checkpoint(fold(A)))` + `B` equal to
/// `fold(A + B)` on every event kind. Derived views (the client byte table, the code index,
/// the stock grid, the due index, referral positions) are rebuilt, not stored.
///
/// Reading is bounded and checks every count against the bytes left before allocating and
/// every index against what it points into: a damaged or foreign checkpoint throws
/// `CheckpointError` (the store then folds its events), it never traps. The interned ids the
/// configuration puts first (catalogue items, services, contact types, outcomes, points) must
/// be exactly the current configuration's, or the checkpoint is refused: a fold under another
/// catalogue would number them differently.
///
///     u8 version = 3
///     varint n · n × id                                 the contacts' event ids, as one column
///     varint c                                          the number of clients
///     6 interners (sites, items, services, workers, contact types, outcomes):
///         varint configured count · varint n · n strings
///     u64 length · the n contact rows (without their ids) · item lines · services
///     c clients · notes · details · stock slots · movements ·
///     discrepancies · transfers · referrals · users · user points · amendments · profiles · incidents ·
///     activities · pending receipts · pending referral events · event count · last key
///
/// Integers are `BinaryWriter` varints (signed ones zig-zag), ids two fixed64, strings
/// length-prefixed UTF-8, enums their raw names, dictionaries in key order (so the same state
/// always gives the same bytes), embedded events `EventCodec` records. The contact ids come
/// first, as fixed-width column a store finds without decoding anything else
/// (`checkpointContactIDs`): it builds its id set from them on a second thread while this
/// decodes the rest. The contact rows come behind their length, so `init(checkpoint:)` hands
/// them to a second thread of the caller's (`Alongside`) and decodes the clients and the rest
/// meanwhile. (Version 1 interleaved ids and rows; version 2 had the rows after the clients.)
public struct CheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "ledger checkpoint refused: \(reason)" }
}

extension LedgerState {
    public static let checkpointVersion: UInt8 = 3

    /// The state as checkpoint bytes (deterministic: equal states give equal bytes).
    public func checkpoint() -> [UInt8] {
        var w = BinaryWriter(capacity: contacts.count * 40 + contactItems.count * 3 + 4096)
        w.u8(Self.checkpointVersion)
        w.varint(UInt64(contacts.count))
        for c in contacts { Self.id(c.id, &w) }
        w.varint(UInt64(clients.count))
        let fresh = Self.configuredCounts(self)
        for (k, interner) in interners.enumerated() {
            w.varint(UInt64(fresh[k]))
            w.varint(UInt64(interner.names.count))
            for n in interner.names { w.string(n) }
        }
        // The contact rows, their lines and services, behind their length (fixed 8 bytes, filled
        // in after): a reader hands them to its second thread and reads on from the clients.
        // Times are differences (contacts are in fold order); the ids are the column above.
        let rowsAt = w.bytes.count
        w.fixed64(0)
        var previous: Timestamp = 0
        for c in contacts {
            w.int(c.at &- previous); previous = c.at
            w.varint(UInt64(c.client)); w.varint(UInt64(c.site)); w.varint(UInt64(c.worker)); w.varint(UInt64(c.type))
            w.int(Int64(c.overdose)); w.varint(UInt64(c.itemsCount)); w.varint(UInt64(c.servicesCount)); w.u8(c.hasDetail ? 1 : 0)
        }
        w.varint(UInt64(contactItems.count))
        for l in contactItems { w.varint(UInt64(l.item)); w.int(Int64(l.quantity)) }
        w.varint(UInt64(contactServices.count))
        for s in contactServices { w.varint(UInt64(s)) }
        let rowsLength = UInt64(w.bytes.count - rowsAt - 8)
        for k in 0..<8 { w.bytes[rowsAt + k] = UInt8(truncatingIfNeeded: rowsLength >> (8 * UInt64(k))) }
        // Clients.
        for c in clients {
            w.string(c.uic.code)
            w.int(c.firstSeen); w.varint(UInt64(c.firstSite)); w.int(c.lastSeen &- c.firstSeen); w.int(Int64(c.contacts))
            w.int(Int64(c.mergedInto ?? -1))
        }
        w.varint(UInt64(contactNotes.count))
        for k in contactNotes.keys.sorted() { w.varint(UInt64(k)); w.string(contactNotes[k]!) }
        w.varint(UInt64(contactDetails.count))
        for k in contactDetails.keys.sorted() {
            let d = contactDetails[k]!
            w.varint(UInt64(k)); w.optionalString(d.overdoseKind?.rawValue)
            w.varint(UInt64(d.responders.count)); for r in d.responders { w.string(r.rawValue) }
            w.varint(UInt64(d.results.count)); for r in d.results { w.string(r.service); w.string(r.result.rawValue) }
        }
        // Stock in slot order (slots are made in fold order; the grid is rebuilt from them).
        w.varint(UInt64(stockKeys.count))
        for (k, level) in zip(stockKeys, stockLevels) {
            w.varint(UInt64(k.site)); w.varint(UInt64(k.item))
            w.int(level.level); w.int(Int64(level.discrepancies)); w.int(level.shortfall); Self.optionalTime(level.lastDiscrepancyAt, &w)
            w.varint(UInt64(level.lots.count))
            for lot in level.lots {
                w.optionalString(lot.lot); w.u8(lot.expires == nil ? 0 : 1); w.int(Int64(lot.expires ?? 0)); w.int(lot.remaining)
            }
        }
        w.varint(UInt64(movements.count))
        for m in movements {
            Self.id(m.id, &w); w.int(m.at); w.varint(UInt64(m.site)); w.varint(UInt64(m.item)); w.string(m.kind.rawValue)
            w.int(m.delta); w.optionalString(m.reason?.rawValue); w.varint(UInt64(m.author))
        }
        w.varint(UInt64(discrepancies.count))
        for d in discrepancies {
            Self.id(d.event, &w); w.int(d.at); w.varint(UInt64(d.site)); w.varint(UInt64(d.item)); w.int(d.shortfall)
        }
        w.varint(UInt64(transfers.count))
        for id in transfers.keys.sorted() {
            let t = transfers[id]!
            Self.id(id, &w); Self.id(t.id, &w); w.int(t.at); w.varint(UInt64(t.from)); w.varint(UInt64(t.to)); w.varint(UInt64(t.item))
            w.int(t.quantity); Self.optionalTime(t.receivedAt, &w)
        }
        // Referrals in issue order.
        w.varint(UInt64(referralRecords.count))
        for r in referralRecords {
            Self.id(r.id, &w); w.string(r.client.code); w.string(r.service); w.string(r.site); w.int(r.issuedAt); w.string(r.issuedBy)
            w.u8(r.due == nil ? 0 : 1); w.int(Int64(r.due ?? 0)); w.optionalString(r.note); w.string(r.status.rawValue); w.int(r.statusAt)
            w.varint(UInt64(r.history.count))
            for h in r.history {
                Self.id(h.id, &w); w.int(h.at); w.string(h.author); w.string(h.site); w.string(h.status.rawValue); w.optionalString(h.note)
                w.u8(h.basedOn == nil ? 0 : 1); Self.id(h.basedOn ?? EventID(high: 0, low: 0), &w); w.u8(h.voided ? 1 : 0)
            }
            w.u8(r.conflict ? 1 : 0)
            w.varint(UInt64(r.confidentialNotes.count))
            for (n, t) in zip(r.confidentialNotes, r.confidentialNoteTimes) { Self.id(n.referral, &w); w.blob(n.sealed); w.int(t) }
        }
        w.varint(UInt64(users.count))
        for name in users.keys.sorted() { w.string(name); w.string(users[name]!.rawValue) }
        w.varint(UInt64(userPoints.count))
        for name in userPoints.keys.sorted() { w.string(name); w.string(userPoints[name]!) }
        // Corrections and voids, each as the event it came from (`EventCodec`).
        w.varint(UInt64(amendments.count))
        for target in amendments.keys.sorted() {
            let h = amendments[target]!
            Self.id(target, &w)
            if let o = h.original { w.u8(1); w.blob(EventCodec.encode(Self.asFolded(o))) } else { w.u8(0) }
            w.varint(UInt64(h.changes.count))
            for a in h.changes {
                let body: EventBody = a.correction.map { .contactCorrected(ContactCorrection(target: target, contact: $0, reason: a.reason, note: a.note)) }
                    ?? .recordVoided(VoidRecord(target: target, reason: a.reason, note: a.note))
                w.blob(EventCodec.encode(Event(id: a.id, at: a.at, author: a.author, device: DeviceID(0), site: a.site, body: body)))
            }
        }
        w.varint(UInt64(profiles.count))
        for c in profiles.keys.sorted() {
            let changes = profiles[c]!
            w.varint(UInt64(c)); w.varint(UInt64(changes.count))
            for p in changes {
                w.int(p.at); Self.id(p.id, &w)
                w.varint(UInt64(p.state.substances.count)); for s in p.state.substances.map(\.rawValue).sorted() { w.string(s) }
                w.varint(UInt64(p.state.routes.count)); for s in p.state.routes.map(\.rawValue).sorted() { w.string(s) }
                w.optionalString(p.state.oat?.rawValue); w.optionalString(p.state.gender?.rawValue)
            }
        }
        w.varint(UInt64(incidents.count))
        for i in incidents {
            Self.id(i.id, &w); w.int(i.at); w.varint(UInt64(i.site)); w.varint(UInt64(i.author)); w.string(i.kind.rawValue)
            w.int(Int64(i.client ?? -1)); w.optionalString(i.note)
        }
        w.varint(UInt64(activities.count))
        for a in activities {
            Self.id(a.id, &w); w.int(a.at); w.varint(UInt64(a.site)); w.varint(UInt64(a.author)); w.string(a.kind.rawValue)
            w.int(Int64(a.participants))
        }
        w.varint(UInt64(pendingReceipts.count))
        for id in pendingReceipts.keys.sorted() { let p = pendingReceipts[id]!; Self.id(id, &w); w.int(p.at); w.varint(UInt64(p.site)) }
        w.varint(UInt64(pendingUpdates.count))
        for id in pendingUpdates.keys.sorted() {
            let es = pendingUpdates[id]!
            Self.id(id, &w); w.varint(UInt64(es.count)); for e in es { w.blob(EventCodec.encode(e)) }
        }
        w.varint(UInt64(eventCount))
        if let last { w.u8(1); w.int(last.at); Self.id(last.id, &w) } else { w.u8(0) }
        return w.bytes
    }

    /// A contact's original as a fold from stored events keeps it: no device, no packs, an
    /// empty note as none (the ledger's records do not hold them), so a checkpoint does not
    /// depend on whether the contact was saved in this session or read back from disk.
    static func asFolded(_ e: Event) -> Event {
        guard case .contactLogged(var c) = e.body else { return e }
        c.packs = []
        if c.note?.isEmpty == true { c.note = nil }
        return Event(id: e.id, at: e.at, author: e.author, device: DeviceID(0), site: e.site, body: .contactLogged(c))
    }

    var interners: [Interner] { [sites, items, services, workers, contactTypes, outcomes] }

    /// How many names of each interner the configuration put there before any event.
    static func configuredCounts(_ s: LedgerState) -> [Int] {
        // The catalogue and points are interned first by `init(catalogue:points:)`; nothing
        // records where they end, so the checkpoint stores it: a state only knows its names.
        s.configured ?? [0, 0, 0, 0, 0, 0]
    }

    private static func id(_ id: EventID, _ w: inout BinaryWriter) { w.fixed64(id.high); w.fixed64(id.low) }
    private static func optionalTime(_ t: Timestamp?, _ w: inout BinaryWriter) {
        if let t { w.u8(1); w.int(t) } else { w.u8(0) }
    }

    /// Reads a checkpoint back. `catalogue` and `points` must be the configuration the store
    /// folds under now. Throws (never traps) on anything that is not a checkpoint this version
    /// wrote for this configuration.
    public init(checkpoint bytes: UnsafeRawBufferPointer, catalogue: Catalogue?, points: Points?,
                alongside: Alongside = .inline) throws(CheckpointError) {
        var r = CheckpointReader(BinaryReader(bytes))
        do throws(CodecError) {
            try self.init(reading: &r, catalogue: catalogue, points: points, alongside: alongside)
        } catch {
            throw CheckpointError("\(r.field): \(error)")
        }
        if let problem = r.problem { throw CheckpointError(problem) }
    }

    /// Where the contacts' ids lie in checkpoint `bytes` (`count` ids of 16 bytes — two
    /// little-endian u64, high then low — from `offset`), without decoding anything else: the
    /// store reads them on a second thread while `init(checkpoint:)` decodes the rest.
    public static func checkpointContactIDs(_ bytes: UnsafeRawBufferPointer) throws(CheckpointError) -> (offset: Int, count: Int) {
        var r = BinaryReader(bytes)
        let v: UInt8, n: UInt64
        do throws(CodecError) {
            v = try r.u8()
            n = try r.varint()
        } catch {
            throw CheckpointError("contact ids: \(error)")
        }
        guard v == checkpointVersion else { throw CheckpointError("version \(v) is not known") }
        guard n <= UInt64(r.remaining / 16) else { throw CheckpointError("contact ids: \(n) do not fit in the bytes left") }
        return (r.offset, Int(n))
    }

    /// The id stored at `offset` of checkpoint bytes: two little-endian u64, high then low (the
    /// layout of the contact-id column; the store's list of other ids uses it too). The caller
    /// has checked that 16 bytes are there.
    @inline(__always)
    public static func checkpointID(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> EventID {
        EventID(high: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
                low: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
    }

    public init(checkpoint bytes: [UInt8], catalogue: Catalogue?, points: Points?, alongside: Alongside = .inline) throws(CheckpointError) {
        let result: Result<LedgerState, CheckpointError> = bytes.withUnsafeBytes { raw in
            do throws(CheckpointError) {
                return .success(try LedgerState(checkpoint: raw, catalogue: catalogue, points: points, alongside: alongside))
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    private init(reading r: inout CheckpointReader, catalogue: Catalogue?, points: Points?, alongside: Alongside) throws(CodecError) {
        self.init(catalogue: catalogue, points: points)
        r.field = "version"
        let v = try r.r.u8()
        guard v == Self.checkpointVersion else { r.fail("version \(v) is not known"); return }
        r.field = "contact ids"
        let n = try r.count(minSize: 16)
        let contactIDs = r.r.offset
        r.r.offset += n * 16
        r.field = "clients"
        let nc = try r.count(minSize: 6)
        // Interners: the configured names must be this configuration's, exactly.
        let want = interners.map(\.names)
        var built: [Interner] = []
        for k in 0..<6 {
            r.field = "interner \(k)"
            let fixed = try r.count(minSize: 1)
            let n = try r.count(minSize: 1)
            var names: [String] = []
            names.reserveCapacity(n)
            for _ in 0..<n { names.append(try r.r.string(r.field)) }
            guard fixed == want[k].count, fixed <= n, Array(names[0..<fixed]) == want[k] else {
                r.fail("made under another configuration (\(r.field))"); return
            }
            let interner = Interner(names)
            guard interner.names.count == n else { r.fail("\(r.field) repeats a name"); return }
            built.append(interner)
        }
        sites = built[0]; items = built[1]; services = built[2]; workers = built[3]; contactTypes = built[4]; outcomes = built[5]
        let siteCount = sites.names.count, itemCount = items.names.count

        // The contact rows go to the caller's second thread (`Alongside`); this one reads the
        // clients and everything after them meanwhile, and waits for the rows before returning.
        r.field = "contact rows"
        let rowsLength = try r.r.fixed64()
        guard rowsLength <= UInt64(r.r.remaining) else { throw .truncated }
        let rows = r.r.offset..<(r.r.offset + Int(rowsLength))
        r.r.offset = rows.upperBound
        let bounds = RowBounds(contacts: n, clients: nc, sites: siteCount, items: itemCount, services: services.names.count,
                               workers: workers.names.count, types: contactTypes.names.count, outcomes: outcomes.names.count)
        let input = SharedBytes(r.r.bytes)
        let box = RowsBox()
        let join = alongside.start { box.result = Self.contactRows(input, rows, ids: contactIDs, bounds) }
        var failure: CodecError?
        do throws(CodecError) { try readClientsAndRest(&r, contacts: n, clients: nc) } catch { failure = error }
        join()
        if let failure { throw failure }
        switch box.result {
        case .success(let c)?:
            contacts = c.contacts; contactItems = c.items; contactServices = c.services
        case .failure(let why)?:
            r.fail(why.reason)
        case nil:
            r.fail("the contact rows were not read")
        }
        guard r.problem == nil else { return }
        rebuildCodeIndex()
    }
    /// Bounds of the contact rows' indices (what the rows may point into).
    struct RowBounds: Sendable {
        var contacts, clients, sites, items, services, workers, types, outcomes: Int
    }

    /// The contact rows, their item lines and services, decoded from `rows` of `input` with the
    /// ids of the column at `ids` — on the caller's second thread. Every index is checked
    /// against `bounds`, every count against the bytes left; the rows must be exactly `rows`.
    static func contactRows(_ input: SharedBytes, _ rows: Range<Int>, ids: Int, _ bounds: RowBounds)
        -> Result<ContactColumns, CheckpointError> {
        var r = CheckpointReader(BinaryReader(UnsafeRawBufferPointer(rebasing: input.raw[..<rows.upperBound]), offset: rows.lowerBound))
        var out = ContactColumns()
        do throws(CodecError) {
            try readRows(&r, &out, ids: ids, bounds)
        } catch {
            return .failure(CheckpointError("\(r.field): \(error)"))
        }
        if let problem = r.problem { return .failure(CheckpointError(problem)) }
        guard r.r.remaining == 0 else { return .failure(CheckpointError("contact rows: \(r.r.remaining) unexpected bytes")) }
        return .success(out)
    }

    private static func readRows(_ r: inout CheckpointReader, _ out: inout ContactColumns, ids contactIDs: Int, _ b: RowBounds) throws(CodecError) {
        let n = b.contacts, nc = b.clients, siteCount = b.sites, itemCount = b.items
        let workerCount = b.workers, typeCount = b.types, outcomeCount = b.outcomes, serviceCount = b.services
        r.field = "contacts"
        // Each row takes at least 10 bytes: refuse a count the bytes cannot hold before reserving.
        guard n <= r.r.remaining / 10 else { throw .tooLarge(field: r.field, size: n) }
        out.contacts.reserveCapacity(n + max(1024, n / 8))
        var at: Timestamp = 0
        var itemsStart = 0, servicesStart = 0
        for i in 0..<n {
            let id = r.id(column: contactIDs, i)
            at = at &+ (try r.r.int())
            let client = try r.index(nc), site = try r.index(siteCount), worker = try r.index(workerCount), type = try r.index(typeCount)
            let overdose = try r.r.int32("overdose")
            let ic = try r.r.varint(), sc = try r.r.varint()
            let detail = try r.r.u8()
            guard overdose >= -1, Int(overdose) < outcomeCount, ic < 1 << 20, sc < 1 << 20, detail <= 1 else {
                r.fail("contact \(out.contacts.count) is malformed"); return
            }
            out.contacts.append(ContactRecord(id: id, at: at, client: client, site: site, worker: worker, type: type, overdose: overdose,
                                          itemsStart: Int32(truncatingIfNeeded: itemsStart), itemsCount: Int32(ic),
                                          servicesStart: Int32(truncatingIfNeeded: servicesStart), servicesCount: Int32(sc),
                                          hasDetail: detail == 1))
            itemsStart += Int(ic); servicesStart += Int(sc)
            guard itemsStart <= Int(Int32.max), servicesStart <= Int(Int32.max) else { r.fail("too many lines"); return }
        }
        r.field = "contact items"
        let nl = try r.count(minSize: 2)
        guard nl == itemsStart else { r.fail("\(nl) item lines, contacts name \(itemsStart)"); return }
        out.items.reserveCapacity(nl + max(4096, nl / 8))
        for _ in 0..<nl { out.items.append(ItemLine(item: try r.index(itemCount), quantity: try r.r.int32("quantity"))) }
        r.field = "contact services"
        let ns = try r.count(minSize: 1)
        guard ns == servicesStart else { r.fail("\(ns) services, contacts name \(servicesStart)"); return }
        out.services.reserveCapacity(ns + max(1024, ns / 8))
        for _ in 0..<ns { out.services.append(try r.index(serviceCount)) }
    }

    /// The clients and every section after the contact rows (`init(reading:)` runs it while
    /// the rows decode on the second thread).
    private mutating func readClientsAndRest(_ r: inout CheckpointReader, contacts n: Int, clients nc: Int) throws(CodecError) {
        let siteCount = sites.names.count, itemCount = items.names.count, workerCount = workers.names.count
        r.field = "clients"
        // Room to grow: the first save after opening must not copy a million records.
        clients.reserveCapacity(nc + max(256, nc / 8))
        clientIndex.reserveCapacity(nc + max(256, nc / 8))
        for i in 0..<nc {
            let code = try r.r.string("client code")
            let first = try r.r.int()
            let site = try r.index(siteCount)
            let lastSeen = first &+ (try r.r.int())
            let contacts = try r.r.int32("contacts")
            let merged = try r.r.int32("merged into")
            guard merged >= -1, Int(merged) < nc, contacts >= 0 else { r.fail("client \(i) is malformed"); return }
            let uic = UIC(normalised: code)
            guard clientIndex.updateValue(Int32(i), forKey: uic) == nil else { r.fail("client code repeated"); return }
            clients.append(ClientRecord(uic: uic, firstSeen: first, firstSite: site, lastSeen: lastSeen, contacts: contacts,
                                        mergedInto: merged < 0 ? nil : merged))
            var c = code
            c.withUTF8 { clientBytes.insert(UnsafeRawBufferPointer($0), value: Int32(i)) }
        }

        r.field = "contact notes"
        for _ in 0..<(try r.count(minSize: 2)) {
            let k = try r.index(n)
            contactNotes[k] = try r.r.string("note")
        }
        r.field = "contact details"
        for _ in 0..<(try r.count(minSize: 4)) {
            let k = try r.index(n)
            var d = ContactDetail()
            if let s = try r.r.optionalString("overdose kind") { d.overdoseKind = try r.value(s) }
            for _ in 0..<(try r.count(minSize: 1)) { d.responders.append(try r.value(try r.r.string("responder"))) }
            for _ in 0..<(try r.count(minSize: 2)) {
                let service = try r.r.string("service")
                d.results.append(ServiceResult(service: service, result: try r.value(try r.r.string("result"))))
            }
            contactDetails[k] = d
        }

        r.field = "stock"
        let nk = try r.count(minSize: 7)
        for k in 0..<nk {
            let key = StockKey(site: try r.index(siteCount), item: try r.index(itemCount))
            guard Int(key.site) < 1 << 16, Int(key.item) < 1 << 16 else { r.fail("stock slot \(k) is out of range"); return }
            var level = StockLevel()
            level.level = try r.r.int()
            level.discrepancies = Int(try r.r.int32("discrepancies"))
            level.shortfall = try r.r.int()
            level.lastDiscrepancyAt = try r.optionalTime()
            for _ in 0..<(try r.count(minSize: 4)) {
                let lot = try r.r.optionalString("lot")
                let has = try r.r.u8()
                let expires = try r.r.int32("expires")
                level.lots.append(Lot(lot: lot, expires: has == 1 ? expires : nil, remaining: try r.r.int()))
            }
            guard stockSlot(key.site, key.item) == k else { r.fail("stock slot repeated"); return }
            stockLevels[k] = level
            stock[key] = level
        }
        r.field = "movements"
        for _ in 0..<(try r.count(minSize: 24)) {
            let id = try r.id(), t = try r.r.int(), site = try r.index(siteCount), item = try r.index(itemCount)
            let kind: MovementKind = try r.value(try r.r.string("kind"))
            let delta = try r.r.int()
            let reason: WriteOffReason? = try r.r.optionalString("reason").map { s throws(CodecError) in try r.value(s) }
            movements.append(StockMovement(id: id, at: t, site: site, item: item, kind: kind, delta: delta, reason: reason,
                                           author: try r.index(workerCount)))
        }
        r.field = "discrepancies"
        for _ in 0..<(try r.count(minSize: 20)) {
            discrepancies.append(Discrepancy(event: try r.id(), at: try r.r.int(), site: try r.index(siteCount),
                                             item: try r.index(itemCount), shortfall: try r.r.int()))
        }
        r.field = "transfers"
        for _ in 0..<(try r.count(minSize: 38)) {
            let key = try r.id()
            let t = TransferRecord(id: try r.id(), at: try r.r.int(), from: try r.index(siteCount), to: try r.index(siteCount),
                                   item: try r.index(itemCount), quantity: try r.r.int(), receivedAt: try r.optionalTime())
            transfers[key] = t
            if t.inTransit { inTransit.insert(key) }
        }

        r.field = "referrals"
        let nr = try r.count(minSize: 28)
        referrals.reserveCapacity(nr)
        referralPosition.reserveCapacity(nr)
        referralRecords.reserveCapacity(nr + max(64, nr / 8))
        referralOrder.reserveCapacity(nr + max(64, nr / 8))
        for p in 0..<nr {
            let id = try r.id()
            let client = UIC(normalised: try r.r.string("client"))
            let service = try r.r.string("service"), site = try r.r.string("site")
            let issuedAt = try r.r.int()
            let issuedBy = try r.r.string("issued by")
            let hasDue = try r.r.u8()
            let due = try r.r.int32("due")
            let note = try r.r.optionalString("note")
            let status: ReferralStatus = try r.value(try r.r.string("status"))
            let statusAt = try r.r.int()
            var history: [ReferralChange] = []
            for _ in 0..<(try r.count(minSize: 24)) {
                let hid = try r.id(), hat = try r.r.int()
                let author = try r.r.string("author"), hsite = try r.r.string("site")
                let hstatus: ReferralStatus = try r.value(try r.r.string("status"))
                let hnote = try r.r.optionalString("note")
                let hasBase = try r.r.u8()
                let base = try r.id()
                let voided = try r.r.u8()
                history.append(ReferralChange(id: hid, at: hat, author: author, site: hsite, status: hstatus, note: hnote,
                                              basedOn: hasBase == 1 ? base : nil, voided: voided == 1))
            }
            let conflict = try r.r.u8() == 1
            var notes: [ConfidentialNote] = [], times: [Timestamp] = []
            for _ in 0..<(try r.count(minSize: 18)) {
                notes.append(ConfidentialNote(referral: try r.id(), sealed: try r.r.blob("sealed note", max: 1 << 20)))
                times.append(try r.r.int())
            }
            let record = ReferralRecord(id: id, client: client, service: service, site: site, issuedAt: issuedAt, issuedBy: issuedBy,
                                        due: hasDue == 1 ? due : nil, note: note, status: status, statusAt: statusAt, history: history,
                                        conflict: conflict, confidentialNotes: notes, confidentialNoteTimes: times)
            guard referrals.updateValue(record, forKey: id) == nil else { r.fail("referral repeated"); return }
            referralPosition[id] = Int32(p)
            referralRecords.append(record)
            referralOrder.append(id)
            if let d = record.due, !record.status.isClosed { dueIndex.append(DueKey(due: d, issuedAt: issuedAt, position: Int32(p))) }
        }
        dueIndex.sort()

        r.field = "users"
        for _ in 0..<(try r.count(minSize: 2)) {
            let name = try r.r.string("user")
            users[name] = try r.value(try r.r.string("role"))
        }
        r.field = "user points"
        for _ in 0..<(try r.count(minSize: 2)) {
            let name = try r.r.string("user")
            userPoints[name] = try r.r.string("point")
        }
        r.field = "amendments"
        for _ in 0..<(try r.count(minSize: 18)) {
            let target = try r.id()
            var h = AmendmentHistory(target: target, original: nil, changes: [])
            if try r.r.u8() == 1 { h.original = try r.event() }
            for _ in 0..<(try r.count(minSize: 1)) {
                let e = try r.event()
                switch e.body {
                case .contactCorrected(let c) where c.target == target:
                    h.changes.append(Amendment(id: e.id, at: e.at, author: e.author, site: e.site, reason: c.reason, note: c.note, correction: c.contact))
                case .recordVoided(let v) where v.target == target:
                    h.changes.append(Amendment(id: e.id, at: e.at, author: e.author, site: e.site, reason: v.reason, note: v.note, correction: nil))
                default:
                    r.fail("an amendment is not a correction or void of its record"); return
                }
            }
            amendments[target] = h
        }
        r.field = "profiles"
        for _ in 0..<(try r.count(minSize: 2)) {
            let c = try r.index(nc)
            var changes: [ProfileChange] = []
            for _ in 0..<(try r.count(minSize: 21)) {
                let t = try r.r.int(), id = try r.id()
                var state = ProfileState()
                for _ in 0..<(try r.count(minSize: 1)) { state.substances.insert(try r.value(try r.r.string("substance"))) }
                for _ in 0..<(try r.count(minSize: 1)) { state.routes.insert(try r.value(try r.r.string("route"))) }
                state.oat = try r.r.optionalString("oat").map { s throws(CodecError) in try r.value(s) }
                state.gender = try r.r.optionalString("gender").map { s throws(CodecError) in try r.value(s) }
                changes.append(ProfileChange(at: t, id: id, state: state))
            }
            profiles[c] = changes
        }
        r.field = "incidents"
        for _ in 0..<(try r.count(minSize: 22)) {
            let id = try r.id(), t = try r.r.int(), site = try r.index(siteCount), author = try r.index(workerCount)
            let kind: IncidentKind = try r.value(try r.r.string("kind"))
            let client = try r.r.int32("client")
            guard client >= -1, Int(client) < nc else { r.fail("incident names no client"); return }
            incidents.append(IncidentRecord(id: id, at: t, site: site, author: author, kind: kind, client: client < 0 ? nil : client,
                                            note: try r.r.optionalString("note")))
        }
        r.field = "activities"
        for _ in 0..<(try r.count(minSize: 22)) {
            let id = try r.id(), t = try r.r.int(), site = try r.index(siteCount), author = try r.index(workerCount)
            let kind: ActivityKind = try r.value(try r.r.string("kind"))
            activities.append(ActivityRecord(id: id, at: t, site: site, author: author, kind: kind, participants: try r.r.int32("participants")))
        }
        r.field = "pending receipts"
        for _ in 0..<(try r.count(minSize: 18)) {
            let id = try r.id()
            pendingReceipts[id] = (try r.r.int(), try r.index(siteCount))
        }
        r.field = "pending referral events"
        for _ in 0..<(try r.count(minSize: 17)) {
            let id = try r.id()
            var es: [Event] = []
            for _ in 0..<(try r.count(minSize: 1)) { es.append(try r.event()) }
            pendingUpdates[id] = es
        }
        r.field = "event count"
        eventCount = Int(try r.r.varint() & 0xFFFF_FFFF_FFFF)
        if try r.r.u8() == 1 { last = (try r.r.int(), try r.id()) }
        guard r.r.remaining == 0 else { r.fail("\(r.r.remaining) unexpected bytes at the end"); return }
    }

}

/// How `LedgerState(checkpoint:)` runs its second part (the contact rows) beside the rest:
/// `start` begins `work` and returns the function that waits for it. `.inline` runs it at once
/// on the calling thread; the store passes one that uses its second core (SenimCore starts no
/// thread of its own).
public struct Alongside: Sendable {
    let start: @Sendable (@escaping @Sendable () -> Void) -> @Sendable () -> Void
    public init(start: @escaping @Sendable (@escaping @Sendable () -> Void) -> @Sendable () -> Void) { self.start = start }
    public static let inline = Alongside { work in
        work()
        return {}
    }
}

/// The contact rows decoded on the second thread.
struct ContactColumns: Sendable {
    var contacts: [ContactRecord] = []
    var items: [ItemLine] = []
    var services: [Int32] = []
}

/// The checkpoint bytes, read by both threads. `@unchecked Sendable`: nobody writes them, and
/// `init(reading:)` waits for the second thread (`join`) on every path before its caller's
/// buffer can go away.
struct SharedBytes: @unchecked Sendable {
    let raw: UnsafeRawBufferPointer
    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }
}

/// Where the second thread leaves the rows. `@unchecked Sendable`: written once by the work
/// before it returns, read only after `join`, which `Alongside` makes wait for it.
final class RowsBox: @unchecked Sendable {
    var result: Result<ContactColumns, CheckpointError>?
}

/// A bounded reader for checkpoints: counts are checked against the bytes left (each element
/// takes at least `minSize` bytes) before anything is allocated, indices against their range.
/// A logical problem is recorded (`fail`) and turned into `CheckpointError` by the caller.
struct CheckpointReader {
    var r: BinaryReader
    var field = ""
    private(set) var problem: String?

    init(_ r: BinaryReader) { self.r = r }

    mutating func fail(_ why: String) { if problem == nil { problem = why } }

    @inline(__always)
    mutating func count(minSize: Int) throws(CodecError) -> Int {
        let n = try r.varint()
        guard n <= UInt64(r.remaining / max(1, minSize)) else { throw .tooLarge(field: field, size: Int(truncatingIfNeeded: n)) }
        return Int(n)
    }

    @inline(__always)
    mutating func index(_ bound: Int) throws(CodecError) -> Int32 {
        let v = try r.varint()
        guard v < UInt64(bound) else { throw .badTag(field: field, value: Int(truncatingIfNeeded: v)) }
        return Int32(v)
    }

    @inline(__always)
    mutating func id() throws(CodecError) -> EventID { EventID(high: try r.fixed64(), low: try r.fixed64()) }

    /// Id `i` of the column of ids at `offset` (its size was checked when it was passed over).
    @inline(__always)
    func id(column offset: Int, _ i: Int) -> EventID { LedgerState.checkpointID(r.bytes, at: offset + 16 * i) }

    mutating func optionalTime() throws(CodecError) -> Timestamp? {
        switch try r.u8() {
        case 0: return nil
        case 1: return try r.int()
        case let t: throw .badTag(field: field, value: Int(t))
        }
    }

    func value<T: RawRepresentable>(_ s: String) throws(CodecError) -> T where T.RawValue == String {
        guard let v = T(rawValue: s) else { throw .badTag(field: field, value: s.utf8.count) }
        return v
    }

    mutating func event() throws(CodecError) -> Event {
        let n = try r.length(field, max: 2 << 20)
        let e = try EventCodec.decode(Array(UnsafeRawBufferPointer(rebasing: r.bytes[r.offset..<r.offset + n])))
        r.offset += n
        return e
    }
}
