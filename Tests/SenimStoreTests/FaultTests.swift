import Foundation
import SenimCore
import Testing
@testable import SenimStore
#if canImport(Glibc)
import Glibc
#endif

/// Test 6: ENOSPC and EIO injected on write and fsync.
@Suite struct FaultTests {

    let path = TestSupport.memoryPath

    func open(_ fs: MemoryFileSystem, _ user: String = "aigerim", _ pass: String = "correct horse") throws -> Session {
        try TestSupport.open(path, user: user, passphrase: pass, fs: FileSystem(fs))
    }

    func ids(_ fs: MemoryFileSystem) throws -> Set<EventID> {
        let s = try open(fs)
        defer { s.close() }
        return Set(try s.events().map(\.id))
    }

    @Test func noSpaceOnWriteLeavesDataAndSessionIntact() throws {
        let fs = TestSupport.memoryStore()
        let s = try open(fs)
        let a = TestSupport.contact(s, n: 1)
        try s.save([a])
        fs.failNext(.write, ENOSPC)
        let b = TestSupport.contact(s, n: 2)
        #expect(throws: StoreError.noSpace(path: path.path + "/journal")) { try s.save([b]) }
        #expect(s.ledger.contacts.count == 1, "the failed event is not in the ledger")
        // The disk has room again: the same event saves.
        try s.save([b])
        s.close()
        let got = try ids(fs)
        #expect(got.contains(a.id) && got.contains(b.id))
    }

    @Test func ioErrorOnWriteBreaksTheSession() throws {
        let fs = TestSupport.memoryStore()
        let s = try open(fs)
        let a = TestSupport.contact(s, n: 1)
        try s.save([a])
        fs.failNext(.write, EIO)
        let b = TestSupport.contact(s, n: 2)
        let e = storeError { try s.save([b]) }
        guard case .ioError(_, let errno, _) = e else { Issue.record("\(String(describing: e))"); return }
        #expect(errno == EIO)
        let c = TestSupport.contact(s, n: 3)
        #expect(throws: StoreError.self) { try s.save([c]) }
        guard case .notAllowed(let m) = storeError({ try s.save([c]) }) else { Issue.record("not refused"); return }
        #expect(m.key == "store.broken")
        s.close()
        let got = try ids(fs)
        #expect(got.contains(a.id) && !got.contains(b.id) && !got.contains(c.id))
    }

    /// fsyncgate: a failed fsync means "not saved", is never retried, and stops all writing.
    @Test(arguments: [EIO, ENOSPC])
    func failedFsyncIsFatal(errno code: Int32) throws {
        let fs = TestSupport.memoryStore()
        let s = try open(fs)
        let a = TestSupport.contact(s, n: 1)
        try s.save([a])
        fs.failNext(.sync, code)
        let b = TestSupport.contact(s, n: 2)
        let e = storeError { try s.save([b]) }
        if code == EIO {
            guard case .ioError(_, let n, let detail) = e else { Issue.record("\(String(describing: e))"); return }
            #expect(n == EIO && detail.contains("NOT saved"))
        } else {
            #expect(e == .noSpace(path: path.path + "/journal"))
        }
        #expect(s.ledger.contacts.count == 1)
        #expect(s.broken != nil)
        #expect(throws: StoreError.self) { try s.setLocalValue("x", [1]) }
        #expect(throws: StoreError.self) { try s.compact() }
        s.close()
        let got = try ids(fs)
        #expect(got.contains(a.id) && !got.contains(b.id))
    }

    /// ENOSPC and EIO at every write and sync of compaction, passphrase change and backup:
    /// the old data stays intact, no half-written file is left, the error is specific.
    @Test(arguments: ["compact", "changePassphrase", "backup", "rekey"])
    func faultsInMaintenance(_ operation: String) throws {
        let base = TestSupport.memoryStore()
        do {
            let s = try open(base)
            try s.save((0..<4).map { TestSupport.contact(s, n: $0) })
            s.close()
        }
        let baseline = try ids(base.cloneDurable())
        try base.secureDirectory("/backups")
        func run(_ s: Session) throws {
            switch operation {
            case "compact": try s.compact()
            case "changePassphrase": try s.changePassphrase(from: "correct horse", to: "new pass")
            case "backup": try s.backup(to: URL(fileURLWithPath: "/backups/senim.bak"))
            default: try s.rekey()
            }
        }
        var cases = 0
        for kind in [MemoryFileSystem.Kind.write, .sync] {
            for code in [ENOSPC, EIO] {
                for skip in 0..<6 {
                    let fs = base.cloneDurable()
                    let s = try open(fs)
                    fs.failNext(kind, code, skip: skip)
                    let e = storeError { try run(s) }
                    if fs.fault != nil {   // fewer operations of this kind than `skip`
                        #expect(e == nil)
                        s.close()
                        continue
                    }
                    cases += 1
                    if code == ENOSPC { #expect(e == .noSpace(path: e.flatMap { if case .noSpace(let p) = $0 { p } else { nil } } ?? "?")) }
                    else if case .ioError = e {} else { Issue.record("\(operation) \(kind) EIO: \(String(describing: e))") }
                    #expect(s.broken == nil, "a failure before the commit leaves the session usable")
                    try s.save([TestSupport.contact(s, n: 40 + skip)])
                    s.close()
                    #expect(!fs.names(in: path.path).contains { $0.hasSuffix(".new") }, "no half-written file left")
                    #expect(!fs.names(in: "/backups").contains { $0.contains(".tmp-") })
                    #expect(try ids(fs).isSuperset(of: baseline))
                    if operation == "changePassphrase" { try open(fs).close() }
                }
            }
        }
        #expect(cases >= 4)
    }

    /// A failed rename or directory sync after the commit point: the session stops, and the
    /// reopened store is consistent (old or new).
    @Test func failuresAfterTheCommitPoint() throws {
        for kind in [MemoryFileSystem.Kind.rename, .syncDirectory] {
            for skip in 0..<3 {
                let fs = TestSupport.memoryStore()
                let s = try open(fs)
                try s.save([TestSupport.contact(s, n: 1)])
                let before = Set(try s.events().map(\.id))
                fs.failNext(kind, EIO, skip: skip)
                #expect(throws: StoreError.self) { try s.compact() }
                if fs.fault == nil { #expect(s.broken != nil || kind == .syncDirectory && skip == 0) }
                s.close()
                #expect(try ids(fs) == before)
            }
        }
    }
}
