import Crypto
import Foundation
import SenimCore
import Testing
@testable import SenimStore

/// The sync identity is sealed to coordinators' keys (`SyncSeal` in the manifest): a worker's
/// session, which holds the shared data key, cannot obtain the private keys and so cannot sign a
/// bundle as this store; user changes by a holder re-seal; stores from before are migrated.
@Suite(.serialized) struct SyncIdentitySealTests {

    /// A store with coordinator `aigerim` (the template's user) and worker `wk`.
    func storeWithWorker() throws -> (URL, Session) {
        let dir = TestSupport.freshStore()
        let s = try TestSupport.open(dir)
        try s.addUser(name: "wk", role: .worker, passphrase: "worker pass", kdf: TestSupport.kdf, oneTime: false)
        return (dir, s)
    }

    /// Every secret a session with the data key can decrypt: the manifest, the journal and the
    /// snapshot contents, serialised.
    func everythingReadable(_ s: Session) throws -> [UInt8] {
        let c = try s.allContents()
        var all = s.manifest.encode()
        for (k, v) in c.local { all += Array(k.utf8) + v }
        for e in c.events { all += EventCodec.encode(e) }
        return all
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= hay.count else { return false }
        return hay.indices.dropLast(needle.count - 1).contains { Array(hay[$0..<$0 + needle.count]) == needle }
    }

    @Test func aWorkersSessionCannotObtainTheSigningKey() throws {
        let (dir, s) = try storeWithWorker()
        defer { TestSupport.cleanup(dir) }
        let line = try SyncEngine(store: s).identityLine()
        let identity = try #require(try s.syncIdentity())
        s.close()
        let w = try TestSupport.open(dir, user: "wk", passphrase: "worker pass")
        defer { w.close() }
        #expect(throws: SyncError.coordinatorsOnly) { _ = try w.syncIdentity() }
        let e = SyncEngine(store: w)
        #expect(throws: SyncError.coordinatorsOnly) { _ = try e.export(to: "anyone", mode: .all) }
        // The public line is for everyone.
        #expect(try e.identityLine() == line)
        // With the worker's own private key the seal does not open ...
        let seal = try #require(try w.parsedSyncSeal())
        #expect(seal.open(privateKey: w.privateKey, storeID: w.storeID) == nil)
        // ... and nothing the data key decrypts holds either private key.
        let readable = try everythingReadable(w)
        #expect(!Self.contains(readable, Array(identity.signingKey.rawRepresentation)))
        #expect(!Self.contains(readable, Array(identity.agreementKey.rawRepresentation)))
    }

    @Test func aCoordinatorsSessionSignsWithIt() throws {
        let (dir, s) = try storeWithWorker()
        defer { s.close(); TestSupport.cleanup(dir) }
        let e = SyncEngine(store: s)
        let line = try e.identityLine()
        let peer = SyncIdentity()
        try e.trust(name: "hub", key: peer.publicLine)
        let b = try e.export(to: "hub", mode: .all)
        let opened = try SyncBundle.open(b.bytes, recipient: peer, trusted: ["laptop": try PeerKey.parse(line)])
        #expect(opened.sender == "laptop")
        #expect(s.syncIdentityHolders() == ["aigerim"])
        // Reopened, the same identity (sealed in the keys file, not remade).
        s.close()
        let again = try TestSupport.open(dir)
        defer { again.close() }
        #expect(try SyncEngine(store: again).identityLine() == line)
    }

    @Test func addingAndRemovingACoordinatorReseals() throws {
        let (dir, s) = try storeWithWorker()
        defer { TestSupport.cleanup(dir) }
        let identity = try SyncEngine(store: s).identity()
        try s.addUser(name: "bolat", role: .coordinator, passphrase: "bolat pass", kdf: TestSupport.kdf, oneTime: false)
        #expect(s.syncIdentityHolders() == ["aigerim", "bolat"])
        s.close()
        let b = try TestSupport.open(dir, user: "bolat", passphrase: "bolat pass")
        #expect(try b.syncIdentity()?.serialized == identity.serialized)
        let bolatKey = b.privateKey
        b.close()
        let a = try TestSupport.open(dir)
        defer { a.close() }
        try a.removeUser(name: "bolat")
        #expect(a.syncIdentityHolders() == ["aigerim"])
        let seal = try #require(try a.parsedSyncSeal())
        #expect(seal.open(privateKey: bolatKey, storeID: a.storeID) == nil)
        #expect(try a.syncIdentity()?.serialized == identity.serialized)
    }

