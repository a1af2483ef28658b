import Crypto
import Foundation
import SenimCore
@testable import SenimStore
import Testing

/// Who can reach the confidential-notes key: explicit grants only, one-time passphrases,
/// the last holder, rotation at rekey, and notes across sites.
@Suite struct NotesAccessTests {
    /// A referral and a confidential note on it, written by `s` (a psychologist holding the key).
    static func note(_ s: Session, _ text: String) throws -> (referral: EventID, sealed: [UInt8]) {
        let ctx = s.context()
        let ref = Event(id: ctx.id, at: ctx.at, author: ctx.author, device: ctx.device, site: ctx.site,
                        body: .referralIssued(ReferralIssue(client: UIC(normalised: "QWER190"), service: "peer-psychologist", note: nil)))
        try s.save([ref])
        let n = s.context()
        let sealed = try s.sealNote(text)
        try s.save([Event(id: n.id, at: n.at, author: n.author, device: n.device, site: n.site,
                          body: .referralNoteAdded(ConfidentialNote(referral: ref.id, sealed: sealed)))])
        return (ref.id, sealed)
    }

    /// Every note's text that `s` can reach, through the ledger (what any screen would use).
    static func readable(_ s: Session) -> [String] {
        s.ledger.referralList.flatMap(\.confidentialNotes).compactMap { try? s.openNote($0.sealed) }
    }

