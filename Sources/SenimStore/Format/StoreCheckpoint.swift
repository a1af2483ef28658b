import Crypto
import Foundation
import SenimCore

/// The ledger checkpoint a snapshot (version 2) ends with: the store's folded state when the
/// snapshot was written, so opening reads it instead of folding every event again (issue 11;
/// docs/file-format.md, docs/decisions.md). It is a cache: anything that does not match —
/// another snapshot, an unknown version, another configuration, a count or digest of event ids
/// that disagrees, a damaged or missing part — is ignored and the store folds its events as
/// before. Nothing else reads it: every other reader skips checkpoint parts (`Record`).
///
///     u8 version = 1 · snapshot id 16 · u64 event count · id digest 24 (`EventIDDigest`)
///     varint n · n × (string key · blob value)          the local values
///     varint m · m × (u64 high · u64 low)               ids of events that are not contact records
///     varint length · `LedgerState.checkpoint()` bytes
///
/// The event ids are the ledger checkpoint's column of contact ids plus the other ids above:
/// opening builds its id set from both on a second thread while the ledger decodes.
///
/// Stored as the snapshot's last chunks, one part record per chunk (each part fills a 1 MiB
/// bucket); the snapshot header says how many (bytes 10–11), so it is found without
/// decrypting any event chunk, and readers of the contents pass over it without decrypting it
/// (a damaged checkpoint costs the fast open, never the store).
struct StoreCheckpoint {
    static let version: UInt8 = 1
    /// A part record fills a chunk's 1 MiB bucket exactly (type, part, parts, 3-byte length).
    static let partPayload = (1 << 20) - 16

    var ledger: LedgerState
    var ids: EventIDSet
    var local: [String: [UInt8]]

    /// The checkpoint of a store whose events are exactly `ids` and whose fold is `ledger`;
    /// nil when they do not fit together (then no checkpoint is written).
    static func encode(ledger: LedgerState, ids: EventIDSet, local: [String: [UInt8]], snapshotID: [UInt8]) -> [UInt8]? {
        guard ledger.eventCount == ids.count else { return nil }
        var extras: [EventID] = []
        var digest = EventIDDigest()
        do {
            var contactIDs = EventIDSet(capacity: ledger.contacts.count)
            for c in ledger.contacts { guard contactIDs.insert(c.id), ids.contains(c.id) else { return nil } }
            ids.forEach { id in
                digest.add(id)
                if !contactIDs.contains(id) { extras.append(id) }
            }
        }
        let state = ledger.checkpoint()
        var w = ByteWriter(capacity: state.count + extras.count * 16 + 4096)
        w.u8(version); w.raw(snapshotID); w.u64(UInt64(ids.count)); w.raw(digest.bytes)
        w.varint(UInt64(local.count))
        for k in local.keys.sorted() { w.string(k); w.blob(local[k]!) }
        w.varint(UInt64(extras.count))
        for id in extras { w.u64(id.high); w.u64(id.low) }
        w.varint(UInt64(state.count))
        w.raw(state)
        return w.bytes
    }

    /// The snapshot records that carry `blob`, in order (each becomes a chunk of its own).
    static func parts(_ blob: [UInt8]) -> [[UInt8]] {
        let n = max(1, (blob.count + partPayload - 1) / partPayload)
        return (0..<n).map { i in
            let piece = blob[min(blob.count, i * partPayload)..<min(blob.count, (i + 1) * partPayload)]
            var w = ByteWriter(capacity: piece.count + 16)
            w.u8(Record.checkpointType); w.u32(UInt32(i)); w.u32(UInt32(n)); w.varint(UInt64(piece.count)); w.raw(piece)
            return w.bytes
        }
    }

