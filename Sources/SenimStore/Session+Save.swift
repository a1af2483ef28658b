import Crypto
import Foundation
import SenimCore

extension Session {
    // MARK: Saving

    /// Checks the policy for each event (the session's role must allow its action, and the
    /// author must be this user), writes all of them in ONE journal frame with one fsync,
    /// then folds them into `ledger`. When this returns, the events are on disk.
    public func save(_ events: [Event]) throws {
        try requireWritable()
        guard !events.isEmpty else { return }
        var seen = Set<EventID>()
        for e in events {
            let action = Policy.action(for: e.body)
            guard Policy.allows(role, action) else {
                throw StoreError.notAllowed(Message("policy.denied", role.rawValue, action.rawValue))
            }
            guard e.author == user else { throw StoreError.notAllowed(Message("store.save.author", e.author, user)) }
            guard !ids.contains(e.id), seen.insert(e.id).inserted else {
                throw StoreError.invalid(Message("store.save.duplicate", e.id.description))
            }
        }
        try appendEvents(events)
    }

    /// Sync: adds the events whose ids are not known yet (one durable write), refolds.
    /// No policy check (they were checked where they were made) but each must round-trip
    /// through the codec.
    public func importEvents(_ events: [Event]) throws -> (new: Int, known: Int) {
        try requireWritable()
        var fresh: [Event] = []
        var seen = Set<EventID>()
        for e in events where !ids.contains(e.id) && seen.insert(e.id).inserted { fresh.append(e) }
        if !fresh.isEmpty { try appendEvents(fresh) }
        return (fresh.count, events.count - fresh.count)
    }

    /// Encodes (checking that each event decodes back to itself), appends, folds.
    func appendEvents(_ events: [Event]) throws {
        var records: [Record] = []
        for e in events {
            let b = EventCodec.encode(e)
            guard let back = try? EventCodec.decode(b), back == e, b.count <= Record.maxEvent else {
                throw StoreError.invalid(Message("store.save.undecodable", e.id.description))
            }
            records.append(.event(b))
        }
        try append(records)
        var inOrder = true
        for e in events {
            ids.insert(e.id)
            if inOrder && !ledger.append(e) { inOrder = false }
        }
        if !inOrder { try refold() }
    }

    /// Folds the ledger again from what is stored (after events that fold before ones already
    /// applied): the same path as opening, chunk by chunk.
    func refold() throws {
        var fold = StoreFold(configuration: configuration, expectedBytes: try snapshotSize() + journalEnd)
        try forEachStored { plain, range, location throws(StoreError) in try fold.add(plain, range, where: location) }
        storedDuplicates = fold.duplicates
        ledger = fold.finish()
    }

    /// Appends records as one frame (several frames, each synced, only when they exceed the
    /// largest frame) and syncs. Failure handling:
    /// - ENOSPC on write: the partial frame is cut off again; the session stays usable.
    /// - any other failure, and every failed fsync: the session is marked broken.
    func append(_ records: [Record]) throws(StoreError) {
        try requireWritable()
        guard let fd = journalFD else { throw .notAllowed(Message("store.closed")) }
        var batches: [[UInt8]] = []
        var w = ByteWriter(capacity: 512)
        for r in records {
            var one = ByteWriter(capacity: 128)
            r.encode(into: &one)
            if !w.bytes.isEmpty && w.bytes.count + one.bytes.count > Journal.maxContent {
                batches.append(w.bytes)
                w = ByteWriter()
            }
            w.raw(one.bytes)
        }
        batches.append(w.bytes)
        for content in batches {
            let frame = Journal.frame(content, seq: nextSeq, key: keys.journal, storeID: storeID, journalID: manifest.journalID)
            let start = journalEnd
            do {
                try disk.ops.write(fd, frame, at: start)
            } catch {
                let mapped = Disk.map(error, disk.path(Disk.journal))
                do { try disk.ops.truncate(fd, to: start) } catch { broken = mapped }
                if case .noSpace = mapped {} else { broken = mapped }
                throw mapped
            }
            do {
                try disk.ops.sync(fd)
            } catch {
                let mapped = Disk.map(error, disk.path(Disk.journal))
                broken = mapped
                // Best effort: the frame must not appear later as if saved.
                try? disk.ops.truncate(fd, to: start)
                throw mapped
            }
            journalEnd = start + frame.count
            nextSeq += 1
            journalFrames += 1
        }
    }