    @Test("A coordinator who creates a psychologist (and knows the passphrase) reaches no note until a holder grants")
    func coordinatorCreatesAPsychologist() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let g = try TestSupport.open(dir, user: "gulnara", passphrase: "psy one")
        _ = try Self.note(g, "canary: she relapsed after the raid")
        g.close()
        // The attack: the coordinator adds "evil" as a psychologist with a passphrase they chose…
        let c = try TestSupport.open(dir)
        try c.addUser(name: "evil", role: .psychologist, passphrase: "coordinator knows this")
        c.close()
        // …signs in as evil: a one-time passphrase gives nothing before a new one is chosen…
        let e1 = try TestSupport.open(dir, user: "evil", passphrase: "coordinator knows this")
        #expect(e1.mustChangePassphrase)
        #expect(throws: StoreError.notAllowed(Message("store.passphrase.mustChange"))) { _ = try e1.openNote([1]) }
        try e1.changePassphrase(from: "coordinator knows this", to: "still the coordinator")
        e1.close()
        // …and every real psychologist opens the store and works, as they do every day.
        for (u, p) in [("gulnara", "psy one"), ("marat", "psy two")] {
            let s = try TestSupport.open(dir, user: u, passphrase: p)
            #expect(s.notices.contains { $0.key == "store.notice.notesWaiting" && $0.args.first == "evil" })
            _ = try s.sealNote("another note by \(u)")
            s.close()
        }
        // Nothing reached evil: no grant in the keys file, no key in the session, no note readable.
        let e2 = try TestSupport.open(dir, user: "evil", passphrase: "still the coordinator")
        #expect(!e2.holdsNotesKey && e2.notesReadKeys.isEmpty)
        #expect(Slot.grant(e2.keysFile.slots[e2.slotIndex], kind: .notes, privateKey: e2.privateKey, storeID: e2.storeID) == nil)
        #expect(Self.readable(e2).isEmpty)
        #expect(throws: StoreError.notAllowed(Message("store.notes.noKey"))) { _ = try e2.sealNote("x") }
        // A non-holder cannot grant either (not to itself, not to anyone).
        #expect(throws: StoreError.notAllowed(Message("store.notes.noKey"))) { try e2.grantNotes(to: "evil") }
        e2.close()
        // Only an explicit grant by a holder opens the notes to the account.
        let g2 = try TestSupport.open(dir, user: "gulnara", passphrase: "psy one")
        let evil = try #require(try g2.notesAccounts().first { $0.name == "evil" })
        #expect(!evil.holdsKey && evil.createdBy == "aigerim" && evil.createdAt > 0)
        try g2.grantNotes(to: "evil")
        g2.close()
        let e3 = try TestSupport.open(dir, user: "evil", passphrase: "still the coordinator")
        #expect(Self.readable(e3) == ["canary: she relapsed after the raid"])
        e3.close()
    }

    @Test("A holder cannot grant to an account still on its one-time passphrase, nor to a non-psychologist")
    func grantRules() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let c = try TestSupport.open(dir)
        try c.addUser(name: "saule", role: .psychologist, passphrase: "one time")
        c.close()
        let g = try TestSupport.open(dir, user: "gulnara", passphrase: "psy one")
        #expect(throws: StoreError.notAllowed(Message("store.notes.oneTime", "saule"))) { try g.grantNotes(to: "saule") }
        #expect(throws: StoreError.invalid(Message("store.notes.notPsychologist", "dana"))) { try g.grantNotes(to: "dana") }
        #expect(throws: StoreError.invalid(Message("store.notes.alreadyHolds", "marat"))) { try g.grantNotes(to: "marat") }
        // The fingerprint shown to the holder is the one the new user sees from their own key.
        let shown = try #require(try g.notesAccounts().first { $0.name == "saule" }).fingerprint
        g.close()
        let s = try TestSupport.open(dir, user: "saule", passphrase: "one time")
        #expect(s.keyFingerprint == shown)
        #expect(shown.count == 19 && shown.split(separator: "-").count == 4)
        s.close()
    }

    @Test("Changing a passphrase needs the current one; a one-time passphrase cannot be kept")
    func passphraseChangeNeedsCurrent() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let d = try TestSupport.open(dir, user: "dana", passphrase: "dana pass")
        #expect(throws: StoreError.notAllowed(Message("store.passphrase.currentWrong"))) {
            try d.changePassphrase(from: "not my pass", to: "taken over")
        }
        d.close()
        #expect(throws: StoreError.wrongPassphrase) { _ = try TestSupport.open(dir, user: "dana", passphrase: "taken over") }
        try TestSupport.open(dir, user: "dana", passphrase: "dana pass").close()
        let c = try TestSupport.open(dir)
        try c.addUser(name: "saule", role: .worker, passphrase: "one time")
        c.close()
        let s = try TestSupport.open(dir, user: "saule", passphrase: "one time")
        #expect(throws: StoreError.invalid(Message("store.passphrase.same"))) { try s.changePassphrase(from: "one time", to: "one time") }
        try s.changePassphrase(from: "one time", to: "saule chose this")
        s.close()
        let again = try TestSupport.open(dir, user: "saule", passphrase: "saule chose this")
        #expect(!again.mustChangePassphrase)
        again.close()
    }

    @Test("Removing or resetting the last holder is refused without force; reset takes notes access away")
    func lastHolder() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let g = try TestSupport.open(dir, user: "gulnara", passphrase: "psy one")
        let n = try Self.note(g, "kept for later")
        g.close()
        let c = try TestSupport.open(dir)
        #expect(!c.wouldLoseLastNotesHolder("marat"))
        // Reset marat: a one-time passphrase, and the notes key is gone until granted again.
        try c.resetPassphrase(name: "marat", to: "marat one time")
        #expect(c.wouldLoseLastNotesHolder("gulnara"))
        #expect(throws: StoreError.notAllowed(Message("store.notes.lastHolder", "gulnara"))) { try c.removeUser(name: "gulnara") }
        #expect(throws: StoreError.notAllowed(Message("store.notes.lastHolder", "gulnara"))) {
            try c.resetPassphrase(name: "gulnara", to: "x one time")
        }
        #expect(c.users().map(\.name).contains("gulnara"))
        c.close()
        let m = try TestSupport.open(dir, user: "marat", passphrase: "marat one time")
        #expect(m.mustChangePassphrase)
        try m.changePassphrase(from: "marat one time", to: "marat new own")
        #expect(throws: StoreError.notAllowed(Message("store.notes.noKey"))) { _ = try m.openNote(n.sealed) }
        m.close()
        #expect(throws: StoreError.wrongPassphrase) { _ = try TestSupport.open(dir, user: "marat", passphrase: "psy two") }
        // Confirmed removal of the last holder goes through; nobody can read the note any more.
        let c2 = try TestSupport.open(dir)
        try c2.removeUser(name: "gulnara", force: true)
        c2.close()
        let m2 = try TestSupport.open(dir, user: "marat", passphrase: "marat new own")
        #expect(throws: StoreError.notAllowed(Message("store.notes.noKey"))) { _ = try m2.openNote(n.sealed) }
        // With no holder left, the next note starts a new key (and says so).
        _ = try m2.sealNote("fresh start")
        #expect(m2.notices.contains { $0.key == "store.notice.notesNewKey" })
        #expect(throws: StoreError.notAllowed(Message("store.notes.otherKey"))) { _ = try m2.openNote(n.sealed) }
        m2.close()
    }

    @Test("rekey rotates the data key and the notes key; old notes stay readable, a removed holder's key opens nothing new")
    func rekeyRotatesBothKeys() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let g = try TestSupport.open(dir, user: "gulnara", passphrase: "psy one")
        let before = try Self.note(g, "before the rekey")
        let oldNotesKey = try #require(g.notesKey)
        g.close()
        // What the departing psychologist could have kept.
        let leaving = try TestSupport.open(dir, user: "marat", passphrase: "psy two")
        let keptNotesKey = try #require(leaving.notesKey)
        leaving.close()
        let c = try TestSupport.open(dir)
        let oldData = Primitives.bytes(c.keys.root)
        try c.removeUser(name: "marat")
        try c.rekey()
        #expect(Primitives.bytes(c.keys.root) != oldData)
        #expect(c.manifest.notesRotation)
        c.close()
        let g2 = try TestSupport.open(dir, user: "gulnara", passphrase: "psy one")
        let after = try Self.note(g2, "after the rekey")
        #expect(g2.notices.contains { $0.key == "store.notice.notesRotated" })
        let newNotesKey = try #require(g2.notesKey)
        #expect(Session.notesKeyID(newNotesKey) != Session.notesKeyID(oldNotesKey))
        #expect(Array(after.sealed[1..<9]) == Session.notesKeyID(newNotesKey))
        #expect(try g2.openNote(before.sealed) == "before the rekey")
        #expect(try g2.openNote(after.sealed) == "after the rekey")
        #expect(!g2.manifest.notesRotation)
        g2.close()
        // The old notes key (kept by marat) opens the old note, not the new one.
        #expect(Array(after.sealed[1..<9]) != Session.notesKeyID(keptNotesKey))
        #expect(Primitives.open(after.sealed[21...], nonce: after.sealed[9..<21], key: keptNotesKey,
                                ad: Array("SENIM-NOTE-1".utf8) + Array(after.sealed[1..<9])) == nil)
        // Reopening keeps both readable (the keyring persists).
        let g3 = try TestSupport.open(dir, user: "gulnara", passphrase: "psy one")
        #expect(Set(Self.readable(g3)) == ["before the rekey", "after the rekey"])
        g3.close()
    }

    @Test("A coordinator rewriting a holder's public key in the manifest does not get the rotated key")
    func rotationIgnoresForgedDirectory() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        let c = try TestSupport.open(dir)
        // The coordinator (who holds the data key) swaps marat's public key for one of its own.
        let forged = Curve25519.KeyAgreement.PrivateKey()
        var m = c.manifest
        let i = try #require(m.directory.firstIndex { $0.name == "marat" })
        m.directory[i].publicKey = Array(forged.publicKey.rawRepresentation)
        var kf = c.keysFile
        kf.seal(m, key: c.keys.manifest)
        try c.commit(kf, files: [])
        c.manifest = m
        try c.rekey()
        c.close()
        let g = try TestSupport.open(dir, user: "gulnara", passphrase: "psy one")
        _ = try g.sealNote("after rotation")
        #expect(g.notices.contains { $0.key == "store.notice.notesRotated" })
        let slot = g.keysFile.slots[g.manifest.directory[i].slot]
        #expect(Slot.grant(slot, kind: .notes, privateKey: forged, storeID: g.storeID) == nil)
        g.close()
    }

    @Test("Notes written at site A are read by a psychologist at store B after sync, and by no one else there")
    func notesAcrossSites() throws {
        let a = TestSupport.tempDirectory("notes-site-a"), b = TestSupport.tempDirectory("notes-site-b")
        defer { TestSupport.cleanup(a); TestSupport.cleanup(b) }
        func make(_ dir: URL, point: String, coordinator: String, psychologist: String, worker: String) throws {
            let s = try Session.create(at: dir, user: coordinator, passphrase: "pass \(coordinator)", point: point,
                                       configuration: TestSupport.configuration, kdf: TestSupport.kdf, derivation: TestSupport.derivation)
            try s.addUser(name: psychologist, role: .psychologist, passphrase: "pass \(psychologist)", oneTime: false)
            try s.addUser(name: worker, role: .worker, passphrase: "pass \(worker)", oneTime: false)
            s.close()
        }
        func open(_ dir: URL, _ user: String) throws -> Session {
            try Session.open(at: dir, user: user, passphrase: "pass \(user)", configuration: TestSupport.configuration, derivation: TestSupport.derivation)
        }
        try make(a, point: "temirtau", coordinator: "asel", psychologist: "pa", worker: "wa")
        try make(b, point: "almaty-central", coordinator: "bolat", psychologist: "pb", worker: "wb")
        // Each store's psychologist starts their own notes key.
        let pb0 = try open(b, "pb")
        _ = try pb0.startNotesKey()
        let lineB = try pb0.notesExchangeIdentity()
        pb0.close()
        // At A: a note, then the share to B's exchange key (fingerprint compared by voice).
        let pa = try open(a, "pa")
        let n = try Self.note(pa, "canary across sites")
        #expect(try Session.parseExchangeLine(lineB.line).fingerprint == lineB.fingerprint)
        let share = try pa.shareNotesKeys(to: lineB.line)
        #expect(throws: StoreError.invalid(Message("store.notes.shareSelf"))) { _ = try pa.shareNotesKeys(to: try pa.notesExchangeIdentity().line) }
        pa.close()
        // Sync A → B with bundles, as the coordinators do.
        let ca = try open(a, "asel"), cb = try open(b, "bolat")
        let ea = SyncEngine(store: ca), eb = SyncEngine(store: cb)
        try ea.trust(name: "hub", key: try eb.identityLine())
        try eb.trust(name: "temirtau", key: try ea.identityLine())
        let bundle = try ea.export(to: "hub", mode: .all)
        _ = try eb.importBundle(bundle.bytes)
        #expect(cb.ledger.referrals[n.referral]?.confidentialNotes.count == 1)
        // The coordinator at B cannot open the share (it is not for the data key) nor the note.
        #expect(throws: StoreError.notAllowed(Message("policy.denied", "coordinator", "readConfidentialNotes"))) { try cb.acceptNotesShare(share) }
        #expect(Self.readable(cb).isEmpty)
        ca.close(); cb.close()
        // B's psychologist accepts the share: the note written at A is readable at B.
        let pb = try open(b, "pb")
        #expect(try pb.acceptNotesShare(share) == 1)
        #expect(try pb.acceptNotesShare(share) == 0)
        #expect(Self.readable(pb) == ["canary across sites"])
        pb.close()
        // Nobody else at B: the worker, the coordinator, and a second psychologist without a grant.
        let cb2 = try open(b, "bolat")
        try cb2.addUser(name: "pb2", role: .psychologist, passphrase: "pass pb2", oneTime: false)
        #expect(Self.readable(cb2).isEmpty)
        cb2.close()
        for u in ["wb", "pb2"] {
            let s = try open(b, u)
            #expect(Self.readable(s).isEmpty, "\(u)")
            s.close()
        }
        // A share made for B is refused at A's own exchange key, and damaged bytes are refused.
        let pa2 = try open(a, "pa")
        #expect(throws: StoreError.invalid(Message("store.notes.badShare"))) { try pa2.acceptNotesShare(share) }
        var bad = share
        bad[bad.count - 1] ^= 1
        pa2.close()
        let pb3 = try open(b, "pb")
        #expect(throws: StoreError.invalid(Message("store.notes.badShare"))) { try pb3.acceptNotesShare(bad) }
        #expect(throws: StoreError.invalid(Message("store.notes.badShare"))) { try pb3.acceptNotesShare(Array(share.prefix(40))) }
        #expect(throws: StoreError.invalid(Message("store.notes.badExchangeLine"))) { _ = try pb3.shareNotesKeys(to: "senimnotes1:AAAA") }
        pb3.close()
    }

    @Test("Stores whose manifest is version 1 still open; the next keys change writes version 2")
    func manifestVersionOne() throws {
        let m = Manifest(device: DeviceID(7), snapshotID: Manifest.none, journalID: Array(repeating: 1, count: 16), created: 5,
                         notesKeyID: Manifest.none,
                         directory: [Manifest.Entry(slot: 3, name: "a", role: .psychologist, publicKey: Array(repeating: 2, count: 32),
                                                    hasNotesGrant: true)], pending: [])
        // A version-1 encoding, byte for byte as the old writer made it.
        var w = ByteWriter()
        w.u8(1); w.u64(7); w.raw(Manifest.none); w.raw(Array(repeating: 1, count: 16)); w.u64(5); w.raw(Manifest.none)
        w.varint(1); w.u8(3); w.string("a"); w.u8(2); w.raw(Array(repeating: 2, count: 32)); w.u8(1)
        w.varint(0)
        #expect(try Manifest.decode(w.bytes) == m)
        var v2 = m
        v2.directory[0].oneTimePassphrase = true
        v2.directory[0].createdBy = "bolat"
        v2.directory[0].createdAt = 1_700_000_000
        v2.notesRotation = true
        v2.notesKeyring = [1, 2, 3]
        #expect(try Manifest.decode(v2.encode()) == v2)
        // A version-2 encoding (no sync identity field) still reads, with no sealed identity.
        var old2 = v2.encode()
        #expect(old2[0] == 3 && old2.last == 0)
        old2[0] = 2
        old2.removeLast()
        #expect(try Manifest.decode(old2) == v2)
        var v3 = v2
        v3.syncIdentity = [9, 8, 7]
        #expect(try Manifest.decode(v3.encode()) == v3)
        var future = v2.encode()
        future[0] = 4
        #expect(throws: FormatError.self) { _ = try Manifest.decode(future) }
    }
}