    /// Reads a checkpoint back and checks it against the snapshot it was found in and the
    /// configuration the store folds under now.
    static func decode(_ blob: [UInt8], snapshotID: [UInt8], configuration: Configuration) throws(CheckpointError) -> StoreCheckpoint {
        var r = ByteReader(blob)
        do {
            let v = try r.u8("version")
            guard v == version else { throw CheckpointError("store checkpoint version \(v) is not known") }
            guard Array(try r.take(16, "snapshot id")) == snapshotID else { throw CheckpointError("made for another snapshot") }
            let count = try r.u64("event count")
            let digest = Array(try r.take(24, "digest"))
            var local: [String: [UInt8]] = [:]
            for _ in 0..<(try r.count("local values", max: r.remaining / 2)) {
                local[try r.string("key", max: Record.maxKey)] = try r.blob("value", max: Record.maxValue)
            }
            let extras = try r.count("ids", max: r.remaining / 16)
            let extraStart = r.offset
            _ = try r.take(extras * 16, "ids")
            let n = try r.count("ledger", max: r.remaining)
            guard n == r.remaining else { throw CheckpointError("\(r.remaining - n) unexpected bytes at the end") }
            let ledgerStart = r.offset
            guard count <= UInt64(Int.max) else { throw CheckpointError("event count disagrees") }
            let located: Result<(offset: Int, count: Int), CheckpointError> = blob.withUnsafeBytes { raw in
                do throws(CheckpointError) {
                    return .success(try LedgerState.checkpointContactIDs(UnsafeRawBufferPointer(rebasing: raw[ledgerStart...])))
                } catch {
                    return .failure(error)
                }
            }
            let column = try located.get()
            // The id set (the contacts' id column, then the other events' ids) is built on a
            // second thread while this one decodes the ledger (which hands its contact rows to
            // a third: both cores stay busy).
            let idColumns = [(ledgerStart + column.offset, column.count), (extraStart, extras)]
            let side = SecondThread { Self.idSet(blob, idColumns, capacity: Int(count)) }
            let decoded: Result<LedgerState, CheckpointError> = blob.withUnsafeBytes { raw in
                do throws(CheckpointError) {
                    return .success(try LedgerState(checkpoint: UnsafeRawBufferPointer(rebasing: raw[ledgerStart...]),
                                                    catalogue: configuration.catalogue, points: configuration.points,
                                                    alongside: .secondThread))
                } catch {
                    return .failure(error)
                }
            }
            let (ids, d, repeated) = side.join()
            let ledger = try decoded.get()
            guard UInt64(ledger.eventCount) == count else { throw CheckpointError("event count disagrees") }
            guard !repeated else { throw CheckpointError("an event id is repeated") }
            guard UInt64(ids.count) == count, d.bytes == digest else { throw CheckpointError("the event ids do not match") }
            return StoreCheckpoint(ledger: ledger, ids: ids, local: local)
        } catch let e as CheckpointError {
            throw e
        } catch {
            throw CheckpointError("malformed: \(error)")
        }
    }

    /// The id set and digest of the ids in `columns` (offset, count of 16-byte ids) of `blob`,
    /// and whether an id was repeated. Runs on the second thread (`decode`).
    private static func idSet(_ blob: [UInt8], _ columns: [(offset: Int, count: Int)], capacity: Int) -> (EventIDSet, EventIDDigest, Bool) {
        var ids = EventIDSet(capacity: capacity)
        var digest = EventIDDigest()
        var repeated = false
        blob.withUnsafeBytes { raw in
            for (offset, count) in columns {
                for i in 0..<count {
                    let id = LedgerState.checkpointID(raw, at: offset + 16 * i)
                    if !ids.insert(id) { repeated = true }
                    digest.add(id)
                }
            }
        }
        return (ids, digest, repeated)
    }

