import Foundation
import SenimCore
import Testing
@testable import SenimStore
import SenimTestSupport

/// Power-loss simulation through the injectable file layer (test 3 and test 5).
@Suite struct CrashTests {

    let path = TestSupport.memoryPath

    func open(_ fs: MemoryFileSystem, _ user: String = "aigerim", _ pass: String = "correct horse") throws -> Session {
        try TestSupport.open(path, user: user, passphrase: pass, fs: FileSystem(fs))
    }

    func survival(_ i: Int) -> MemoryFileSystem.Survival { [.nothing, .everything, .random, .random][i % 4] }

    /// Test 3: random workloads (saves, local settings, compactions) cut by a crash at a
    /// random file operation; the disk then keeps only what was synced plus a random subset
    /// of the rest, torn and reordered. Every acknowledged event must survive, nothing
    /// never attempted may appear, and the store must open and accept the next save.
    @Test func acknowledgedEventsSurviveCrashes() throws {
        var g = SplitMix(seed: 0x5EED)
        let base = TestSupport.memoryStore()
        let s0 = try open(base)
        let before = Set(try s0.events().map(\.id))
        s0.close()
        var rounds = 0, crashedRounds = 0, ackedTotal = 0
        for round in 0..<160 {
            let fs = base.cloneDurable()
            let s = try open(fs)
            fs.crash(after: Int.random(in: 1...90, using: &g))
            var acked = Set<EventID>(), attempted = Set<EventID>()
            var ackedLocal: [String: [UInt8]] = [:]
            var uncertainLocal: [String: [[UInt8]]] = [:]
            var crashed = false
            for step in 0..<45 {
                let r = Int.random(in: 0..<100, using: &g)
                do {
                    if r < 80 {
                        let batch = (0..<Int.random(in: 1...3, using: &g)).map { TestSupport.contact(s, n: step * 3 + $0) }
                        attempted.formUnion(batch.map(\.id))
                        try s.save(batch)
                        acked.formUnion(batch.map(\.id))
                    } else if r < 92 {
                        let key = "k\(r % 3)", value = Primitives.random(Int.random(in: 1...40, using: &g))
                        uncertainLocal[key, default: []].append(value)
                        try s.setLocalValue(key, value)
                        ackedLocal[key] = value
                        uncertainLocal[key] = nil
                    } else {
                        try s.compact()
                    }
                } catch {
                    crashed = true
                    break
                }
            }
            if crashed { crashedRounds += 1 }
            let image = fs.crashImage(survival(round), using: &g)
            let t = try open(image)
            let ids = Set(try t.events().map(\.id))
            #expect(acked.isSubset(of: ids), "round \(round): lost \(acked.subtracting(ids).count) acknowledged events")
            #expect(ids.isSubset(of: before.union(attempted)), "round \(round): unknown events appeared")
            for (k, v) in ackedLocal {
                let got = t.localValue(k)
                #expect(got == v || (uncertainLocal[k]?.contains { $0 == got } ?? false), "round \(round): local \(k)")
            }
            let next = TestSupport.contact(t, n: 500)
            try t.save([next])
            t.close()
            let u = try open(image)
            #expect(Set(try u.events().map(\.id)) == ids.union([next.id]))
            u.close()
            rounds += 1
            ackedTotal += acked.count
        }
        #expect(crashedRounds > 100)
        print("crash rounds: \(rounds) (\(crashedRounds) cut by a crash), \(ackedTotal) acknowledged events checked")
    }

    struct Operation {
        var name: String
        var user: (String, String) = ("aigerim", "correct horse")
        var run: (Session) throws -> Void
        /// Checks a crashed image; `completed` tells whether the operation returned.
        var check: (MemoryFileSystem, _ baseline: Set<EventID>) throws -> Void
    }

