/// Loads a ledger straight from encoded events (`EventCodec` records), the fast way to open a
/// store: contact and registration records are decoded directly into the ledger's compact
/// records — ids are matched by their bytes, no `Event`, `String` or array is created for them.
/// Other kinds go through `EventCodec.decode` and `LedgerState`'s general path.
///
/// The result always equals `LedgerState.fold` of the same events (same set, any order,
/// repeats counted once). Input in canonical order (a snapshot, then journal frames) is applied
/// as it streams; events that arrive before the last applied one are kept aside, and `finish`
/// then refolds everything in canonical order from the compact records (no input is re-read).
///
///     var loader = LedgerLoader(catalogue: cfg.catalogue, points: cfg.points)
///     try loader.load(encoded: snapshotBytes)        // one or more concatenated records
///     for frame in journal { try loader.load(encoded: frame) }
///     let state = loader.finish()
///
/// A record that does not decode throws the same `CodecError` as `EventCodec.decode`; the
/// records before it in that call stay loaded, the bad one changes nothing.
public struct LedgerLoader {
    private var state: LedgerState
    /// The empty state (catalogue and points interned), the start of a refold.
    private let initial: LedgerState

    // What a refold needs besides `state.contacts` (all in canonical order).
    private var registrations: [Registration] = []
    private var others: [Event] = []
    /// Events skipped because they repeat the previous event's id at another time: whether a
    /// refold skips them too depends on what sorts between them.
    private var skipped: [Event] = []
    /// Events that arrived after something that sorts after them.
    private var late: [Event] = []
    /// Keeps the touch loads of `resolveClients` from being optimised away.
    private var touchSink: UInt64 = 0
    /// The key of the last event accepted (applied or staged).
    private var lastKey: (at: Timestamp, id: EventID)?
    /// A correction or void was read: `finish` refolds with every one of them known before the
    /// records they amend (streaming cannot know them in time), so a corrected record is
    /// applied once, as corrected, in its own place.
    private var amendmentsSeen = false

    /// Parsed and resolved contacts not yet applied (always empty between calls).
    private let stage = Stage()
    /// The codec's spans of the contact being decoded (arrays reused from record to record).
    private var fields = EventCodec.ContactFields()
    private var siteCache = IdCache()
    private var authorCache = IdCache()
    private var typeCache = IdCache()
    private var itemCache = IdCache()
    private var serviceCache = IdCache()

    private struct Registration {
        var id: EventID
        var at: Timestamp
        var client: Int32
        var site: Int32
    }

    /// Contacts decoded and resolved but not yet applied, in raw buffers (no per-record
    /// allocation or uniqueness checks). Flushed into the state in batches; empty whenever a
    /// public method returns, so copies of a loader never see each other's work.
    private final class Stage {
        static let batch = 512
        var records: UnsafeMutablePointer<ContactRecord>
        var recordCount = 0
        var lines: UnsafeMutablePointer<ItemLine>
        var slots: UnsafeMutablePointer<Int32>
        var lineCount = 0
        var lineCapacity: Int
        var services: UnsafeMutablePointer<Int32>
        var serviceCount = 0
        var serviceCapacity: Int
        var notes: [(Int32, String)] = []
        var details: [(Int32, ContactDetail)] = []
        /// Registrations staged (events without records of their own).
        var otherEvents = 0
        /// Client lookups not done yet (in event order): batched so their cache misses overlap.
        static let pendingBatch = 32
        var pendingKey = UnsafeMutablePointer<UnsafeRawPointer?>.allocate(capacity: pendingBatch)
        var pendingCount = UnsafeMutablePointer<Int>.allocate(capacity: pendingBatch)
        var pendingAt = UnsafeMutablePointer<Timestamp>.allocate(capacity: pendingBatch)
        var pendingSite = UnsafeMutablePointer<Int32>.allocate(capacity: pendingBatch)
        /// ≥ 0: index of a staged record; < 0: −1 − index into `registrations`.
        var pendingTarget = UnsafeMutablePointer<Int>.allocate(capacity: pendingBatch)
        var pending = 0