    /// The checkpoint bytes at the end of snapshot file `name`, or why there are none. Reads
    /// the chunk headers (20 bytes each) to find the checkpoint's chunks, then decrypts only those.
    static func read(_ disk: Disk, _ name: String, key: SymmetricKey, storeID: [UInt8]) -> Result<(blob: [UInt8], snapshotID: [UInt8]), CheckpointError> {
        do throws(StoreError) {
            let fd = try disk.run(name) { try disk.ops.open(disk.path(name), .readOnly) }
            defer { disk.ops.close(fd) }
            let size = try disk.run(name) { try disk.ops.size(fd) }
            let h = try Snapshot.parseHeader(try disk.run(name) { try disk.ops.read(fd, count: Snapshot.headerSize, at: 0) }, storeID: storeID)
            guard h.version == Snapshot.checkpointVersion else { return .failure(CheckpointError("the snapshot has none")) }
            var chunks: [(offset: Int, length: Int, nonce: ArraySlice<UInt8>)] = []
            chunks.reserveCapacity(Int(h.count))
            var off = Snapshot.headerSize
            for i in 0..<h.count {
                let ch = try disk.run(name) { try disk.ops.read(fd, count: min(Snapshot.chunkHeader, max(0, size - off)), at: off) }
                guard ch.count == Snapshot.chunkHeader else { return .failure(CheckpointError("chunk \(i) header incomplete")) }
                let L = UInt32(ch[0]) | UInt32(ch[1]) << 8 | UInt32(ch[2]) << 16 | UInt32(ch[3]) << 24
                guard Array(ch[4..<8]) == Snapshot.check(h.snapshotID, L, i), Buckets.isBucket(Int(L) - Primitives.tagSize),
                      off + Snapshot.chunkHeader + Int(L) <= size else { return .failure(CheckpointError("chunk \(i) header is damaged")) }
                chunks.append((off + Snapshot.chunkHeader, Int(L), ch[8..<20]))
                off += Snapshot.chunkHeader + Int(L)
            }
            guard off == size else { return .failure(CheckpointError("unexpected bytes after the last chunk")) }
            let count = Int(h.count), parts = Int(h.checkpointChunks)
            guard parts >= 1, parts <= count else { return .failure(CheckpointError("the snapshot has none")) }
            // Part k goes to k × partPayload of the blob (every part but the last is full).
            // The two cores decrypt alternate parts straight into it.
            let job = PartReader(disk: disk, name: name, fd: fd, key: key, storeID: storeID, header: h,
                                 chunks: Array(chunks[(count - parts)...]))
            var blob = [UInt8](repeating: 0, count: parts * partPayload)
            var last = 0
            let failure: CheckpointError? = blob.withUnsafeMutableBytes { raw in
                let out = SharedBuffer(raw)
                let side = SecondThread { job.copy(parts: stride(from: 1, to: parts, by: 2), into: out) }
                let mine = job.copy(parts: stride(from: 0, to: parts, by: 2), into: out)
                let theirs = side.join()
                for r in [mine, theirs] {
                    switch r {
                    case .failure(let e): return e
                    case .success(let n?): last = n
                    case .success(nil): break
                    }
                }
                return nil
            }
            if let failure { return .failure(failure) }
            blob.removeLast(partPayload - last)
            return .success((blob, h.snapshotID))
        } catch {
            return .failure(CheckpointError("\(error)"))
        }
    }

    /// `senim verify`: the checkpoint of snapshot `name` against a fresh fold of the snapshot's
    /// events (the same bytes, ids and local values); nil when the snapshot has none.
    static func verify(_ disk: Disk, _ name: String, key: SymmetricKey, storeID: [UInt8],
                       configuration: Configuration) -> (ok: Bool, text: String)? {
        let unusable = "; opening folds the events instead, and the next compaction writes a new one"
        // Only a version-2 snapshot has a checkpoint (the header says so without decrypting).
        guard let head = try? disk.readPrefix(name, Snapshot.headerSize),
              let h = try? Snapshot.parseHeader(head, storeID: storeID, file: name), h.checkpointChunks > 0 else { return nil }
        // The fresh fold first, its id set and then the ledger dropped before the stored
        // checkpoint is read: memory is the ledger plus its checkpoint bytes, then two copies
        // of the checkpoint bytes.
        var fold = StoreFold(configuration: configuration, expectedBytes: h.contentChunks == 0 ? 0 : Int(h.contentChunks) << 20)
        do {
            try Snapshot.forEachChunk(disk, name, key: key, storeID: storeID, file: name) { i, plain, range throws(StoreError) in
                try fold.add(plain, range, where: "snapshot chunk \(i)")
            }
        } catch {
            return (false, "ledger checkpoint not checked: \(error)")
        }
        let eventCount = fold.ids.count, local = fold.local
        var all = EventIDDigest()
        fold.ids.forEach { all.add($0) }
        fold.ids = EventIDSet()
        // The fresh ledger is let go before the stored checkpoint is read.
        let (freshBytes, contactDigest): ([UInt8], EventIDDigest) = {
            let fresh = fold.finish()
            var d = EventIDDigest()
            for c in fresh.contacts { d.add(c.id) }
            return (fresh.checkpoint(), d)
        }()
        let found: (blob: [UInt8], snapshotID: [UInt8])
        switch read(disk, name, key: key, storeID: storeID) {
        case .failure(let e): return (false, "ledger checkpoint unusable: \(e.reason)" + unusable)
        case .success(let f): found = f
        }
        var r = ByteReader(found.blob)
        do {
            guard try r.u8("version") == version, Array(try r.take(16, "snapshot id")) == found.snapshotID else {
                return (false, "ledger checkpoint of an unknown version or another snapshot" + unusable)
            }
            let count = try r.u64("event count")
            let digest = Array(try r.take(24, "digest"))
            var storedLocal: [String: [UInt8]] = [:]
            for _ in 0..<(try r.count("local values", max: r.remaining / 2)) {
                storedLocal[try r.string("key", max: Record.maxKey)] = try r.blob("value", max: Record.maxValue)
            }
            var d = contactDigest
            for _ in 0..<(try r.count("ids", max: r.remaining / 16)) { d.add(EventID(high: try r.u64("id"), low: try r.u64("id"))) }
            let n = try r.count("ledger", max: r.remaining)
            let state = try r.take(n, "ledger")
            var problems: [String] = []
            if count != UInt64(eventCount) { problems.append("it counts \(count) events, the snapshot holds \(eventCount)") }
            if digest != all.bytes || d.bytes != all.bytes { problems.append("its event ids are not the snapshot's") }
            if storedLocal != local { problems.append("its local values differ") }
            if !state.elementsEqual(freshBytes) { problems.append("its ledger differs from a fresh fold of the snapshot's events") }
            if r.remaining != 0 { problems.append("\(r.remaining) unexpected bytes") }
            if problems.isEmpty { return (true, "ledger checkpoint equals a fresh fold of its \(eventCount) events") }
            return (false, "ledger checkpoint: " + problems.joined(separator: "; ") + unusable)
        } catch {
            return (false, "ledger checkpoint malformed: \(error)" + unusable)
        }
    }
}