    /// Test 5: a crash at every file operation of compaction, passphrase change, rekey,
    /// adding and removing a user, each with four different post-crash disks. Always the old
    /// or the new state, never neither.
    @Test(arguments: ["compact", "changePassphrase", "rekey", "addUser", "removeUser", "grantNotes"])
    func crashAtEveryStep(of operation: String) throws {
        let base = TestSupport.memoryStore()
        do {
            let s = try open(base)
            try s.save((0..<6).map { TestSupport.contact(s, n: $0) })
            try s.setLocalValue("peer", [7, 7])
            s.close()
        }
        let baseline = Set(try open(base.cloneDurable()).events().map(\.id))
        func events(_ fs: MemoryFileSystem, _ u: String = "aigerim", _ p: String = "correct horse") throws -> Session { try open(fs, u, p) }
        let op: Operation
        switch operation {
        case "compact":
            op = Operation(name: operation, run: { try $0.compact() }, check: { fs, base in
                let s = try events(fs)
                #expect(Set(try s.events().map(\.id)) == base)
                #expect(s.localValue("peer") == [7, 7])
                s.close()
            })
        case "changePassphrase":
            op = Operation(name: operation, user: ("dana", "dana pass"), run: { try $0.changePassphrase(from: "dana pass", to: "dana new") }, check: { fs, base in
                let old = try? events(fs, "dana", "dana pass")
                let new = try? events(fs, "dana", "dana new")
                #expect((old == nil) != (new == nil), "exactly one of the old and new passphrases opens")
                old?.close(); new?.close()
                let s = try events(fs)
                #expect(Set(try s.events().map(\.id)) == base)
                s.close()
            })
        case "rekey":
            op = Operation(name: operation, run: { try $0.rekey() }, check: { fs, base in
                for (u, p, _) in TestSupport.users {
                    let s = try events(fs, u, p)
                    #expect(Set(try s.events().map(\.id)) == base)
                    s.close()
                }
            })
        case "addUser":
            op = Operation(name: operation, run: { try $0.addUser(name: "saule", role: .worker, passphrase: "saule pass") }, check: { fs, base in
                let saule = try? events(fs, "saule", "saule pass")
                saule?.close()
                let s = try events(fs)
                #expect((s.ledger.users["saule"] != nil) == (saule != nil), "slot and userAdded event agree")
                #expect(Set(try s.events().map(\.id)).isSuperset(of: base))
                s.close()
            })
        case "removeUser":
            op = Operation(name: operation, run: { try $0.removeUser(name: "dana") }, check: { fs, base in
                let dana = try? events(fs, "dana", "dana pass")
                dana?.close()
                let s = try events(fs)
                #expect((s.ledger.users["dana"] == nil) == (dana == nil), "slot and userRemoved event agree")
                #expect(Set(try s.events().map(\.id)).isSuperset(of: base))
                s.close()
            })
        default:
            // A holder grants the notes key to a psychologist who chose their own passphrase.
            do {
                let c = try open(base)
                try c.addUser(name: "saule", role: .psychologist, passphrase: "saule pass", oneTime: false)
                c.close()
            }
            op = Operation(name: operation, user: ("gulnara", "psy one"), run: { try $0.grantNotes(to: "saule") }, check: { fs, _ in
                let g = try events(fs, "gulnara", "psy one")
                let note = try g.sealNote("n")
                g.close()
                let s = try events(fs, "saule", "saule pass")
                if s.notesKey != nil { #expect(try s.openNote(note) == "n") }
                s.close()
            })
        }
        // Count the file operations of one clean run (opening included for grantNotes).
        let dry = base.cloneDurable()
        let m0 = dry.mutations
        let s = try open(dry, op.user.0, op.user.1)
        try op.run(s)
        s.close()
        let total = dry.mutations - m0
        #expect(total > 0)
        var g = SplitMix(seed: UInt64(operation.count))
        var images = 0
        for k in 1...total {
            for variant in 0..<4 {
                let fs = base.cloneDurable()
                fs.crash(after: k)
                do {
                    let s = try open(fs, op.user.0, op.user.1)
                    try op.run(s)
                    s.close()
                } catch {}
                #expect(fs.crashed, "\(operation): step \(k) did not crash")
                let image = fs.crashImage(survival(variant), using: &g)
                try op.check(image, baseline)
                // And the store keeps working after recovery.
                let t = try open(image)
                try t.save([TestSupport.contact(t, n: 77)])
                t.close()
                images += 1
            }
        }
        print("\(operation): \(total) file operations, \(images) crash images checked")
    }
}
