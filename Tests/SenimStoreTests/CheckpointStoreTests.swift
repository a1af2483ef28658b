import Crypto
import Foundation
import SenimCore
import SenimTestSupport
import Testing
@testable import SenimStore

/// The ledger checkpoint at the end of a compacted snapshot (issue 11): opening reads it
/// instead of folding the snapshot's events, and the result is always what folding gives;
/// anything the checkpoint cannot stand for (a correction in the journal, a damaged
/// checkpoint chunk) costs the fast open, never data.
@Suite struct CheckpointStoreTests {

    static let config = TestSupport.configuration

    /// The state a fold of every stored event gives, as checkpoint bytes (every field).
    func folded(_ s: Session) throws -> [UInt8] {
        LedgerState.fold(try s.events(), catalogue: Self.config.catalogue, points: Self.config.points).checkpoint()
    }

    func fill(_ s: Session, from: Int, count: Int, backdated: Bool = true) throws -> [Event] {
        let now = s.context().at
        var out: [Event] = []
        for n in from..<from + count {
            out.append(TestSupport.contact(s, n: n, note: n % 7 == 0 ? "заметка \(n)" : nil,
                                           at: backdated ? now - 30 * 86_400 + Timestamp(n) * 60 : nil))
        }
        try s.save(out)
        // A referral and its update, a stock receipt: kinds beside contacts.
        let r = s.context()
        let issue = Event(id: r.id, at: r.at, author: r.author, device: r.device, site: r.site,
                          body: .referralIssued(ReferralIssue(client: UIC(normalised: "ABCD160"), service: "oat", due: 20_000, note: nil)))
        try s.save([issue])
        let u = s.context()
        try s.save([Event(id: u.id, at: u.at, author: u.author, device: u.device, site: u.site,
                          body: .referralUpdated(ReferralUpdate(referral: issue.id, status: .attended, note: nil, basedOn: issue.id)))])
        let k = s.context()
        try s.save([Event(id: k.id, at: k.at, author: k.author, device: k.device, site: k.site,
                          body: .stockReceived(StockReceipt(item: "syringe-2ml", quantity: 500, lot: "L1", expires: 21_000)))])
        return out
    }

    @Test func compactionWritesACheckpointThatOpeningReads() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.open(dir)
        _ = try fill(s, from: 0, count: 3_000)
        try s.setLocalValue("kept", [1, 2])
        try s.compact()
        let live = s.ledger.checkpoint()
        s.close()

        let t = try TestSupport.open(dir)
        #expect(t.openedFromCheckpoint, "\(t.checkpointProblem ?? "")")
        #expect(t.ledger.checkpoint() == live)
        #expect(try t.ledger.checkpoint() == folded(t))
        let stored = try t.events().count
        #expect(t.localValue("kept") == [1, 2] && t.eventCount == stored)
        // More saves go to the journal; the next open applies them on top of the checkpoint.
        _ = try fill(t, from: 5_000, count: 200, backdated: false)
        let after = t.ledger.checkpoint()
        t.close()

        let u = try TestSupport.open(dir)
        #expect(u.openedFromCheckpoint, "\(u.checkpointProblem ?? "")")
        #expect(u.ledger.checkpoint() == after)
        #expect(try u.ledger.checkpoint() == folded(u))
        // A saved id is still refused as a repeat after a checkpoint open.
        let again = try u.events().last!
        let imported = try u.importEvents([again])
        #expect(imported.new == 0 && imported.known == 1)
        let count = try u.events().count
        #expect(u.eventCount == count)
        // A back-dated entry (late entry, a sync import) folds before the checkpoint's end: the
        // next open folds everything, to the same state.
        _ = try fill(u, from: 9_000, count: 3)
        let late = u.ledger.checkpoint()
        u.close()
        let w = try TestSupport.open(dir)
        #expect(!w.openedFromCheckpoint && w.ledger.checkpoint() == late)
        w.close()