    @Test func resettingACoordinatorResealsToTheNewKey() throws {
        let (dir, s) = try storeWithWorker()
        defer { TestSupport.cleanup(dir) }
        let identity = try SyncEngine(store: s).identity()
        try s.addUser(name: "bolat", role: .coordinator, passphrase: "bolat pass", kdf: TestSupport.kdf, oneTime: false)
        try s.resetPassphrase(name: "bolat", to: "bolat again", kdf: TestSupport.kdf)
        s.close()
        let b = try TestSupport.open(dir, user: "bolat", passphrase: "bolat again")
        defer { b.close() }
        #expect(try b.syncIdentity()?.serialized == identity.serialized)
    }

    /// A worker with a modified build and the data key can rewrite the manifest's directory
    /// (a "coordinator" entry with a key of their own); a coordinator's next re-seal does not
    /// hand them the identity: the holders are listed inside the seal.
    @Test func aPlantedCoordinatorEntryGetsNoSeal() throws {
        let (dir, s) = try storeWithWorker()
        defer { s.close(); TestSupport.cleanup(dir) }
        _ = try SyncEngine(store: s).identity()
        let evil = Curve25519.KeyAgreement.PrivateKey()
        let free = Set(0..<KeysFile.maxSlots).subtracting(s.manifest.directory.map(\.slot)).sorted()
        s.manifest.directory.append(Manifest.Entry(slot: free[0], name: "evil", role: .coordinator,
                                                   publicKey: Array(evil.publicKey.rawRepresentation), hasNotesGrant: false))
        try s.addUser(name: "bolat", role: .coordinator, passphrase: "bolat pass", kdf: TestSupport.kdf, oneTime: false)
        let seal = try #require(try s.parsedSyncSeal())
        #expect(seal.open(privateKey: evil, storeID: s.storeID) == nil)
        #expect(!seal.hasGrant(Array(evil.publicKey.rawRepresentation)))
        #expect(s.syncIdentityHolders() == ["aigerim", "bolat"])
    }