extension StoreCheckpoint {
    /// A caller's buffer that two threads write, each to parts of its own.
    /// `@unchecked Sendable`: `PartReader.copy` writes only the ranges of the parts it was given,
    /// and the stride of parts given to each thread never overlap; the owner reads the buffer
    /// only after joining both.
    struct SharedBuffer: @unchecked Sendable {
        let raw: UnsafeMutableRawBufferPointer
        init(_ raw: UnsafeMutableRawBufferPointer) { self.raw = raw }
    }

    /// Reads and decrypts checkpoint parts into a blob. `@unchecked Sendable` because `Disk`
    /// holds `any FileOperations`: both threads only `read` the open file `fd` (positioned
    /// reads, no shared offset) and nothing else uses it until both are joined.
    struct PartReader: @unchecked Sendable {
        var disk: Disk
        var name: String
        var fd: Int32
        var key: SymmetricKey
        var storeID: [UInt8]
        var header: Snapshot.Header
        /// The checkpoint's chunks, in order: (offset, sealed length, nonce).
        var chunks: [(offset: Int, length: Int, nonce: ArraySlice<UInt8>)]

        /// Copies each of `parts` into `out` at its place; the length of the last part when it
        /// is among them.
        func copy(parts: StrideTo<Int>, into out: SharedBuffer) -> Result<Int?, CheckpointError> {
            var lastLength: Int?
            for k in parts {
                do throws(CheckpointError) {
                    let payload = try part(k)
                    let isLast = k == chunks.count - 1
                    guard isLast ? payload.count <= partPayload : payload.count == partPayload else {
                        throw CheckpointError("part \(k) has \(payload.count) bytes")
                    }
                    payload.withUnsafeBytes { out.raw.baseAddress!.advanced(by: k * partPayload).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                    if isLast { lastLength = payload.count }
                } catch {
                    return .failure(error)
                }
            }
            return .success(lastLength)
        }

        /// Part `k`: its chunk must authenticate and hold exactly that one part record.
        private func part(_ k: Int) throws(CheckpointError) -> ArraySlice<UInt8> {
            let c = chunks[k]
            let i = Int(header.count) - chunks.count + k
            let sealed: [UInt8]
            do { sealed = try disk.run(name) { try disk.ops.read(fd, count: c.length, at: c.offset) } } catch {
                throw CheckpointError("chunk \(i) cannot be read")
            }
            guard sealed.count == c.length,
                  let plain = Primitives.open(sealed[...], nonce: c.nonce, key: key,
                                              ad: Snapshot.ad(storeID, header.snapshotID, UInt32(i), header.count)) else {
                throw CheckpointError("chunk \(i) does not authenticate")
            }
            do throws(FormatError) {
                let range = try Buckets.contentRange(plain)
                var r = ByteReader(plain, offset: range.lowerBound, end: range.upperBound)
                guard try r.u8("type") == Record.checkpointType else { throw FormatError("not a checkpoint part") }
                let index = try r.u32("part"), total = try r.u32("parts")
                let payload = try r.take(try r.count("part", max: Record.maxCheckpointPart), "part")
                guard r.remaining == 0 else { throw FormatError("more than one record") }
                guard index == UInt32(k), total == UInt32(chunks.count) else { throw FormatError("part \(k) is out of place") }
                return payload
            } catch {
                throw CheckpointError("chunk \(i): \(error)")
            }
        }
    }
}