        let report = try Session.verify(at: dir, user: "aigerim", passphrase: "correct horse", configuration: Self.config, derivation: TestSupport.derivation)
        #expect(report.ok, "\(report)")
        #expect(report.lines.contains { $0.ok && $0.text.hasPrefix("ledger checkpoint equals a fresh fold") }, "\(report)")
    }

    @Test func aCorrectionInTheJournalFoldsEverything() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.open(dir)
        let contacts = try fill(s, from: 0, count: 500)
        try s.compact()
        let c = s.context()
        try s.save([Event(id: c.id, at: c.at, author: c.author, device: c.device, site: c.site,
                          body: .recordVoided(VoidRecord(target: contacts[10].id, reason: .mistake)))])
        let live = s.ledger.checkpoint()
        s.close()

        let t = try TestSupport.open(dir)
        defer { t.close() }
        #expect(!t.openedFromCheckpoint && t.checkpointProblem != nil)
        #expect(t.ledger.checkpoint() == live)
        #expect(try t.ledger.checkpoint() == folded(t))
        #expect(t.ledger.contactIndex(contacts[10].id) == nil, "the void applies")
    }

    @Test func aDamagedCheckpointCostsOnlyTheFastOpen() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.open(dir)
        _ = try fill(s, from: 0, count: 800)
        try s.compact()
        let live = s.ledger.checkpoint()
        s.close()

        // One byte of the last chunk (the checkpoint's) changed.
        let file = dir.appendingPathComponent("snapshot")
        var bytes = try Data(contentsOf: file)
        let header = try Snapshot.parseHeader(Array(bytes.prefix(64)), storeID: nil)
        #expect(header.version == Snapshot.checkpointVersion && header.checkpointChunks >= 1)
        bytes[bytes.count - 40] ^= 0x20
        try bytes.write(to: file)

        let t = try TestSupport.open(dir)
        #expect(!t.openedFromCheckpoint)
        #expect(t.checkpointProblem?.contains("authenticate") == true, "\(t.checkpointProblem ?? "")")
        #expect(t.ledger.checkpoint() == live, "every event is still there")
        t.close()
        let report = try Session.verify(at: dir, user: "aigerim", passphrase: "correct horse", configuration: Self.config, derivation: TestSupport.derivation)
        #expect(report.lines.contains { !$0.ok && $0.text.hasPrefix("ledger checkpoint unusable") }, "\(report)")
        #expect(report.lines.contains { $0.ok && $0.text.contains("chunks intact") }, "the events themselves are intact")

        // The next compaction writes a good one.
        let u = try TestSupport.open(dir)
        try u.compact()
        u.close()
        let v = try TestSupport.open(dir)
        defer { v.close() }
        #expect(v.openedFromCheckpoint && v.ledger.checkpoint() == live)
    }

    /// A checkpoint that does not describe the snapshot's events (here: made from another
    /// state) is refused by its id count and digest, and verify says so.
    @Test func aCheckpointOfOtherEventsIsRefused() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.open(dir)
        _ = try fill(s, from: 0, count: 300)
        var ids = s.ids
        ids.insert(EventID(high: 1, low: 2))   // one event the snapshot does not hold
        let blob = try #require(StoreCheckpoint.encode(ledger: s.ledger, ids: s.ids, local: s.local, snapshotID: [UInt8](repeating: 7, count: 16)))
        #expect(StoreCheckpoint.encode(ledger: s.ledger, ids: ids, local: s.local, snapshotID: [UInt8](repeating: 7, count: 16)) == nil)
        #expect(throws: CheckpointError.self) {
            try StoreCheckpoint.decode(blob, snapshotID: [UInt8](repeating: 8, count: 16), configuration: Self.config)
        }
        var other = blob
        other[17 + 8] ^= 1   // the id digest
        #expect(throws: CheckpointError.self) {
            try StoreCheckpoint.decode(other, snapshotID: [UInt8](repeating: 7, count: 16), configuration: Self.config)
        }
        let good = try StoreCheckpoint.decode(blob, snapshotID: [UInt8](repeating: 7, count: 16), configuration: Self.config)
        #expect(good.ledger.checkpoint() == s.ledger.checkpoint() && good.ids.count == s.ids.count && good.local == s.local)
        s.close()
    }

    /// A large store that had to fold every event is compacted as it opens, so the next open
    /// reads a checkpoint again: a store never compacted, and one whose journal holds a
    /// back-dated entry. A small one is left as it is (its fold is as cheap as the checkpoint).
    @Test func aLargeStoreThatFoldedIsCompactedAsItOpens() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.open(dir)
        let base = s.context().at - 200 * 86_400
        let events = (0..<Session.checkpointAfterFoldEvents).map { TestSupport.contact(s, n: $0, at: base + Timestamp($0) * 30) }
        _ = try s.bulkImport(events)
        try s.finishBulkImport()
        let live = s.ledger.checkpoint()
        s.close()

        // A read-only open folds too, but leaves every file as it was.
        let files = ["keys", "journal", "snapshot"]
        func contents() -> [Data?] { files.map { try? Data(contentsOf: dir.appendingPathComponent($0)) } }
        let before = contents()
        let reader = try Session.open(at: dir, user: "aigerim", passphrase: "correct horse", configuration: Self.config,
                                      readOnly: true, derivation: TestSupport.derivation)
        #expect(!reader.openedFromCheckpoint && !reader.notices.contains { $0.key == "store.notice.checkpointWritten" })
        reader.close()
        #expect(contents() == before, "a read-only open wrote")

        // Never compacted: this open folds the journal, then compacts.
        let t = try TestSupport.open(dir)
        #expect(!t.openedFromCheckpoint && t.journalFrames == 0 && t.manifest.snapshotID != Manifest.none)
        #expect(t.notices.contains { $0.key == "store.notice.checkpointWritten" })
        #expect(t.ledger.checkpoint() == live ? true : false, "after the first open")
        // A back-dated entry goes to the journal…
        _ = try fill(t, from: 30_000, count: 2)
        let late = t.ledger.checkpoint()
        t.close()
        // …so the next open folds everything again, and compacts again.
        let u = try TestSupport.open(dir)
        #expect(!u.openedFromCheckpoint && u.journalFrames == 0)
        #expect(u.ledger.checkpoint() == late ? true : false, "after the back-dated entry")
        u.close()
        // Then it opens from the checkpoint, with nothing to say.
        let w = try TestSupport.open(dir)
        #expect(w.openedFromCheckpoint, "\(w.checkpointProblem ?? "")")
        #expect(!w.notices.contains { $0.key == "store.notice.checkpointWritten" })
        #expect(w.ledger.checkpoint() == late ? true : false, "from the checkpoint")
        #expect(try w.ledger.checkpoint() == folded(w) ? true : false, "against a fold")
        w.close()

        // A small store with a back-dated entry keeps its journal.
        let small = TestSupport.freshStore()
        defer { TestSupport.cleanup(small) }
        let a = try TestSupport.open(small)
        _ = try fill(a, from: 0, count: 50)
        try a.compact()
        _ = try fill(a, from: 100, count: 2)
        a.close()
        let b = try TestSupport.open(small)
        #expect(!b.openedFromCheckpoint && b.journalFrames > 0)
        #expect(!b.notices.contains { $0.key == "store.notice.checkpointWritten" })
        b.close()
    }
}
