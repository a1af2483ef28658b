import Crypto
import Foundation
import SenimCore
import SenimTestSupport
import Testing
@testable import SenimStore

/// Compaction and rekey write the snapshot chunk by chunk (issue 11): the current snapshot is
/// streamed and merged with the journal's events. These tests hold the streamed path to what
/// the in-memory path wrote: the same events, in fold order, the same local values.
@Suite struct StreamedRewriteTests {

    static let config = TestSupport.configuration

    /// Records of the snapshot file as stored, and its chunk count.
    func snapshotRecords(_ s: Session) throws -> (records: [Record], chunks: Int) {
        let bytes = try #require(try s.disk.read(Disk.snapshot))
        let read = try Snapshot.read(bytes, key: s.keys.snapshot, storeID: s.storeID)
        return (read.records.flatMap { $0 }, read.records.count)
    }

    func digest(_ s: Session) throws -> String {
        LedgerDigest.of(LedgerState.fold(try s.events(), catalogue: Self.config.catalogue, points: Self.config.points))
    }

    @Test func streamedCompactionMergesJournalIntoALargeSnapshot() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.open(dir)
        let now = s.context().at
        // Enough events for several 1 MiB chunks, spread over the last 90 days.
        var all: [Event] = []
        for batch in 0..<20 {
            let events = (0..<500).map { i in
                let n = batch * 500 + i
                return TestSupport.contact(s, n: n, note: String(repeating: "n", count: 60 + n % 90),
                                           at: now - 90 * 86_400 + Timestamp(n) * 500)
            }
            try s.save(events)
            all += events
        }
        try s.setLocalValue("kept", [1, 2, 3])
        try s.setLocalValue("dropped", [9])
        try s.compact()
        let first = try snapshotRecords(s)
        #expect(first.chunks > 1, "the test needs a snapshot of several chunks")
        // Late entries that fold between snapshot events, new ones after, and local changes.
        let late = (0..<300).map { i in TestSupport.contact(s, n: 20_000 + i, at: now - 80 * 86_400 + Timestamp(i) * 7_919) }
        let fresh = (0..<50).map { TestSupport.contact(s, n: 30_000 + $0) }
        try s.save(late)
        try s.save(fresh)
        all += late + fresh
        try s.setLocalValue("dropped", nil)
        try s.setLocalValue("later", [7])
        let before = try digest(s)
        let stored = try s.events()
        try s.compact()
        #expect(s.journalEnd == Journal.headerSize)

        let (records, chunks) = try snapshotRecords(s)
        #expect(chunks >= first.chunks)
        let events = try records.compactMap { r -> Event? in if case .event(let b) = r { return try EventCodec.decode(b) } else { return nil } }
        #expect(events.count == stored.count && Set(all.map(\.id)).isSubset(of: Set(events.map(\.id))))
        let inFoldOrder = events == stored.sorted(by: Event.foldsBefore)
        #expect(inFoldOrder, "every stored event once, in fold order")
        let locals = records.compactMap { r -> String? in if case .setLocal(let k, _) = r { return k } else { return nil } }
        #expect(locals == locals.sorted() && locals.contains("kept") && locals.contains("later") && !locals.contains("dropped"))
        s.close()