        init() {
            records = .allocate(capacity: Self.batch)
            lineCapacity = Self.batch * 8
            lines = .allocate(capacity: lineCapacity)
            slots = .allocate(capacity: lineCapacity)
            serviceCapacity = Self.batch * 2
            services = .allocate(capacity: serviceCapacity)
        }

        deinit {
            pendingKey.deallocate(); pendingCount.deallocate(); pendingAt.deallocate()
            pendingSite.deallocate(); pendingTarget.deallocate()
            records.deallocate()
            lines.deallocate()
            slots.deallocate()
            services.deallocate()
        }

        var isEmpty: Bool { recordCount == 0 && otherEvents == 0 && pending == 0 }

        /// Room for a record with `lines` lines and `services` services (the caller flushes
        /// first when `fits` says no).
        func fits(lines n: Int, services m: Int) -> Bool {
            recordCount < Self.batch && lineCount + n <= lineCapacity && serviceCount + m <= serviceCapacity
        }

        /// Grows the line and service buffers (only when empty) for an unusually large record.
        func grow(lines n: Int, services m: Int) {
            precondition(recordCount == 0 && lineCount == 0 && serviceCount == 0)
            if n > lineCapacity {
                lines.deallocate(); slots.deallocate()
                lineCapacity = n
                lines = .allocate(capacity: n)
                slots = .allocate(capacity: n)
            }
            if m > serviceCapacity {
                services.deallocate()
                serviceCapacity = m
                services = .allocate(capacity: m)
            }
        }
    }

    public init(catalogue: Catalogue? = nil, points: Points? = nil, expectedEvents: Int = 0) {
        initial = LedgerState(catalogue: catalogue, points: points)
        state = initial
        if expectedEvents > 0 { state.reserve(expectedEvents) }
    }

    /// Records read so far (repeats included).
    public private(set) var recordsRead = 0

    /// True once an event arrived out of canonical order (`finish` will refold).
    public var needsRefold: Bool { !late.isEmpty }

    /// Decodes and applies one or more concatenated `EventCodec` records.
    public mutating func load(encoded bytes: UnsafeRawBufferPointer) throws(CodecError) {
        state.reserveFor(encodedBytes: bytes.count)
        var offset = 0
        defer { flush() }
        while offset < bytes.count {
            offset = try record(bytes, at: offset)
            recordsRead += 1
        }
    }

    public mutating func load(encoded bytes: [UInt8]) throws(CodecError) {
        do {
            try bytes.withUnsafeBytes { raw in try load(encoded: raw) }
        } catch let e as CodecError { throw e } catch { throw .truncated }
    }

    /// Decodes and applies the records at `records` in `buffer`, in that order: each span
    /// holds exactly one `EventCodec` record (how the store hands over a decrypted chunk
    /// whose records are framed, after dropping repeated ids). On an error, `failed` is the
    /// index of the record that did not decode; those before it stay loaded.
    public mutating func load(_ buffer: UnsafeRawBufferPointer, records: UnsafeBufferPointer<ByteSpan>) throws(RecordError) {
        state.reserveFor(encodedBytes: buffer.count)
        defer { flush() }
        for (i, span) in records.enumerated() {
            do throws(CodecError) {
                let one = UnsafeRawBufferPointer(rebasing: buffer[span.start..<span.start + span.count])
                let end = try record(one, at: 0)
                if end != one.count { throw CodecError.trailingBytes(one.count - end) }
            } catch {
                throw RecordError(index: i, error: error)
            }
            recordsRead += 1
        }
    }

    /// Which record of a `load(_:records:)` call did not decode, and why.
    public struct RecordError: Error, Sendable {
        public var index: Int
        public var error: CodecError
    }

    /// Applies an already decoded event.
    public mutating func load(_ e: Event) {
        general(e)
        recordsRead += 1
    }

