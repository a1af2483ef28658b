import Crypto
import Foundation
import SenimCore

/// The store's contents — every event in fold order, then the local values by key — as the
/// records of a new snapshot, produced without gathering them: the current snapshot is already
/// in fold order, so its chunks are streamed through and merged with the journal's events
/// (few: the journal is compacted past `autoCompactFrames`), sorted in memory. Memory: two
/// chunks and the journal's events, whatever the size of the store. Used by compaction, rekey
/// and backup (issue 11).
final class StreamedContents {
    private let session: Session
    private let journal: [(key: FoldKey, bytes: [UInt8])]
    private let localKeys: [String]
    /// Set when the snapshot turned out not to be in fold order (the caller falls back).
    private(set) var outOfOrder = false
    /// Events produced by the last pass, and an order-independent digest of their ids.
    private(set) var events = 0
    private(set) var idDigest = EventIDDigest()

    /// nil when the stored data is not in the shape the stream relies on (a repeated event id
    /// was skipped when the store was folded, or the snapshot is read from a pending `.new`
    /// file): the caller then works from `Session.allContents`.
    init?(_ s: Session) throws(StoreError) {
        guard s.storedDuplicates == 0, s.snapshotFile == Disk.snapshot else { return nil }
        session = s
        journal = try s.journalEventsInFoldOrder()
        localKeys = s.local.keys.sorted()
    }

    func produce(_ emit: (Snapshot.Item) throws(StoreError) -> Void) throws(StoreError) {
        let s = session
        var j = 0
        events = 0
        idDigest = EventIDDigest()
        func event(_ b: ArraySlice<UInt8>, _ id: EventID) throws(StoreError) {
            events += 1
            idDigest.add(id)
            try emit(.event(b))
        }
        if s.manifest.snapshotID != Manifest.none {
            var last: FoldKey? = nil
            var found: [Record.Found] = []
            try Snapshot.forEachChunk(s.disk, s.snapshotFile, key: s.keys.snapshot, storeID: s.storeID) { i, plain, range throws(StoreError) in
                found.removeAll(keepingCapacity: true)
                do { try Record.scan(plain, range, into: &found) } catch {
                    throw .damaged(file: "snapshot", detail: "chunk \(i): authenticated content is malformed: \(error)")
                }
                for f in found {
                    guard case .event(let sp) = f else { continue }  // local values: the session's are current
                    let span = plain[sp.start..<sp.start + sp.count]
                    guard let key = span.withUnsafeBytes({ EventCodec.peekOrder($0) }) else {
                        throw .damaged(file: "snapshot", detail: "chunk \(i): an authenticated event does not decode")
                    }
                    if let l = last, !(l < key) {
                        outOfOrder = true
                        throw .damaged(file: "snapshot", detail: "chunk \(i): events not in fold order")
                    }
                    last = key
                    while j < journal.count && journal[j].key < key {
                        try event(journal[j].bytes[...], journal[j].key.id); j += 1
                    }
                    try event(span, key.id)
                }
            }
        }
        while j < journal.count { try event(journal[j].bytes[...], journal[j].key.id); j += 1 }
        for k in localKeys { try emit(.record(.setLocal(k, s.local[k]!))) }
    }
}

/// An order-independent digest of a set of event ids (sums of both halves and of a mix of
/// them): two sets of the same size with equal digests are, for any practical purpose, equal.
struct EventIDDigest: Equatable {
    private var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0
    mutating func add(_ id: EventID) {
        a &+= id.high
        b &+= id.low
        var x = id.high ^ (id.low &* 0x9E37_79B9_7F4A_7C15)
        x = (x ^ (x >> 31)) &* 0xBF58_476D_1CE4_E5B9
        c &+= x ^ (x >> 29)
    }

    /// The digest as 24 bytes (stored in a ledger checkpoint).
    var bytes: [UInt8] {
        var w = ByteWriter(capacity: 24)
        w.u64(a); w.u64(b); w.u64(c)
        return w.bytes
    }
}

extension Session {
    // MARK: Streamed rewrite (compaction, rekey)

    /// Writes the store's contents as snapshot `name` sealed under `key` (see
    /// `StreamedContents`). Returns false, having written nothing, when the stored data is not
    /// in the shape the stream relies on; the caller then rewrites from memory.
    func writeStreamedSnapshot(_ name: String, key: SymmetricKey, snapshotID: [UInt8]) throws(StoreError) -> Bool {
        guard let contents = try StreamedContents(self) else { return false }
        // The folded state rides along at the end (`StoreCheckpoint`): the next open reads it
        // instead of folding every event again.
        var digest = EventIDDigest()
        ids.forEach { digest.add($0) }
        var parts = StoreCheckpoint.encode(ledger: ledger, ids: ids, local: local, snapshotID: snapshotID).map(StoreCheckpoint.parts) ?? []
        while true {
            do {
                try Snapshot.write(disk, name, key: key, storeID: storeID, snapshotID: snapshotID,
                                   version: parts.isEmpty ? Snapshot.version : Snapshot.checkpointVersion,
                                   checkpointChunks: parts.count) { emit throws(StoreError) in
                    try contents.produce(emit)
                    for p in parts { try emit(.alone(p)) }
                }
            } catch {
                if contents.outOfOrder { return false }
                throw error
            }
            // The checkpoint must describe exactly the events written (it always does when the
            // session's state is the fold of its files); if not, write the snapshot without it.
            if parts.isEmpty || (contents.events == ids.count && contents.idDigest == digest) { return true }
            parts = []
        }
    }

    /// The journal's events (first copy of each id), sorted in fold order.
    func journalEventsInFoldOrder() throws(StoreError) -> [(key: FoldKey, bytes: [UInt8])] {
        var out: [(key: FoldKey, bytes: [UInt8])] = []
        var seen = Set<EventID>()
        for f in try storedJournalFrames() {
            for case .event(let b) in f.records {
                guard let key = b.withUnsafeBytes({ EventCodec.peekOrder($0) }) else {
                    throw StoreError.damaged(file: "journal", detail: "frame \(f.seq): an authenticated event does not decode")
                }
                if seen.insert(key.id).inserted { out.append((key, b)) }
            }
        }
        out.sort { $0.key < $1.key }
        return out
    }
}