        let t = try TestSupport.open(dir)
        defer { t.close() }
        #expect(try digest(t) == before)
        #expect(LedgerDigest.of(t.ledger) == before, "the reopened ledger folds to the same state")
        #expect(t.localValue("kept") == [1, 2, 3] && t.localValue("later") == [7] && t.localValue("dropped") == nil)
    }

    /// Backup streams the same merged contents (issue 11): a store of several chunks with a
    /// journal of late entries backs up, reads back section by section, restores to the same
    /// state; any damaged byte is found by `Backup.inspect` without reading the file whole.
    @Test func streamedBackupRestoresEverythingAndDamageIsFound() throws {
        let dir = TestSupport.freshStore()
        let out = TestSupport.tempDirectory("backup")
        defer { TestSupport.cleanup(dir); TestSupport.cleanup(out) }
        let s = try TestSupport.open(dir)
        let now = s.context().at
        for batch in 0..<16 {
            try s.save((0..<500).map { i in
                let n = batch * 500 + i
                return TestSupport.contact(s, n: n, note: String(repeating: "b", count: 80 + n % 70), at: now - 60 * 86_400 + Timestamp(n) * 300)
            })
        }
        try s.compact()
        try s.save((0..<200).map { TestSupport.contact(s, n: 50_000 + $0, at: now - 59 * 86_400 + Timestamp($0) * 6_007) })
        try s.setLocalValue("peer", [4, 2])
        let before = try digest(s)
        let file = out.appendingPathComponent("senim.backup")
        try s.backup(to: file)
        let stored = try s.events().count
        s.close()

        let d = Disk(FileSystem.real, out)
        let parts = try Backup.inspect(d, "senim.backup", file: file.path)
        let whole = try #require(try d.read("senim.backup"))
        let header = try Snapshot.parseHeader(Array(whole[parts.snapshot]), storeID: nil)
        #expect(header.count > 1, "the test needs a snapshot section of several chunks")

        let restored = out.appendingPathComponent("restored")
        try Session.restore(from: file, to: restored, force: false)
        // Restore copies the three sections as they are (the snapshot in blocks).
        let r = Disk(FileSystem.real, restored)
        #expect(try r.read(Disk.keys) == parts.keys)
        #expect(try r.read(Disk.journal) == parts.journal)
        #expect(try r.read(Disk.snapshot) == Array(whole[parts.snapshot]))
        let t = try TestSupport.open(restored)
        #expect(t.eventCount == stored)
        #expect(LedgerDigest.of(t.ledger) == before)
        #expect(t.localValue("peer") == [4, 2])
        t.close()

        // Damage: a byte in the snapshot section, in the keys section, in the file checksum; a cut.
        for (what, at) in [("snapshot", parts.snapshot.lowerBound + parts.snapshot.count / 2),
                           ("keys", Backup.headerSize + Backup.sectionHeader + 10), ("checksum", whole.count - 1)] {
            var b = whole
            b[at] ^= 0x40
            try d.writeSynced("damaged", b)
            #expect(throws: StoreError.self, "\(what)") { _ = try Backup.inspect(d, "damaged", file: "damaged") }
        }
        try d.writeSynced("cut", Array(whole.prefix(whole.count - 100)))
        #expect(throws: StoreError.self) { _ = try Backup.inspect(d, "cut", file: "cut") }
    }

    @Test func fallbackGathersInMemoryAndWritesTheSameStore() throws {
        let dirs = (TestSupport.freshStore(), TestSupport.freshStore())
        defer { TestSupport.cleanup(dirs.0); TestSupport.cleanup(dirs.1) }
        var results: [[Record]] = []
        for (k, dir) in [dirs.0, dirs.1].enumerated() {
            let s = try TestSupport.open(dir)
            let start = s.eventCount
            let now = s.context().at
            try s.save((0..<40).map { TestSupport.contact(s, n: $0, at: now - Timestamp(1_000 * (40 - $0))) })
            try s.compact()
            try s.save((0..<10).map { TestSupport.contact(s, n: 100 + $0, at: now - Timestamp(1_000 * (30 - 3 * $0))) })
            try s.setLocalValue("x", [UInt8(k)])
            if k == 1 { s.storedDuplicates = 1 }  // the in-memory path
            try s.compact()
            let recs = try snapshotRecords(s).records
            // Ids differ between the two stores: compare shapes (kind of record, event time).
            results.append(recs)
            s.close()
            let t = try TestSupport.open(dir)
            #expect(t.eventCount == start + 50)
            t.close()
        }
        func shape(_ r: [Record]) -> [String] {
            r.map { rec in
                switch rec {
                case .event(let b): "event " + String((try? EventCodec.decode(b).at) ?? -1)
                case .setLocal(let k, _): "local " + k
                case .deleteLocal(let k): "delete " + k
                }
            }
        }
        let a = shape(results[0]), b = shape(results[1])
        #expect(a.count == b.count && a.filter { $0.hasPrefix("event") }.count >= 50)
        #expect(a.filter { $0.hasPrefix("event") } == a.filter { $0.hasPrefix("event") }.sorted { Int($0.dropFirst(6))! < Int($1.dropFirst(6))! })
        #expect(a.filter { $0.hasPrefix("local") } == b.filter { $0.hasPrefix("local") })
    }

    @Test func writeAndBuildProduceTheSameRecords() throws {
        let key = SymmetricKey(size: .bits256)
        let storeID = Primitives.random(16), sid = Primitives.random(16)
        let dir = TestSupport.tempDirectory("snapwrite")
        defer { TestSupport.cleanup(dir) }
        let disk = Disk(FileSystem.real, dir)
        var g = SplitMix(seed: 11)
        // Records of random sizes, some larger than a chunk's target on their own.
        let events: [[UInt8]] = (0..<3_000).map { i in
            let n = i % 997 == 0 ? Snapshot.targetChunk + 10 : Int(g.next() % 900) + 20
            return (0..<n).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        }
        let locals: [(String, [UInt8])] = [("a", [1]), ("b", [2, 3])]
        let count = try Snapshot.write(disk, "snap", key: key, storeID: storeID, snapshotID: sid) { emit throws(StoreError) in
            for e in events { try emit(.event(e[...])) }
            for (k, v) in locals { try emit(.record(.setLocal(k, v))) }
        }
        let read = try Snapshot.read(try #require(try disk.read("snap")), key: key, storeID: storeID)
        #expect(read.records.count == count && count > 3)
        #expect(read.records.flatMap { $0 } == events.map { Record.event($0) } + locals.map { Record.setLocal($0.0, $0.1) })
        // A producer that changes between the passes is refused, and leaves no file behind.
        var pass = 0
        #expect(throws: StoreError.self) {
            try Snapshot.write(disk, "bad", key: key, storeID: storeID, snapshotID: sid) { emit throws(StoreError) in
                pass += 1
                for e in events.prefix(pass == 1 ? 100 : 3_000) { try emit(.event(e[...])) }
            }
        }
        #expect(!disk.exists("bad"))
    }
}