    /// The folded state. The loader starts over empty afterwards.
    public mutating func finish() -> LedgerState {
        flush()
        var result: LedgerState
        if late.isEmpty && !amendmentsSeen {
            result = state
        } else {
            late = Self.sortedUnique(late)
            let unseen = late.filter { !seen($0.at, $0.id) }
            late = unseen
            result = late.isEmpty && !amendmentsSeen ? state : refold()
        }
        result.settle()
        state = initial
        registrations = []
        others = []
        skipped = []
        late = []
        lastKey = nil
        amendmentsSeen = false
        siteCache = IdCache()
        authorCache = IdCache()
        typeCache = IdCache()
        itemCache = IdCache()
        serviceCache = IdCache()
        recordsRead = 0
        return result
    }

    // MARK: Order

    private enum Placement { case apply, skip, skipButKeep, late }

    @inline(__always)
    private func place(_ at: Timestamp, _ id: EventID) -> Placement {
        guard let last = lastKey else { return .apply }
        if at > last.at || (at == last.at && id > last.id) {
            return id == last.id ? .skipButKeep : .apply
        }
        if at == last.at && id == last.id { return .skip }
        return .late
    }

    private mutating func general(_ e: Event) {
        if e.body.amendTarget != nil { amendmentsSeen = true }
        switch place(e.at, e.id) {
        case .apply:
            resolveClients()   // client indices follow event order
            // Staged contacts must go first when this event touches what they change (the
            // contact list, stock levels, discrepancies); referrals, merges and users don't.
            switch e.body {
            case .contactLogged, .stockReceived, .stockTransferred, .stockTransferReceived, .stockWrittenOff, .stockCounted,
                 .contactCorrected, .recordVoided, .clientUnmerged:
                flush()
            case .clientRegistered, .referralIssued, .referralUpdated, .referralNoteAdded, .clientsMerged, .userAdded, .userRemoved, .userPointSet,
                 .clientProfileSet, .incidentRecorded, .activityRecorded:
                break
            }
            state.apply(e)
            lastKey = (e.at, e.id)
            switch e.body {
            case .contactLogged:
                // The contact record is enough to refold it, unless a void kept it out.
                if state.amendments[e.id]?.voided == true { others.append(e) }
            case .clientRegistered(let u):
                registrations.append(Registration(id: e.id, at: e.at, client: state.clientIndex[u]!,
                                                  site: state.sites.lookup(e.site)!))
            default: others.append(e)
            }
        case .skip: break
        case .skipButKeep: skipped.append(e)
        case .late: late.append(e)
        }
    }

    @inline(__always)
    private mutating func pendClient(_ key: UnsafeRawBufferPointer, at: Timestamp, site: Int32, target: Int) {
        let st = stage
        if st.pending == Stage.pendingBatch { resolveClients() }
        let j = st.pending
        st.pendingKey[j] = key.baseAddress
        st.pendingCount[j] = key.count
        st.pendingAt[j] = at
        st.pendingSite[j] = site
        st.pendingTarget[j] = target
        st.pending = j + 1
    }

    /// Looks up (or creates, in event order) the clients of the pending records. The slots
    /// are touched first in a loop of independent loads, so their cache misses overlap
    /// instead of stalling one record at a time.
    private mutating func resolveClients() {
        let st = stage
        let n = st.pending
        guard n > 0 else { return }
        var sink: UInt64 = 0
        for j in 0..<n {
            sink ^= state.touchClientSlot(UnsafeRawBufferPointer(start: st.pendingKey[j], count: st.pendingCount[j]))
        }
        touchSink ^= sink
        for j in 0..<n {
            let ci = state.client(utf8: UnsafeRawBufferPointer(start: st.pendingKey[j], count: st.pendingCount[j]), uic: nil,
                                  at: st.pendingAt[j], site: st.pendingSite[j])
            let t = st.pendingTarget[j]
            if t >= 0 { st.records[t].client = ci } else { registrations[-1 - t].client = ci }
        }
        st.pending = 0
    }

