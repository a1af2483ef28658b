import Crypto
import Foundation
import SenimCore

extension Session {
    // MARK: Streamed rewrite (compaction, rekey)

    /// Writes the store's contents — every event in fold order, then the local values by key —
    /// as snapshot `name` sealed under `key`, without gathering them: the current snapshot is
    /// already in fold order, so its chunks are streamed through and merged with the journal's
    /// events (few: the journal is compacted past `autoCompactFrames`), sorted in memory.
    /// Memory: two chunks and the journal's events, whatever the size of the store.
    ///
    /// Returns false, having written nothing, when the stored data is not in the shape the
    /// stream relies on (a repeated event id was skipped at open, or the snapshot is not in
    /// fold order — neither is written by this version); the caller then rewrites from memory.
    func writeStreamedSnapshot(_ name: String, key: SymmetricKey, snapshotID: [UInt8]) throws(StoreError) -> Bool {
        guard storedDuplicates == 0, snapshotFile == Disk.snapshot else { return false }
        let journal = try journalEventsInFoldOrder()
        let hasSnapshot = manifest.snapshotID != Manifest.none
        let localKeys = local.keys.sorted()
        struct OutOfOrder: Error {}
        var outOfOrder = false
        do {
            try Snapshot.write(disk, name, key: key, storeID: storeID, snapshotID: snapshotID) { emit throws(StoreError) in
                var j = 0
                if hasSnapshot {
                    var last: (at: Timestamp, id: EventID)? = nil
                    var found: [Record.Found] = []
                    try Snapshot.forEachChunk(disk, snapshotFile, key: keys.snapshot, storeID: storeID) { i, plain, range throws(StoreError) in
                        found.removeAll(keepingCapacity: true)
                        do { try Record.scan(plain, range, into: &found) } catch {
                            throw .damaged(file: "snapshot", detail: "chunk \(i): authenticated content is malformed: \(error)")
                        }
                        for f in found {
                            guard case .event(let s) = f else { continue }  // local values: `local` is current
                            let span = plain[s.start..<s.start + s.count]
                            guard let key = span.withUnsafeBytes({ EventCodec.peekOrder($0) }) else {
                                throw .damaged(file: "snapshot", detail: "chunk \(i): an authenticated event does not decode")
                            }
                            if let l = last, !(l.at < key.at || (l.at == key.at && l.id < key.id)) {
                                outOfOrder = true
                                throw .damaged(file: "snapshot", detail: "not in fold order")
                            }
                            last = key
                            while j < journal.count && Self.before(journal[j].key, key) {
                                try emit(.event(journal[j].bytes[...])); j += 1
                            }
                            try emit(.event(span))
                        }
                    }
                }
                while j < journal.count { try emit(.event(journal[j].bytes[...])); j += 1 }
                for k in localKeys { try emit(.record(.setLocal(k, local[k]!))) }
            }
        } catch {
            if outOfOrder { return false }
            throw error
        }
        return true
    }

    static func before(_ a: (at: Timestamp, id: EventID), _ b: (at: Timestamp, id: EventID)) -> Bool {
        a.at != b.at ? a.at < b.at : a.id < b.id
    }

    /// The journal's events (first copy of each id), sorted in fold order.
    func journalEventsInFoldOrder() throws(StoreError) -> [(key: (at: Timestamp, id: EventID), bytes: [UInt8])] {
        guard let fd = journalFD else { throw .notAllowed(Message("store.closed")) }
        let bytes = try disk.run(Disk.journal) { try disk.ops.read(fd, count: journalEnd, at: 0) }
        let scan = Journal.scan(bytes, key: keys.journal, storeID: storeID, journalID: manifest.journalID)
        guard scan.tail == .clean, scan.goodEnd == journalEnd else {
            throw StoreError.damaged(file: "journal", detail: "changed on disk while the store was open")
        }
        var out: [(key: (at: Timestamp, id: EventID), bytes: [UInt8])] = []
        var seen = Set<EventID>()
        for f in scan.frames {
            for case .event(let b) in f.records {
                guard let key = b.withUnsafeBytes({ EventCodec.peekOrder($0) }) else {
                    throw StoreError.damaged(file: "journal", detail: "frame \(f.seq): an authenticated event does not decode")
                }
                if seen.insert(key.id).inserted { out.append((key, b)) }
            }
        }
        out.sort { Self.before($0.key, $1.key) }
        return out
    }
}