    // MARK: Reading everything

    /// Walks every stored record in storage order — snapshot chunks, then journal frames —
    /// one decrypted chunk or frame at a time (`plain[range]` holds its records).
    func forEachStored(_ body: (_ plain: [UInt8], _ range: Range<Int>, _ location: String) throws(StoreError) -> Void) throws(StoreError) {
        if manifest.snapshotID != Manifest.none {
            try Snapshot.forEachChunk(disk, snapshotFile, key: keys.snapshot, storeID: storeID) { i, plain, range throws(StoreError) in
                try body(plain, range, "snapshot chunk \(i)")
            }
        }
        for f in try storedJournalFrames() {
            let content = Record.encode(f.records)
            try body(content, 0..<content.count, "journal frame \(f.seq)")
        }
    }

    /// The open journal's frames as this session wrote and read them; any change on disk since
    /// is damage.
    func storedJournalFrames() throws(StoreError) -> [Journal.Frame] {
        guard let fd = journalFD else { throw .notAllowed(Message("store.closed")) }
        let bytes = try disk.run(Disk.journal) { try disk.ops.read(fd, count: journalEnd, at: 0) }
        let scan = Journal.scan(bytes, key: keys.journal, storeID: storeID, journalID: manifest.journalID)
        guard scan.tail == .clean, scan.goodEnd == journalEnd else {
            throw StoreError.damaged(file: "journal", detail: "changed on disk while the store was open")
        }
        return scan.frames
    }

    func allContents() throws(StoreError) -> Contents {
        var c = Contents()
        try forEachStored { plain, range, location throws(StoreError) in
            var found: [Record.Found] = []
            do { try Record.scan(plain, range, into: &found) } catch {
                throw .damaged(file: location, detail: "authenticated content is malformed: \(error)")
            }
            try c.apply(found.map {
                switch $0 {
                case .event(let s): .event(Array(plain[s.start..<s.start + s.count]))
                case .local(let r): r
                }
            }, where: location)
        }
        return c
    }

    /// Every event (snapshot and journal), in the order they were stored.
    public func events() throws -> [Event] {
        if closed { throw StoreError.notAllowed(Message("store.closed")) }
        return try allContents().events
    }

    /// The events of `events()`, in the same order and each id once (the first copy), handed
    /// to `body` one at a time as the snapshot is read chunk by chunk: memory is a few chunks
    /// (and an id set only when the files hold a repeated id), never the store's events.
    /// `matching` sees every event's id and bucket first (from its header, without decoding the
    /// rest); only those it accepts are decoded and handed to `body`. Sync export walks the
    /// store this way.
    public func forEachEvent(matching: (EventID, Holdings.Bucket) -> Bool, _ body: (Event) throws -> Void) throws {
        if closed { throw StoreError.notAllowed(Message("store.closed")) }
        var seen: Set<EventID>? = storedDuplicates > 0 ? Set() : nil
        var found: [Record.Found] = []
        var failure: (any Error)?
        do {
            try forEachStored { plain, range, location throws(StoreError) in
                found.removeAll(keepingCapacity: true)
                do { try Record.scan(plain, range, into: &found) } catch {
                    throw .damaged(file: location, detail: "authenticated content is malformed: \(error)")
                }
                for case .event(let sp) in found {
                    let header: EventCodec.Header
                    do {
                        header = try plain.withUnsafeBytes { raw throws(CodecError) in
                            var r = BinaryReader(UnsafeRawBufferPointer(rebasing: raw[sp.start..<sp.start + sp.count]))
                            return try EventCodec.decodeHeader(from: &r)
                        }
                    } catch {
                        throw .damaged(file: location, detail: "an authenticated event does not decode: \(error)")
                    }
                    if seen != nil, !seen!.insert(header.id).inserted { continue }
                    guard matching(header.id, Holdings.Bucket(device: header.device, week: Holdings.Bucket.week(of: header.at))) else { continue }
                    let e: Event
                    do { e = try EventCodec.decode(Array(plain[sp.start..<sp.start + sp.count])) } catch {
                        throw .damaged(file: location, detail: "an authenticated event does not decode: \(error)")
                    }
                    do { try body(e) } catch {
                        failure = error
                        throw .notAllowed(Message("store.closed"))  // only to stop the walk; `failure` is rethrown
                    }
                }
            }
        } catch {
            if let failure { throw failure }
            throw error
        }
    }
}