    /// Applies the staged contacts and registrations.
    private mutating func flush() {
        let st = stage
        guard !st.isEmpty else { return }
        resolveClients()
        state.counted(st.recordCount + st.otherEvents, last: lastKey!)
        state.applyContacts(records: UnsafeBufferPointer(start: st.records, count: st.recordCount),
                            lines: UnsafeBufferPointer(start: st.lines, count: st.lineCount),
                            slots: UnsafeBufferPointer(start: st.slots, count: st.lineCount),
                            services: UnsafeBufferPointer(start: st.services, count: st.serviceCount),
                            notes: st.notes, details: st.details)
        st.recordCount = 0
        st.lineCount = 0
        st.serviceCount = 0
        st.otherEvents = 0
        st.notes.removeAll()
        st.details.removeAll()
    }

    // MARK: The fast path

    /// Decodes one record at `start` with `EventCodec` and applies it; returns where it ends.
    /// Contacts and registrations are resolved and staged straight from the codec's spans
    /// (no `Event`); other kinds, and the rare contact that repeats an id or arrives late,
    /// are decoded into an `Event`. Nothing changes unless the whole record decodes.
    @inline(__always)
    private mutating func record(_ raw: UnsafeRawBufferPointer, at start: Int) throws(CodecError) -> Int {
        var r = BinaryReader(raw, offset: start)
        let h = try EventCodec.decodeHeader(from: &r)
        switch h.kind {
        case 1:
            let code = try EventCodec.decodeRegistration(from: &r)
            switch place(h.at, h.id) {
            case .apply:
                stageRegistration(h, code, r)
                return r.offset
            case .skip: return r.offset
            case .skipButKeep, .late: break   // rare: kept as an Event
            }
        case 2:
            try EventCodec.decodeContact(from: &r, into: &fields)
            switch place(h.at, h.id) {
            case .apply:
                stageContact(h, r)
                return r.offset
            case .skip: return r.offset
            case .skipButKeep, .late: break
            }
        default:
            break
        }
        var g = BinaryReader(raw, offset: start)
        let e = try EventCodec.decode(from: &g)
        general(e)
        return g.offset
    }

    private mutating func stageRegistration(_ h: EventCodec.Header, _ code: ByteSpan, _ r: BinaryReader) {
        let s = Self.resolve(&siteCache, &state.sites, r.bytes(h.site))
        registrations.append(Registration(id: h.id, at: h.at, client: -1, site: s))
        pendClient(r.bytes(code), at: h.at, site: s, target: -registrations.count)
        stage.otherEvents += 1
        lastKey = (h.at, h.id)
    }

    /// Resolves the contact in `fields` (interning in event order: site, client, items,
    /// services, worker, type, outcome) and stages it for `LedgerState.applyContacts`.
    private mutating func stageContact(_ h: EventCodec.Header, _ r: BinaryReader) {
        let st = stage
        let nLines = fields.items.count, nSv = fields.services.count
        if !st.fits(lines: nLines, services: nSv) {
            flush()
            st.grow(lines: nLines, services: nSv)
        }
        let s = Self.resolve(&siteCache, &state.sites, r.bytes(h.site))
        pendClient(r.bytes(fields.client), at: h.at, site: s, target: st.recordCount)
        let itemsStart = Int32(state.contactItems.count + st.lineCount)
        for k in 0..<nLines {
            let item = Self.resolve(&itemCache, &state.items, r.bytes(fields.items[k]))
            st.lines[st.lineCount] = ItemLine(item: item, quantity: fields.quantities[k])
            st.slots[st.lineCount] = state.stagedSlot(s, item)
            st.lineCount += 1
        }
        let servicesStart = Int32(state.contactServices.count + st.serviceCount)
        for k in 0..<nSv {
            st.services[st.serviceCount] = Self.resolve(&serviceCache, &state.services, r.bytes(fields.services[k]))
            st.serviceCount += 1
        }
        let worker = Self.resolve(&authorCache, &state.workers, r.bytes(h.author))
        let t = Self.resolve(&typeCache, &state.contactTypes, r.bytes(fields.type))
        let outcome = fields.overdose.map { state.outcomes.intern(utf8: r.bytes($0)) } ?? -1
        let index = Int32(state.contacts.count + st.recordCount)
        if let note = fields.note, note.count > 0 { st.notes.append((index, r.text(note))) }
        let hasDetail = fields.detail.map { !$0.isEmpty } ?? false
        if hasDetail { st.details.append((index, fields.detail!)) }
        st.records[st.recordCount] = ContactRecord(
            id: h.id, at: h.at, client: -1, site: s, worker: worker, type: t, overdose: outcome,
            itemsStart: itemsStart, itemsCount: Int32(nLines), servicesStart: servicesStart, servicesCount: Int32(nSv),
            hasDetail: hasDetail)
        st.recordCount += 1
        lastKey = (h.at, h.id)
    }

