import Foundation
import SenimCore
import Testing
@testable import SenimStore

@Suite struct KeysTests {

    let keysPath = TestSupport.memoryPath.path + "/keys"

    func withHeaderChecksum(_ b: [UInt8]) -> [UInt8] {
        var b = b
        b.replaceSubrange(80..<96, with: Primitives.checksum(b[0..<80], 16))
        return b
    }

    func slotIndex(_ fs: MemoryFileSystem, _ user: String, _ pass: String) throws -> Int {
        let s = try TestSupport.open(TestSupport.memoryPath, user: user, passphrase: pass, fs: FileSystem(fs.cloneDurable()))
        defer { s.close() }
        return s.slotIndex
    }

    /// Test 2c: every bit of the keys header is refused by the parser; full opens for a sample.
    @Test func everyBitOfTheKeysHeader() throws {
        let fs = TestSupport.memoryStore()
        let bytes = fs.bytes(keysPath)!
        for bit in 0..<(KeysFile.headerSize * 8) {
            var b = bytes
            b[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(throws: StoreError.self, "bit \(bit)") { _ = try KeysFile.parse(b) }
            if bit % 8 == (bit / 8) % 8 {
                let c = fs.cloneDurable()
                c.setBytes(keysPath, b)
                #expect(throws: StoreError.self, "bit \(bit)") { _ = try TestSupport.open(TestSupport.memoryPath, fs: FileSystem(c)) }
            }
        }
    }

    /// Test 2d: every bit of every real keyslot is detected (checksum); a damaged slot fails
    /// alone: its owner cannot unlock (and is told a slot is damaged), everyone else can.
    @Test func everyBitOfEachKeyslot() throws {
        let fs = TestSupport.memoryStore()
        let bytes = fs.bytes(keysPath)!
        let kf = try KeysFile.parse(bytes)
        var detected = 0, unlocks = 0
        for (i, (user, pass, _)) in TestSupport.users.enumerated() {
            let slot = try slotIndex(fs, user, pass)
            let other = TestSupport.users[(i + 1) % TestSupport.users.count]
            for bit in 0..<(KeysFile.slotSize * 8) {
                var s = kf.slots[slot]
                s[bit / 8] ^= 1 << UInt8(bit % 8)
                guard case .damaged = Slot.inspect(s) else {
                    Issue.record("slot \(slot) bit \(bit) not detected")
                    continue
                }
                detected += 1
                if bit % 61 == 0 {
                    var k = kf
                    k.slots[slot] = s
                    let e = storeError { _ = try Session.unlock(k, name: user, passphrase: pass, derivation: TestSupport.derivation) }
                    guard case .damaged(let file, let detail) = e else {
                        Issue.record("slot \(slot) bit \(bit): \(String(describing: e))")
                        continue
                    }
                    #expect(file == "keys" && detail.contains("keyslot \(slot)"))
                    let u = try Session.unlock(k, name: other.0, passphrase: other.1, derivation: TestSupport.derivation)
                    #expect(u.content.name == other.0)
                    unlocks += 2
                }
            }
        }
        #expect(detected == TestSupport.users.count * KeysFile.slotSize * 8)
        // A full open with one user's slot damaged: the others still open the store.
        var k = kf
        let dana = try slotIndex(fs, "dana", "dana pass")
        k.slots[dana][300] ^= 0x10
        fs.setBytes(keysPath, k.serialize())
        #expect(throws: StoreError.self) { _ = try TestSupport.open(TestSupport.memoryPath, user: "dana", passphrase: "dana pass", fs: FileSystem(fs)) }
        let s = try TestSupport.open(TestSupport.memoryPath, fs: FileSystem(fs))
        s.close()
        let report = try Session.verify(at: TestSupport.memoryPath, user: "aigerim", passphrase: "correct horse",
                                        configuration: TestSupport.configuration, fileSystem: FileSystem(fs), derivation: TestSupport.derivation)
        #expect(!report.ok)
        #expect(report.description.contains("keyslot \(dana)"))
        print("keyslots: \(detected) bit flips detected, \(unlocks) unlock attempts")
    }

    /// Bits of the sealed manifest: the store refuses to open (sampled, each an unlock + AEAD).
    @Test func manifestDamageIsDetected() throws {
        let fs = TestSupport.memoryStore()
        let bytes = fs.bytes(keysPath)!
        let start = KeysFile.headerSize + KeysFile.maxSlots * KeysFile.slotSize
        for bit in stride(from: start * 8, to: bytes.count * 8, by: 97) {
            var b = bytes
            b[bit / 8] ^= 1 << UInt8(bit % 8)
            let k = try KeysFile.parse(b)
            let u = try Session.unlock(k, name: "dana", passphrase: "dana pass", derivation: TestSupport.derivation)
            #expect(throws: StoreError.damaged(file: "keys", detail: "the manifest does not authenticate")) {
                _ = try Session.openManifest(k, dataKey: u.dataKey)
            }
        }
    }

