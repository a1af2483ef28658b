import Foundation
import SenimCore
import Testing
@testable import SenimStore

@Suite struct MaintenanceTests {

    func ids(_ dir: URL, _ user: String = "aigerim", _ pass: String = "correct horse") throws -> Set<EventID> {
        let s = try TestSupport.open(dir, user: user, passphrase: pass)
        defer { s.close() }
        return Set(try s.events().map(\.id))
    }

    @Test func compactionKeepsEverything() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.open(dir)
        try s.save((0..<20).map { TestSupport.contact(s, n: $0) })
        try s.setLocalValue("a", [1])
        let before = Set(try s.events().map(\.id))
        let ledgerBefore = s.ledger.contacts.map(\.id)
        try s.compact()
        #expect(Set(try s.events().map(\.id)) == before)
        #expect(s.journalEnd == Journal.headerSize)
        try s.save([TestSupport.contact(s, n: 99)])
        s.close()
        let t = try TestSupport.open(dir)
        #expect(t.eventCount == before.count + 1)
        #expect(t.ledger.contacts.map(\.id).filter { ledgerBefore.contains($0) } == ledgerBefore)
        #expect(t.localValue("a") == [1])
        t.close()
    }

    @Test func backupAndRestore() throws {
        let dir = TestSupport.freshStore()
        let out = TestSupport.tempDirectory("backup")
        defer { TestSupport.cleanup(dir); TestSupport.cleanup(out) }
        let s = try TestSupport.open(dir)
        try s.save((0..<5).map { TestSupport.contact(s, n: $0) })
        try s.setLocalValue("peer", [4, 2])
        let file = out.appendingPathComponent("senim.backup")
        try s.backup(to: file)
        let saved = Set(try s.events().map(\.id))
        // Later work is not in the backup.
        let later = TestSupport.contact(s, n: 9)
        try s.save([later])
        s.close()
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as! Int
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["senim.backup"], "no temp file left")
        // A worker may not make backups.
        let w = try TestSupport.open(dir, user: "dana", passphrase: "dana pass")
        #expect(throws: StoreError.notAllowed(Message("policy.denied", "worker", "backup"))) { try w.backup(to: out.appendingPathComponent("x")) }
        w.close()
        // Restore into a new folder.
        let fresh = out.appendingPathComponent("restored")
        try Session.restore(from: file, to: fresh, force: false)
        #expect(try ids(fresh) == saved)
        #expect(try ids(fresh, "gulnara", "psy one") == saved)
        // Over an existing store: refused without force, nothing touched.
        #expect(throws: StoreError.alreadyExists(path: dir.standardizedFileURL.path)) { try Session.restore(from: file, to: dir, force: false) }
        #expect(try ids(dir).contains(later.id))
        // With force: replaced.
        try Session.restore(from: file, to: dir, force: true)
        #expect(try ids(dir) == saved)
        let r = try TestSupport.open(dir)
        #expect(r.localValue("peer") == [4, 2])
        r.close()
        // A damaged backup is refused before anything is written.
        var bytes = Array(try Data(contentsOf: file))
        bytes[bytes.count / 2] ^= 1
        let bad = out.appendingPathComponent("bad.backup")
        try Data(bytes).write(to: bad)
        let target = out.appendingPathComponent("never")
        #expect(throws: StoreError.self) { try Session.restore(from: bad, to: target, force: false) }
        #expect(!Session.exists(at: target))
        // A store that is open cannot be replaced.
        let busy = try TestSupport.open(dir)
        #expect(throws: StoreError.inUse(pid: getpid())) { try Session.restore(from: file, to: dir, force: true) }
        busy.close()
    }

    @Test func verifyReportsEveryFile() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.open(dir)
        try s.save((0..<3).map { TestSupport.contact(s, n: $0) })
        try s.compact()
        try s.save((3..<6).map { [TestSupport.contact(s, n: $0)] }.flatMap { $0 })
        try s.save([TestSupport.contact(s, n: 7)])
        let count = s.eventCount
        s.close()
        let clean = try Session.verify(at: dir, user: "aigerim", passphrase: "correct horse", configuration: TestSupport.configuration, derivation: TestSupport.derivation)
        #expect(clean.ok, "\(clean)")
        #expect(clean.eventCount == count)
        #expect(clean.lines.map(\.file).contains("snapshot") && clean.lines.map(\.file).contains("journal"))
        #expect(throws: StoreError.wrongPassphrase) {
            _ = try Session.verify(at: dir, user: "aigerim", passphrase: "nope", configuration: TestSupport.configuration, derivation: TestSupport.derivation)
        }
        // A torn tail is reported (still ok: the next open drops it).
        let jpath = dir.appendingPathComponent("journal")
        var j = Array(try Data(contentsOf: jpath))
        let bounds = frameBoundaries(j)
        try Data(j[0..<(j.count - 5)]).write(to: jpath)
        let torn = try Session.verify(at: dir, user: "aigerim", passphrase: "correct horse", configuration: TestSupport.configuration, derivation: TestSupport.derivation)
        #expect(torn.ok)
        #expect(torn.description.contains("interrupted last write"))
        // Damage in the middle is not ok, and says where.
        #expect(bounds.count == 3)
        j[bounds[0] + 40] ^= 0x20
        try Data(j).write(to: jpath)
        let bad = try Session.verify(at: dir, user: "aigerim", passphrase: "correct horse", configuration: TestSupport.configuration, derivation: TestSupport.derivation)
        #expect(!bad.ok)
        #expect(bad.description.contains("offset \(bounds[0])"), "\(bad)")
        #expect(throws: StoreError.self) { _ = try TestSupport.open(dir) }
    }

    /// Salvage copies every authenticated event into a new store that every user can open.
    @Test func salvageAfterMiddleDamage() throws {
        let dir = TestSupport.freshStore()
        let out = TestSupport.tempDirectory("salvage")
        defer { TestSupport.cleanup(dir); TestSupport.cleanup(out) }
        let s = try TestSupport.open(dir, user: "gulnara", passphrase: "psy one")
        var frames: [[EventID]] = []
        for i in 0..<5 {
            let e = [TestSupport.contact(s, n: i)]
            try s.save(e)
            frames.append(e.map(\.id))
        }
        let note = try s.sealNote("kept")
        let all = Set(try s.events().map(\.id))
        s.close()
        let jpath = dir.appendingPathComponent("journal")
        var j = Array(try Data(contentsOf: jpath))
        let bounds = frameBoundaries(j)
        // Damage the frame holding frames[2].
        let damaged = bounds.count - 1 - 5 + 2
        j[bounds[damaged] + 60] ^= 0x01
        try Data(j).write(to: jpath)
        #expect(throws: StoreError.self) { _ = try TestSupport.open(dir) }
        let target = out.appendingPathComponent("new")
        let report = try Session.salvage(from: dir, to: target, user: "dana", passphrase: "dana pass", configuration: TestSupport.configuration, derivation: TestSupport.derivation)
        #expect(report.events == all.count - 1)
        #expect(report.users == ["aigerim", "dana", "gulnara", "marat"])
        #expect(!report.skipped.isEmpty)
        #expect(try ids(target) == all.subtracting(frames[2]))
        let p = try TestSupport.open(target, user: "marat", passphrase: "psy two")
        #expect(try p.openNote(note) == "kept")
        p.close()
        #expect(throws: StoreError.alreadyExists(path: target.standardizedFileURL.path)) {
            _ = try Session.salvage(from: dir, to: target, user: "dana", passphrase: "dana pass", configuration: TestSupport.configuration, derivation: TestSupport.derivation)
        }
    }

    /// After rekey the old data key opens nothing; everyone left still gets in.
    @Test func rekeyAfterRemovingAUser() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        // What a departing worker could have kept: the data key and the keys file.
        let d = try TestSupport.open(dir, user: "dana", passphrase: "dana pass")
        let oldKeys = d.keys
        let oldKeysFile = try Data(contentsOf: dir.appendingPathComponent("keys"))
        d.close()
        let c = try TestSupport.open(dir)
        try c.removeUser(name: "dana")
        try c.rekey()
        let secret = TestSupport.contact(c, n: 1, note: "after rekey")
        try c.save([secret])
        let storeID = c.storeID, jid = c.manifest.journalID
        c.close()
        let j = Array(try Data(contentsOf: dir.appendingPathComponent("journal")))
        #expect(Journal.scan(j, key: oldKeys.journal, storeID: storeID, journalID: jid).frames.isEmpty)
        let snap = Array(try Data(contentsOf: dir.appendingPathComponent("snapshot")))
        #expect(throws: StoreError.self) { _ = try Snapshot.read(snap, key: oldKeys.snapshot, storeID: storeID) }
        let kf = try KeysFile.parse(Array(try Data(contentsOf: dir.appendingPathComponent("keys"))))
        #expect(throws: StoreError.self) { _ = try Session.openManifest(kf, dataKey: oldKeys.root) }
        #expect(throws: StoreError.wrongPassphrase) { _ = try TestSupport.open(dir, user: "dana", passphrase: "dana pass") }
        // Putting the old keys file back does not help with the new data either.
        try oldKeysFile.write(to: dir.appendingPathComponent("keys"))
        #expect(throws: StoreError.self) { _ = try TestSupport.open(dir, user: "dana", passphrase: "dana pass") }
        try Data(kf.serialize()).write(to: dir.appendingPathComponent("keys"))
        for (u, p, _) in TestSupport.users where u != "dana" {
            #expect(try ids(dir, u, p).contains(secret.id))
        }
    }
}

