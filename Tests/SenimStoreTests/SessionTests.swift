import Foundation
import SenimCore
import Testing
@testable import SenimStore

@Suite struct SessionBasics {

    @Test func createSaveReopen() throws {
        let dir = TestSupport.tempDirectory()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.create(dir)
        #expect(s.role == .coordinator)
        #expect(s.user == "aigerim")
        #expect(s.point == TestSupport.point)
        #expect(s.eventCount == 1)   // the creator's userAdded
        #expect(s.ledger.users["aigerim"] == .coordinator)
        let events = (0..<5).map { TestSupport.contact(s, n: $0) }
        try s.save(events)
        #expect(s.ledger.contacts.count == 5)
        let device = s.device
        s.close()
        let t = try TestSupport.open(dir)
        #expect(t.eventCount == 6)
        #expect(t.device == device)
        #expect(t.ledger.contacts.count == 5)
        #expect(Set(try t.events().map(\.id)).isSuperset(of: events.map(\.id)))
        #expect(t.notices.isEmpty)
        t.close()
    }

    @Test func filePermissions() throws {
        let dir = TestSupport.tempDirectory()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.create(dir)
        try s.save([TestSupport.contact(s, n: 1)])
        try s.compact()
        try s.save([TestSupport.contact(s, n: 2)])
        let fm = FileManager.default
        let dirMode = try fm.attributesOfItem(atPath: dir.path)[.posixPermissions] as! Int
        #expect(dirMode == 0o700)
        let names = try fm.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["journal", "keys", "lock", "snapshot"])
        for n in names {
            let mode = try fm.attributesOfItem(atPath: dir.appendingPathComponent(n).path)[.posixPermissions] as! Int
            #expect(mode == 0o600, "\(n) has mode \(String(mode, radix: 8))")
        }
        s.close()
    }

    @Test func policyIsCheckedOnSave() throws {
        let dir = TestSupport.tempDirectory()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.create(dir)
        try s.addUser(name: "dana", role: .worker, passphrase: "dana's pass")
        s.close()
        let w = try TestSupport.open(dir, user: "dana", passphrase: "dana's pass")
        #expect(w.role == .worker)
        let ctx = w.context()
        let receive = Event(id: ctx.id, at: ctx.at, author: "dana", device: w.device, site: w.point,
                            body: .stockReceived(StockReceipt(item: "syringe-2ml", quantity: 100)))
        #expect(throws: StoreError.notAllowed(Message("policy.denied", "worker", "receiveStock"))) { try w.save([receive]) }
        // Someone else's name as author is refused too.
        var forged = TestSupport.contact(w, n: 1)
        forged.author = "aigerim"
        #expect(throws: StoreError.notAllowed(Message("store.save.author", "aigerim", "dana"))) { try w.save([forged]) }
        let ok = TestSupport.contact(w, n: 2)
        try w.save([ok])
        #expect(throws: StoreError.invalid(Message("store.save.duplicate", ok.id.description))) { try w.save([ok]) }
        #expect(throws: StoreError.notAllowed(Message("policy.denied", "worker", "manageUsers"))) {
            try w.addUser(name: "x", role: .worker, passphrase: "p")
        }
        w.close()
    }

    @Test func localValuesAndPointPersist() throws {
        let dir = TestSupport.tempDirectory()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.create(dir)
        try s.setLocalValue("sync.peer", [1, 2, 3])
        try s.setLocalValue("gone", [9])
        try s.setLocalValue("gone", nil)
        try s.setPoint("temirtau")
        s.close()
        let t = try TestSupport.open(dir)
        #expect(t.localValue("sync.peer") == [1, 2, 3])
        #expect(t.localValue("gone") == nil)
        #expect(t.point == "temirtau")
        try t.compact()
        t.close()
        let u = try TestSupport.open(dir)
        #expect(u.localValue("sync.peer") == [1, 2, 3])
        #expect(u.point == "temirtau")
        u.close()
    }

    @Test func importIsSetUnion() throws {
        let a = TestSupport.tempDirectory(), b = TestSupport.tempDirectory()
        defer { TestSupport.cleanup(a); TestSupport.cleanup(b) }
        let s = try TestSupport.create(a)
        try s.save((0..<10).map { TestSupport.contact(s, n: $0) })
        let t = try TestSupport.create(b, user: "berik")
        let all = try s.events()
        let first = try t.importEvents(all)
        #expect(first.new == 11 && first.known == 0)
        let again = try t.importEvents(all)
        #expect(again.new == 0 && again.known == 11)
        #expect(t.ledger.contacts.count == 10)
        // Older events arriving later refold: the ledger equals a fold of everything.
        let folded = LedgerState.fold(try t.events(), catalogue: TestSupport.configuration.catalogue, points: TestSupport.configuration.points)
        #expect(folded.contacts.map(\.id) == t.ledger.contacts.map(\.id))
        s.close(); t.close()
    }

    @Test func notesOnlyForPsychologists() throws {
        let dir = TestSupport.tempDirectory()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.create(dir)
        #expect(throws: StoreError.notAllowed(Message("policy.denied", "coordinator", "writeConfidentialNotes"))) { _ = try s.sealNote("x") }
        try s.addUser(name: "gulnara", role: .psychologist, passphrase: "psy one", oneTime: false)
        try s.addUser(name: "marat", role: .psychologist, passphrase: "psy two", oneTime: false)
        s.close()
        // The first psychologist to write starts the notes key in their own process.
        let p = try TestSupport.open(dir, user: "gulnara", passphrase: "psy one")
        let sealed = try p.sealNote("talked about the overdose; follow up Friday")
        #expect(try p.openNote(sealed) == "talked about the overdose; follow up Friday")
        p.close()
        // The second cannot read until the first grants.
        let before = try TestSupport.open(dir, user: "marat", passphrase: "psy two")
        #expect(throws: StoreError.notAllowed(Message("store.notes.noKey"))) { _ = try before.openNote(sealed) }
        before.close()
        let p2 = try TestSupport.open(dir, user: "gulnara", passphrase: "psy one")
        try p2.grantNotes(to: "marat")
        p2.close()
        let q = try TestSupport.open(dir, user: "Marat", passphrase: "psy two")
        #expect(q.user == "marat")
        #expect(try q.openNote(sealed) == "talked about the overdose; follow up Friday")
        q.close()
        let c = try TestSupport.open(dir)
        #expect(throws: StoreError.notAllowed(Message("policy.denied", "coordinator", "readConfidentialNotes"))) { _ = try c.openNote(sealed) }
        #expect(c.notesKey == nil)
        c.close()
    }

    @Test func secondOpenerInSameProcessIsRefused() throws {
        let dir = TestSupport.tempDirectory()
        defer { TestSupport.cleanup(dir) }
        let s = try TestSupport.create(dir)
        #expect(throws: StoreError.inUse(pid: getpid())) { _ = try TestSupport.open(dir) }
        s.close()
        let t = try TestSupport.open(dir)
        t.close()
    }
}