    /// Ids recently seen in one field (site, author, type, item, service) and their indices,
    /// direct-mapped by their packed bytes: the same few ids repeat record after record.
    private struct IdCache {
        static let size = 32
        var x = [UInt64](repeating: 0, count: size)
        var y = [UInt64](repeating: 0, count: size)
        var count = [Int](repeating: -1, count: size)
        var index = [Int32](repeating: -1, count: size)
    }

    /// The interned index of the id at `s`, through the field's cache.
    @inline(__always)
    private static func resolve(_ cache: inout IdCache, _ interner: inout Interner,
                                _ bytes: UnsafeRawBufferPointer) -> Int32 {
        guard bytes.count <= 16 else { return interner.intern(utf8: bytes) }
        let k = ByteKeyTable.pack(bytes)
        let slot = Int(truncatingIfNeeded: ((k.x &+ k.y &* 0x2545_F491_4F6C_DD1D) &* 0x9E37_79B9_7F4A_7C15) >> 59)
        let hit = cache.x.withUnsafeBufferPointer { $0[slot] } == k.x && cache.y.withUnsafeBufferPointer { $0[slot] } == k.y
            && cache.count.withUnsafeBufferPointer { $0[slot] } == bytes.count
        if hit { return cache.index.withUnsafeBufferPointer { $0[slot] } }
        let i = interner.intern(utf8: bytes)
        cache.x[slot] = k.x
        cache.y[slot] = k.y
        cache.count[slot] = bytes.count
        cache.index[slot] = i
        return i
    }

    // MARK: Refold

    private static func sortedUnique(_ events: [Event]) -> [Event] {
        let order = LedgerState.sortedOrder(events)
        var out: [Event] = []
        out.reserveCapacity(events.count)
        var prev: LedgerState.SortKey?
        for k in order {
            if let p = prev, p.at == k.at, p.high == k.high, p.low == k.low { continue }
            prev = k
            out.append(events[k.index])
        }
        return out
    }

    /// The contact at `index` of `l` as an event (for a refold that must apply its correction).
    private static func event(_ l: LedgerState, _ index: Int) -> Event {
        let c = l.contacts[index]
        return Event(id: c.id, at: c.at, author: l.workers[c.worker], device: DeviceID(0), site: l.sites[c.site],
                     body: .contactLogged(l.contactContent(index) ?? Contact(client: l.clients[Int(c.client)].uic, type: "")))
    }

    /// True if an event with this exact key was applied or kept already.
    private func seen(_ at: Timestamp, _ id: EventID) -> Bool {
        func search<T>(_ a: [T], _ key: (T) -> FoldKey) -> Bool {
            let lo = a.partitioningIndex { key($0) >= FoldKey(at: at, id: id) }
            return lo < a.count && key(a[lo]) == FoldKey(at: at, id: id)
        }
        return search(state.contacts) { FoldKey(at: $0.at, id: $0.id) } || search(registrations) { FoldKey(at: $0.at, id: $0.id) }
            || search(others) { FoldKey(at: $0.at, id: $0.id) } || search(skipped) { FoldKey(at: $0.at, id: $0.id) }
    }