/// Test 10: known strings written through the store never appear in any file.
@Suite struct CanaryTests {

    func search(_ needles: [[UInt8]], in root: URL, skipLarger: Int = 64 << 20) -> [String] {
        var hits: [String] = []
        guard let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey],
                                                     options: [], errorHandler: { _, _ in true }) else { return [] }
        for case let u as URL in e {
            guard let v = try? u.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey]), v.isRegularFile == true,
                  (v.fileSize ?? 0) <= skipLarger, let d = try? Data(contentsOf: u) else { continue }
            for n in needles where d.range(of: Data(n)) != nil { hits.append(u.path) }
        }
        return hits
    }

    @Test func noPlaintextOnDisk() throws {
        let tag = UUID().uuidString.prefix(8)
        let canaries = ["CANARYNOTE\(tag)", "CANARYREF\(tag)", "CANARYCONF\(tag)", "Kanareika\(tag.prefix(4))", "CANARYLOCAL\(tag)"]
        let dir = TestSupport.freshStore()
        let out = TestSupport.tempDirectory("canary-backup")
        defer { TestSupport.cleanup(dir); TestSupport.cleanup(out) }
        let c = try TestSupport.open(dir)
        try c.addUser(name: canaries[3], role: .worker, passphrase: "canary pass")
        c.close()
        let s = try TestSupport.open(dir, user: "gulnara", passphrase: "psy one")
        try s.save([TestSupport.contact(s, n: 1, note: canaries[0])])
        let ctx = s.context()
        let ref = Event(id: ctx.id, at: ctx.at, author: ctx.author, device: ctx.device, site: ctx.site,
                        body: .referralIssued(ReferralIssue(client: UIC(normalised: "QWER190"), service: "hiv-test", note: canaries[1])))
        try s.save([ref])
        let n = s.context()
        try s.save([Event(id: n.id, at: n.at, author: n.author, device: n.device, site: n.site,
                          body: .referralNoteAdded(ConfidentialNote(referral: ref.id, sealed: try s.sealNote(canaries[2]))))])
        try s.setLocalValue("peer", Array(canaries[4].utf8))
        s.close()
        let k = try TestSupport.open(dir)
        try k.backup(to: out.appendingPathComponent("b.senim"))
        try k.compact()
        try k.save([TestSupport.contact(k, n: 2, note: canaries[0])])
        k.close()
        // The events are there…
        let t = try TestSupport.open(dir, user: "gulnara", passphrase: "psy one")
        #expect(t.ledger.contactNotes.values.contains(canaries[0]))
        t.close()
        // …but no file in the store, the backup, or the temp directory holds any of these.
        let needles = canaries.map { Array($0.utf8) }
        #expect(search(needles, in: dir).isEmpty)
        #expect(search(needles, in: out).isEmpty)
        #expect(search(needles, in: FileManager.default.temporaryDirectory).isEmpty)
        // Names, roles, sites, items and codes are not in the store files either.
        let words = ["aigerim", "gulnara", "coordinator", "psychologist", TestSupport.point, "syringe-2ml", "QWER190", "hiv-test"]
        let hits = search(words.map { Array($0.utf8) }, in: dir) + search(words.map { Array($0.utf8) }, in: out)
        #expect(hits.isEmpty, "\(hits)")
    }
}
