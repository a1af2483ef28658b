import Foundation
import SenimCore
@testable import SenimStore
import Testing

/// Sync between two real encrypted stores (`Session`), through files' worth of bytes.
@Suite struct SyncSessionTests {
    /// Creates a store at `point` whose first user (a coordinator) is `user`.
    static func store(_ tag: String, point: String, user: String) throws -> (URL, Session) {
        let dir = TestSupport.tempDirectory(tag)
        let s = try Session.create(at: dir, user: user, passphrase: "pass \(user)", point: point,
                                   configuration: TestSupport.configuration, kdf: TestSupport.kdf, derivation: TestSupport.derivation)
        return (dir, s)
    }

    static func reopen(_ dir: URL, user: String) throws -> Session {
        try Session.open(at: dir, user: user, passphrase: "pass \(user)", configuration: TestSupport.configuration, derivation: TestSupport.derivation)
    }

    static func contact(_ s: Session, _ code: String, note: String) throws -> [Event] {
        let l = s.ledger
        return try s.validator.contact(Validator.ContactInput(client: code, items: [("syringe-2ml", 10)], note: note),
                                       ctx: s.context(), known: { l.clientIndex[$0] != nil }, nearDuplicates: { _ in [] },
                                       newClient: l.clientIndex[UIC(normalised: code)] == nil)
    }

    @Test("Two encrypted stores exchange bundles; state and sync metadata survive reopening")
    func twoStores() throws {
        let (hubDir, hub) = try Self.store("sync-hub", point: "almaty-central", user: "gulnara")
        let (lapDir, laptop) = try Self.store("sync-laptop", point: "temirtau", user: "dana")
        defer { TestSupport.cleanup(hubDir); TestSupport.cleanup(lapDir) }
        let eh = SyncEngine(store: hub), el = SyncEngine(store: laptop)
        try eh.trust(name: "temirtau-laptop", key: try el.identityLine())
        try el.trust(name: "hub", key: try eh.identityLine())

        try laptop.save(try Self.contact(laptop, "MAIV185", note: "canary-note-temirtau"))
        try laptop.save(try Self.contact(laptop, "ASKE290", note: "second visit"))
        try hub.save([try hub.validator.receive(item: "naloxone", quantity: 40, lot: nil, expires: nil, ctx: hub.context())])

        var file: [UInt8] = []
        let sent = try el.export(to: "hub", mode: .sinceLast) { file = $0 }
        // The first user's userAdded, two registrations, two contacts.
        #expect(sent.eventCount == 5 && laptop.eventCount == 5)
        // Nothing readable in the bundle: no code, note, site or user name.
        for canary in ["MAIV185", "canary-note", "temirtau", "dana", "syringe"] {
            let needle = Array(canary.utf8)
            #expect(!file.indices.dropLast(needle.count).contains { Array(file[$0..<$0 + needle.count]) == needle }, "\(canary)")
        }
        let s = try eh.importBundle(file) { _, _ in }
        #expect(s.peer == "temirtau-laptop" && s.eventsNew == 5 && s.clientsNew == 2)
        #expect(hub.ledger.client(UIC(normalised: "MAIV185")) != nil)
        hub.close()

        // Reopened: the events, the trust list and the replay record are still there.
        let hub2 = try Self.reopen(hubDir, user: "gulnara")
        defer { hub2.close() }
        let eh2 = SyncEngine(store: hub2)
        #expect(hub2.ledger.clients.count == 2 && hub2.eventCount == 7)
        #expect(throws: SyncError.alreadyImported(peer: "temirtau-laptop", sequence: 1)) { try eh2.importBundle(file) }
        #expect(try eh2.peers().first?.bundlesImported == 1)

        // And back: the laptop gets the hub's events, not its own contacts again.
        let back = try eh2.export(to: "temirtau-laptop", mode: .sinceLast)
        #expect(back.eventCount == 2)   // the hub's userAdded and its stock receipt
        let r = try el.importBundle(back.bytes)
        #expect(r.eventsNew == 2 && laptop.eventCount == 7)
        #expect(LedgerStateDigestMatch.same(hub2.ledger, laptop.ledger))
        laptop.close()
    }

    @Test("The sync identity's private keys are not in any store file in clear")
    func privateKeysEncrypted() throws {
        let (dir, s) = try Self.store("sync-keys", point: "almaty-central", user: "gulnara")
        defer { TestSupport.cleanup(dir) }
        let e = SyncEngine(store: s)
        _ = try e.identityLine()
        let secret = Array(try #require(try s.syncIdentity()).serialized.dropFirst(4))
        #expect(s.localValue(SyncEngine.identityKey) == nil)
        s.close()
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            let bytes = Array((try? Data(contentsOf: dir.appendingPathComponent(name))) ?? Data())
            for key in [Array(secret[0..<32]), Array(secret[32..<64])] {
                #expect(!bytes.indices.dropLast(31).contains { Array(bytes[$0..<$0 + 32]) == key }, "\(name)")
            }
        }
    }

    @Test("A worker's session can neither sign (export) nor import")
    func workerSession() throws {
        let (dir, s) = try Self.store("sync-worker", point: "almaty-mobile", user: "gulnara")
        defer { TestSupport.cleanup(dir) }
        let hub = SyncIdentity()
        try SyncEngine(store: s).trust(name: "hub", key: hub.publicLine)
        try s.addUser(name: "aigerim", role: .worker, passphrase: "pass aigerim", kdf: TestSupport.kdf)
        s.close()
        let w = try Self.reopen(dir, user: "aigerim")
        defer { w.close() }
        let e = SyncEngine(store: w)
        #expect(throws: SyncError.coordinatorsOnly) { _ = try e.export(to: "hub", mode: .all) }
        #expect(try e.identityLine().hasPrefix("senim1:"))
        #expect(throws: SyncError.denied(role: .worker, action: .sync)) { try e.importBundle(Array(repeating: 7, count: 300)) }
        #expect(throws: SyncError.denied(role: .worker, action: .sync)) { try e.trust(name: "x", key: SyncIdentity().publicLine) }
    }
}

enum LedgerStateDigestMatch {
    static func same(_ a: LedgerState, _ b: LedgerState) -> Bool { LedgerDigest.of(a) == LedgerDigest.of(b) }
}