    /// A coordinator added by a coordinator who does not hold the identity is told they cannot
    /// sign yet, and gets the specific error.
    @Test func aCoordinatorWithoutASealGetsASpecificError() throws {
        let (dir, s) = try storeWithWorker()
        defer { TestSupport.cleanup(dir) }
        _ = try SyncEngine(store: s).identity()
        // bolat is added by a modified build that skips the re-seal (the manifest rewritten by hand).
        try s.addUser(name: "bolat", role: .coordinator, passphrase: "bolat pass", kdf: TestSupport.kdf, oneTime: false)
        var m = s.manifest
        let holders = [SyncSeal.Holder(name: "aigerim", publicKey: Array(s.privateKey.publicKey.rawRepresentation))]
        m.syncIdentity = SyncSeal.make(try #require(try s.syncIdentity()), holders: holders, storeID: s.storeID)
        var kf = s.keysFile
        kf.seal(m, key: s.keys.manifest)
        try s.commit(kf, files: [])
        s.manifest = m
        s.close()
        let b = try TestSupport.open(dir, user: "bolat", passphrase: "bolat pass")
        defer { b.close() }
        #expect(throws: SyncError.noSyncGrant) { _ = try SyncEngine(store: b).export(to: "x", mode: .all) }
        // Adding another coordinator from bolat's session cannot seal it either: they are told.
        try b.addUser(name: "chingiz", role: .coordinator, passphrase: "chingiz pass", kdf: TestSupport.kdf, oneTime: false)
        #expect(b.notices.contains(Message("store.notice.syncNotSealed", "chingiz")))
    }

    /// A store from before the sealing kept the identity in a local value anyone with the data
    /// key reads. It still opens for everyone; the first coordinator who opens it for writing
    /// seals it, removes the value and compacts it out of the journal. Read-only sessions and
    /// workers change nothing.
    @Test func aStoreFromBeforeOpensAndMigrates() throws {
        let (dir, s) = try storeWithWorker()
        defer { TestSupport.cleanup(dir) }
        let legacy = SyncIdentity()
        // As the old engine wrote it: a store-local value, no seal in the manifest.
        try s.setLocalValue(Session.legacySyncIdentityKey, legacy.serialized)
        #expect(s.manifest.syncIdentity.isEmpty)
        s.close()

        // A worker opens it: sees the public line, cannot sign, and migrates nothing.
        let before = storeFileHashes(dir)
        let w = try TestSupport.open(dir, user: "wk", passphrase: "worker pass")
        #expect(try SyncEngine(store: w).identityLine() == legacy.publicLine)
        #expect(throws: SyncError.coordinatorsOnly) { _ = try SyncEngine(store: w).export(to: "x", mode: .all) }
        w.close()
        #expect(storeFileHashes(dir) == before)

        // A coordinator's read-only session uses it where it is and writes nothing.
        let r = try Session.open(at: dir, user: "aigerim", passphrase: "correct horse", configuration: TestSupport.configuration,
                                 readOnly: true, derivation: TestSupport.derivation)
        #expect(try r.syncIdentity()?.serialized == legacy.serialized)
        r.close()
        #expect(storeFileHashes(dir) == before)

        // A coordinator opens it for writing: sealed, same identity, value gone from every file.
        let c = try TestSupport.open(dir)
        #expect(c.notices.contains { $0.key == "store.notice.syncSealed" })
        #expect(!c.manifest.syncIdentity.isEmpty)
        #expect(c.localValue(Session.legacySyncIdentityKey) == nil)
        #expect(try c.syncIdentity()?.serialized == legacy.serialized)
        #expect(try SyncEngine(store: c).identityLine() == legacy.publicLine)
        #expect(c.syncIdentityHolders() == ["aigerim"])
        c.close()
        let w2 = try TestSupport.open(dir, user: "wk", passphrase: "worker pass")
        defer { w2.close() }
        let readable = try everythingReadable(w2)
        #expect(!Self.contains(readable, Array(legacy.signingKey.rawRepresentation)))
        #expect(try SyncEngine(store: w2).identityLine() == legacy.publicLine)
    }

    /// `sync identity --new`: a fresh identity sealed to the same holders; the old line no
    /// longer speaks for this store; only a coordinator holding it can do it.
    @Test func renewingTheIdentity() throws {
        let (dir, s) = try storeWithWorker()
        defer { TestSupport.cleanup(dir) }
        let e = SyncEngine(store: s)
        let old = try e.identityLine()
        try s.addUser(name: "bolat", role: .coordinator, passphrase: "bolat pass", kdf: TestSupport.kdf, oneTime: false)
        let peer = SyncEngine(store: MemorySyncStore(point: "temirtau"))
        try peer.trust(name: "laptop", key: old)
        try e.trust(name: "hub", key: try peer.identityLine())
        let new = try e.renewIdentity()
        let now = try e.identityLine()
        #expect(new != old && now == new)
        #expect(s.syncIdentityHolders() == ["aigerim", "bolat"])
        // A bundle signed with the new key is not from the peer's "laptop" any more.
        let b = try e.export(to: "hub", mode: .all)
        #expect(throws: SyncError.untrustedSender(fingerprint: try PeerKey.parse(new).fingerprint)) { _ = try peer.importBundle(b.bytes) }
        try peer.untrust(name: "laptop")
        try peer.trust(name: "laptop", key: new)
        #expect(try peer.importBundle(b.bytes).peer == "laptop")
        s.close()
        let w = try TestSupport.open(dir, user: "wk", passphrase: "worker pass")
        defer { w.close() }
        #expect(throws: SyncError.denied(role: .worker, action: .sync)) { _ = try SyncEngine(store: w).renewIdentity() }
        #expect(try SyncEngine(store: w).identityLine() == new)
    }

    /// The seal's layout is checked: damaged bytes are refused as damaged metadata, never trap.
    @Test func aDamagedSealIsRefused() throws {
        let identity = SyncIdentity()
        let key = Curve25519.KeyAgreement.PrivateKey()
        let storeID = Array(repeating: UInt8(3), count: 16)
        let good = SyncSeal.make(identity, holders: [SyncSeal.Holder(name: "a", publicKey: Array(key.publicKey.rawRepresentation))],
                                 storeID: storeID)
        #expect(try SyncSeal.parse(good).open(privateKey: key, storeID: storeID)?.identity.serialized == identity.serialized)
        #expect(try SyncSeal.parse(good).open(privateKey: key, storeID: Array(repeating: 4, count: 16)) == nil)
        for i in stride(from: 0, to: good.count, by: 7) {
            var bad = good
            bad[i] ^= 0x41
            if let seal = try? SyncSeal.parse(bad) {
                // Parsing may succeed (a flipped public key byte still parses as some key) but it
                // never opens to a different identity.
                if let opened = seal.open(privateKey: key, storeID: storeID) {
                    #expect(opened.identity.serialized == identity.serialized)
                }
            }
        }
        #expect(throws: FormatError.self) { _ = try SyncSeal.parse(Array(good.prefix(40))) }
        #expect(throws: FormatError.self) { _ = try SyncSeal.parse(good + [0]) }
    }
}