    /// Refolds every event seen in canonical order: the compact records of what was applied,
    /// merged with the events kept aside.
    private func refold() -> LedgerState {
        let old = state
        var s = initial
        s.reserve(old.contacts.count + others.count + late.count)
        if amendmentsSeen {
            for list in [others, skipped, late] { for e in list where e.body.amendTarget != nil { s.register(e) } }
        }
        var remapSite = [Int32](repeating: -1, count: old.sites.count)
        var remapItem = [Int32](repeating: -1, count: old.items.count)
        var remapService = [Int32](repeating: -1, count: old.services.count)
        var remapWorker = [Int32](repeating: -1, count: old.workers.count)
        var remapType = [Int32](repeating: -1, count: old.contactTypes.count)
        var remapOutcome = [Int32](repeating: -1, count: old.outcomes.count)
        var remapClient = [Int32](repeating: -1, count: old.clients.count)

        func map(_ r: inout [Int32], _ i: Int32, _ intern: (String) -> Int32, _ names: Interner) -> Int32 {
            if r[Int(i)] < 0 { r[Int(i)] = intern(names[i]) }
            return r[Int(i)]
        }

        // Five streams in canonical order: contacts, registrations, others, skipped, late.
        var ic = 0, ir = 0, io = 0, isk = 0, il = 0
        var previous: EventID?
        while true {
            var bestStream = -1
            var bestAt: Timestamp = 0
            var bestID = EventID(high: 0, low: 0)
            func consider(_ stream: Int, _ at: Timestamp, _ id: EventID) {
                if bestStream < 0 || at < bestAt || (at == bestAt && id < bestID) {
                    bestStream = stream; bestAt = at; bestID = id
                }
            }
            if ic < old.contacts.count { consider(0, old.contacts[ic].at, old.contacts[ic].id) }
            if ir < registrations.count { consider(1, registrations[ir].at, registrations[ir].id) }
            if io < others.count { consider(2, others[io].at, others[io].id) }
            if isk < skipped.count { consider(3, skipped[isk].at, skipped[isk].id) }
            if il < late.count { consider(4, late[il].at, late[il].id) }
            if bestStream < 0 { break }
            let skip = bestID == previous
            previous = bestID
            switch bestStream {
            case 0:
                let c = old.contacts[ic]
                ic += 1
                if skip { continue }
                if !s.amendments.isEmpty, s.amendments[c.id] != nil {
                    // Corrected or voided: applied from the record as first written.
                    s.apply(old.amendments[c.id]?.original ?? Self.event(old, ic - 1))
                    continue
                }
                let site = map(&remapSite, c.site, { s.sites.intern($0) }, old.sites)
                let client: Int32
                if remapClient[Int(c.client)] >= 0 {
                    client = remapClient[Int(c.client)]
                } else {
                    client = s.client(old.clients[Int(c.client)].uic, at: c.at, site: site)
                    remapClient[Int(c.client)] = client
                }
                let lines = old.lines(of: c).map {
                    ItemLine(item: map(&remapItem, $0.item, { s.items.intern($0) }, old.items), quantity: $0.quantity)
                }
                let svs = old.services(of: c).map { map(&remapService, $0, { s.services.intern($0) }, old.services) }
                let worker = map(&remapWorker, c.worker, { s.workers.intern($0) }, old.workers)
                let type = map(&remapType, c.type, { s.contactTypes.intern($0) }, old.contactTypes)
                let outcome = c.overdose < 0 ? -1 : map(&remapOutcome, c.overdose, { s.outcomes.intern($0) }, old.outcomes)
                s.counted(1, last: (c.at, c.id))
                s.applyContact(id: c.id, at: c.at, client: client, site: site, lines: lines, services: svs, worker: worker,
                               type: type, overdose: outcome, note: old.contactNotes[Int32(ic - 1)],
                               detail: c.hasDetail ? old.contactDetails[Int32(ic - 1)] : nil)
            case 1:
                let r = registrations[ir]
                ir += 1
                if skip { continue }
                let site = map(&remapSite, r.site, { s.sites.intern($0) }, old.sites)
                if remapClient[Int(r.client)] < 0 {
                    remapClient[Int(r.client)] = s.client(old.clients[Int(r.client)].uic, at: r.at, site: site)
                }
                s.counted(1, last: (r.at, r.id))
            case 2:
                io += 1
                if !skip { s.apply(others[io - 1]) }
            case 3:
                isk += 1
                if !skip { s.apply(skipped[isk - 1]) }
            default:
                il += 1
                if !skip { s.apply(late[il - 1]) }
            }
        }
        return s
    }
}