@Suite struct StoreEdgeCases {

    @Test func createAndOpenRefuseClearly() throws {
        let dir = TestSupport.freshStore()
        defer { TestSupport.cleanup(dir) }
        #expect(throws: StoreError.alreadyExists(path: dir.standardizedFileURL.path)) { _ = try TestSupport.create(dir) }
        let empty = TestSupport.tempDirectory("empty")
        defer { TestSupport.cleanup(empty) }
        #expect(throws: StoreError.noStore(path: empty.standardizedFileURL.path)) { _ = try TestSupport.open(empty) }
        #expect(!Session.exists(at: empty))
        try Data("hello".utf8).write(to: empty.appendingPathComponent("notes.txt"))
        let e = storeError { _ = try TestSupport.create(empty) }
        guard case .invalid(let m) = e else { Issue.record("\(String(describing: e))"); return }
        #expect(m.key == "store.create.notEmpty")
        #expect(throws: StoreError.invalid(Message("validate.user.name", "a/b"))) {
            _ = try Session.create(at: empty.appendingPathComponent("x"), user: "a/b", passphrase: "p", point: TestSupport.point,
                                   configuration: TestSupport.configuration, kdf: .testing, derivation: TestSupport.derivation)
        }
        #expect(throws: StoreError.invalid(Message("store.kdf.refused", "logN 12 outside 14…20"))) {
            _ = try Session.create(at: empty.appendingPathComponent("x"), user: "ok", passphrase: "p", point: TestSupport.point,
                                   configuration: TestSupport.configuration, kdf: KDFParameters(logN: 12, r: 8, p: 1), derivation: TestSupport.derivation)
        }
        let s = try TestSupport.open(dir)
        #expect(throws: StoreError.invalid(Message("store.backup.inside"))) { try s.backup(to: dir.appendingPathComponent("b")) }
        s.close()
        #expect(throws: StoreError.notAllowed(Message("store.closed"))) { try s.save([TestSupport.contact(s, n: 1)]) }
    }

    /// Every message key the store can produce exists in en, ru and kk.
    @Test func everyMessageKeyIsTranslated() throws {
        let src = TestSupport.packageRoot.appendingPathComponent("Sources/SenimStore")
        var keys = Set<String>()
        let e = FileManager.default.enumerator(at: src, includingPropertiesForKeys: nil)!
        let pattern = try Regex(#"Message\("([A-Za-z.]+)""#)
        for case let u as URL in e where u.pathExtension == "swift" && !u.path.contains("/Sync/") {
            let text = try String(contentsOf: u, encoding: .utf8)
            for m in text.matches(of: pattern) { keys.insert(String(m.output[1].substring!)) }
        }
        #expect(keys.count > 30)
        let strings = TestSupport.configuration.strings
        for k in keys.sorted() {
            for l in Language.allCases { #expect(strings.tables[l]?[k] != nil, "\(k) missing in \(l.rawValue)") }
        }
        let errors: [StoreError] = [.noStore(path: "p"), .alreadyExists(path: "p"), .wrongPassphrase, .unknownUser("u"), .inUse(pid: 7),
                                    .inUse(pid: nil), .damaged(file: "f", detail: "d"), .ioError(path: "p", errno: 5, detail: "d"),
                                    .noSpace(path: "p"), .tooManySlots, .unsupportedVersion(9)]
        for err in errors {
            #expect(strings.has(err.message.key), "\(err)")
            #expect(!err.message.text(strings, .ru).contains("{"), "\(err)")
        }
    }
}