    /// Test 8: absurd header values are refused before any key derivation runs.
    @Test func absurdHeaderValuesAreRefusedFast() throws {
        let fs = TestSupport.memoryStore()
        let bytes = fs.bytes(keysPath)!
        var kf = try KeysFile.parse(bytes)
        // A fresh store salt that no test has derived with.
        kf.storeSalt = Primitives.random(32)
        func slotsWith(_ edit: (inout [UInt8]) -> Void) -> KeysFile {
            var k = kf
            k.slots = k.slots.map { s in
                var s = s
                edit(&s)
                return Slot.withChecksum(s)
            }
            return k
        }
        let absurd: [(String, KeysFile)] = [
            ("logN 63", slotsWith { $0[0] = 63 }),
            ("logN 255", slotsWith { $0[0] = 255 }),
            ("logN 13", slotsWith { $0[0] = 13 }),
            ("logN 21", slotsWith { $0[0] = 21 }),
            ("r 2^32-1", slotsWith { $0.replaceSubrange(1..<5, with: [0xff, 0xff, 0xff, 0xff]) }),
            ("r 0", slotsWith { $0.replaceSubrange(1..<5, with: [0, 0, 0, 0]) }),
            ("p 2^31", slotsWith { $0.replaceSubrange(5..<9, with: [0, 0, 0, 0x80]) }),
            ("1 GiB+ memory", slotsWith { $0[0] = 20; $0.replaceSubrange(1..<5, with: [16, 0, 0, 0]) }),
        ]
        for (what, k) in absurd {
            let b = k.serialize()
            let c = fs.cloneDurable()
            c.setBytes(keysPath, b)
            let e = storeError { _ = try TestSupport.open(TestSupport.memoryPath, fs: FileSystem(c)) }
            guard case .damaged(let file, let detail) = e else {
                Issue.record("\(what): \(String(describing: e))")
                continue
            }
            #expect(file == "keys" && detail.contains("KDF parameters refused"), "\(what): \(detail)")
            #expect(!TestSupport.kdfMemo.wasAttempted(Slot.salt(storeSalt: kf.storeSalt, name: "aigerim")), "\(what) reached the KDF")
        }
        // Five different parameter sets (each acceptable alone) are refused as a whole.
        var many = kf
        for i in 0..<5 { many.slots[i] = Slot.decoy(KDFParameters(logN: UInt8(14 + i), r: 8, p: 1)) }
        #expect(throws: StoreError.damaged(file: "keys", detail: "5 different KDF parameter sets (at most 4)")) {
            _ = try Session.unlock(many, name: "aigerim", passphrase: "correct horse", derivation: TestSupport.derivation)
        }
        // Header fields: a million slots, an absurd slot size, a huge manifest length.
        func header(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
            var b = kf.serialize()
            edit(&b)
            return withHeaderChecksum(b)
        }
        // An impossible slot count is damage (74), not "too many users" (65).
        #expect(throws: StoreError.damaged(file: "keys", detail: "slot count 1000000 is out of range 1…64")) {
            _ = try KeysFile.parse(header { $0.replaceSubrange(12..<16, with: [0x40, 0x42, 0x0f, 0]) })
        }
        #expect(throws: StoreError.damaged(file: "keys", detail: "slot count 4294967295 is out of range 1…64")) {
            _ = try KeysFile.parse(header { $0.replaceSubrange(12..<16, with: [0xff, 0xff, 0xff, 0xff]) })
        }
        #expect(throws: StoreError.self) { _ = try KeysFile.parse(header { $0.replaceSubrange(10..<12, with: [0xff, 0xff]) }) }
        #expect(throws: StoreError.self) { _ = try KeysFile.parse(header { $0.replaceSubrange(64..<68, with: [0xff, 0xff, 0xff, 0xff]) }) }
        #expect(throws: StoreError.self) { _ = try KeysFile.parse(header { $0.replaceSubrange(12..<16, with: [0, 0, 0, 0]) }) }
        #expect(throws: StoreError.unsupportedVersion(0xffff)) { _ = try KeysFile.parse(header { $0.replaceSubrange(8..<10, with: [0xff, 0xff]) }) }
        #expect(throws: StoreError.self) { _ = try KeysFile.parse(Array(kf.serialize().prefix(50))) }
        #expect(throws: StoreError.self) { _ = try KeysFile.parse([]) }
        // A snapshot header claiming 2^32-1 chunks, a journal frame claiming 4 GiB.
        var snap = Snapshot.build(events: [], local: [:], key: .init(size: .bits256), storeID: kf.storeID, snapshotID: Primitives.random(16))
        snap.replaceSubrange(12..<16, with: [0xff, 0xff, 0xff, 0xff])
        snap.replaceSubrange(48..<64, with: Primitives.checksum(snap[0..<48], 16))
        #expect(throws: StoreError.self) { _ = try Snapshot.parseHeader(snap, storeID: kf.storeID) }
        let jid = Primitives.random(16)
        var j = Journal.header(storeID: kf.storeID, journalID: jid)
        var w = ByteWriter()
        w.u32(0xffff_fff0); w.u64(0); w.raw(Journal.check(jid, 0xffff_fff0, 0)); w.zeros(12 + 100)
        j += w.bytes
        let scan = Journal.scan(j, key: .init(size: .bits256), storeID: kf.storeID, journalID: jid)
        #expect(scan.frames.isEmpty)
        guard case .torn = scan.tail else { Issue.record("huge frame length not refused: \(scan.tail)"); return }
    }

    /// Test 9: wrong, empty, very long passphrases; NFC and NFD; unknown users.
    @Test func passphrases() throws {
        let fs = TestSupport.memoryStore()
        let path = TestSupport.memoryPath
        let fsys = FileSystem(fs)
        #expect(throws: StoreError.wrongPassphrase) { _ = try TestSupport.open(path, passphrase: "correct horse ", fs: fsys) }
        #expect(throws: StoreError.wrongPassphrase) { _ = try TestSupport.open(path, passphrase: "Correct horse", fs: fsys) }
        // An unknown user gets exactly the same error as a wrong passphrase.
        #expect(throws: StoreError.wrongPassphrase) { _ = try TestSupport.open(path, user: "nobody", fs: fsys) }
        #expect(StoreError.unknownUser("x").message == StoreError.wrongPassphrase.message)
        #expect(StoreError.unknownUser("x").description == StoreError.wrongPassphrase.description)
        // Empty: refused when set, and never opens anything.
        #expect(throws: StoreError.wrongPassphrase) { _ = try TestSupport.open(path, passphrase: "", fs: fsys) }
        let s = try TestSupport.open(path, fs: fsys)
        #expect(throws: StoreError.invalid(Message("store.passphrase.empty"))) { try s.addUser(name: "empty", role: .worker, passphrase: "") }
        #expect(throws: StoreError.invalid(Message("store.passphrase.empty"))) { try s.changePassphrase(from: "correct horse", to: "") }
        // 10,000 characters (Cyrillic and Kazakh: ~20,000 bytes) work; one character off does not.
        let long = String((0..<10_000).map { i in Array("сенімқұпиясөзәғ")[i % 15] })
        #expect(long.count == 10_000)
        try s.addUser(name: "long", role: .worker, passphrase: long)
        // Too long is refused with a clear message.
        let tooLong = String(repeating: "ә", count: 40_000)
        #expect(throws: StoreError.invalid(Message("store.passphrase.long", "80000", "65536"))) {
            try s.addUser(name: "toolong", role: .worker, passphrase: tooLong)
        }
        // NFC vs NFD: the passphrase "йёқәӘ" typed either way opens the same slot; same for names.
        let nfc = "йё-қәӘ-Ёлка".precomposedStringWithCanonicalMapping
        let nfd = nfc.decomposedStringWithCanonicalMapping
        #expect(Array(nfc.utf8) != Array(nfd.utf8))
        try s.addUser(name: "Әлия", role: .worker, passphrase: nfd)
        s.close()
        let l = try TestSupport.open(path, user: "long", passphrase: long, fs: fsys)
        l.close()
        var off = Array(long)
        off[9_999] = "x"
        #expect(throws: StoreError.wrongPassphrase) { _ = try TestSupport.open(path, user: "long", passphrase: String(off), fs: fsys) }
        let a = try TestSupport.open(path, user: "Әлия".decomposedStringWithCanonicalMapping, passphrase: nfc, fs: fsys)
        #expect(a.user == "Әлия".precomposedStringWithCanonicalMapping)
        a.close()
        let b = try TestSupport.open(path, user: "әлия", passphrase: nfd, fs: fsys)
        b.close()
    }

    /// Passphrase change: new works, old does not; the KDF parameters can change too.
    @Test func changePassphrase() throws {
        let fs = TestSupport.memoryStore()
        let fsys = FileSystem(fs)
        let s = try TestSupport.open(TestSupport.memoryPath, user: "dana", passphrase: "dana pass", fs: fsys)
        try s.save([TestSupport.contact(s, n: 1)])
        try s.changePassphrase(from: "dana pass", to: "new dana pass", kdf: KDFParameters(logN: 14, r: 4, p: 1))
        try s.save([TestSupport.contact(s, n: 2)])
        s.close()
        #expect(throws: StoreError.wrongPassphrase) { _ = try TestSupport.open(TestSupport.memoryPath, user: "dana", passphrase: "dana pass", fs: fsys) }
        let t = try TestSupport.open(TestSupport.memoryPath, user: "dana", passphrase: "new dana pass", fs: fsys)
        #expect(Slot.params(t.keysFile.slots[t.slotIndex]) == KDFParameters(logN: 14, r: 4, p: 1))
        #expect(t.ledger.contacts.count == 2)
        t.close()
        // Others are unaffected.
        try TestSupport.open(TestSupport.memoryPath, fs: fsys).close()
    }

    /// Users: add, remove (slot gone, event recorded), limits, the notes key rules.
    @Test func usersAndNotesKey() throws {
        let fs = TestSupport.memoryStore()
        let fsys = FileSystem(fs)
        let c = try TestSupport.open(TestSupport.memoryPath, fs: fsys)
        #expect(c.users().map(\.name) == ["aigerim", "dana", "gulnara", "marat"])
        #expect(throws: StoreError.invalid(Message("store.user.exists", "Dana"))) { try c.addUser(name: "Dana", role: .worker, passphrase: "x") }
        #expect(throws: StoreError.invalid(Message("validate.user.name", "a b"))) { try c.addUser(name: "a b", role: .worker, passphrase: "x") }
        #expect(throws: StoreError.notAllowed(Message("store.user.removeSelf"))) { try c.removeUser(name: "aigerim") }
        try c.removeUser(name: "dana")
        #expect(c.notices.contains { $0.key == "store.notice.rekeyAdvised" })
        #expect(c.ledger.users["dana"] == nil)
        // A new psychologist added by a coordinator starts on a one-time passphrase…
        try c.addUser(name: "saule", role: .psychologist, passphrase: "psy three")
        c.close()
        #expect(throws: StoreError.wrongPassphrase) { _ = try TestSupport.open(TestSupport.memoryPath, user: "dana", passphrase: "dana pass", fs: fsys) }
        let first = try TestSupport.open(TestSupport.memoryPath, user: "saule", passphrase: "psy three", fs: fsys)
        #expect(first.mustChangePassphrase)
        #expect(throws: StoreError.notAllowed(Message("store.passphrase.mustChange"))) { _ = try first.sealNote("x") }
        try first.changePassphrase(from: "psy three", to: "saule's own")
        #expect(!first.mustChangePassphrase)
        first.close()
        // …and then waits for the notes key: opening the store as a holder grants nothing…
        let g = try TestSupport.open(TestSupport.memoryPath, user: "gulnara", passphrase: "psy one", fs: fsys)
        #expect(g.notices.contains { $0.key == "store.notice.notesWaiting" })
        let sealed = try g.sealNote("confidential")
        g.close()
        let waiting = try TestSupport.open(TestSupport.memoryPath, user: "saule", passphrase: "saule's own", fs: fsys)
        #expect(waiting.notices.contains { $0.key == "store.notice.notesPending" })
        #expect(throws: StoreError.notAllowed(Message("store.notes.noKey"))) { _ = try waiting.sealNote("x") }
        #expect(throws: StoreError.notAllowed(Message("store.notes.noKey"))) { _ = try waiting.openNote(sealed) }
        waiting.close()
        // …until a holder grants it explicitly.
        let g2 = try TestSupport.open(TestSupport.memoryPath, user: "gulnara", passphrase: "psy one", fs: fsys)
        try g2.grantNotes(to: "saule")
        g2.close()
        let ready = try TestSupport.open(TestSupport.memoryPath, user: "saule", passphrase: "saule's own", fs: fsys)
        #expect(try ready.openNote(sealed) == "confidential")
        ready.close()
        // The cap: 64 keyslots. Real additions up to 6 users, then the directory is filled
        // with placeholder entries (each real addition costs one scrypt in this debug build).
        let c2 = try TestSupport.open(TestSupport.memoryPath, fs: fsys)
        for i in c2.users().count..<6 { try c2.addUser(name: "w\(i)", role: .worker, passphrase: "same pass") }
        #expect(c2.users().count == 6)
        let used = Set(c2.manifest.directory.map(\.slot))
        for i in 0..<Session.maxUsers where !used.contains(i) {
            c2.manifest.directory.append(Manifest.Entry(slot: i, name: "placeholder\(i)", role: .worker,
                                                        publicKey: [UInt8](repeating: 9, count: 32), hasNotesGrant: false))
        }
        #expect(throws: StoreError.tooManySlots) { try c2.addUser(name: "one-more", role: .worker, passphrase: "same pass") }
        c2.close()
        try TestSupport.open(TestSupport.memoryPath, user: "w5", passphrase: "same pass", fs: fsys).close()
    }
}
