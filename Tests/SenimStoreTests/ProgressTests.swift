import Foundation
import SenimCore
@testable import SenimStore
import Testing

/// Backup and verify report their progress (the TUI's progress bar): it only grows, never
/// passes the total, and ends at the total once the work is done.
@Suite struct ProgressTests {
    /// A compacted store of several snapshot chunks with a journal on top.
    func bigStore(_ dir: URL) throws -> Session {
        let s = try TestSupport.open(dir)
        let now = s.context().at
        for batch in 0..<16 {
            try s.save((0..<500).map { i in
                let n = batch * 500 + i
                return TestSupport.contact(s, n: n, note: String(repeating: "p", count: 80 + n % 70), at: now - 60 * 86_400 + Timestamp(n) * 300)
            })
        }
        try s.compact()
        try s.save((0..<50).map { TestSupport.contact(s, n: 60_000 + $0) })
        return s
    }

    func check(_ calls: [(Int, Int)], _ what: String) {
        #expect(calls.count > 2, "\(what): \(calls.count) progress calls")
        guard let last = calls.last else { return }
        #expect(Set(calls.map(\.1)).count == 1, "\(what): the total changed")
        #expect(last.0 == last.1, "\(what): ends at \(last.0) of \(last.1)")
        #expect(zip(calls, calls.dropFirst()).allSatisfy { $0.0 <= $1.0 }, "\(what): went backwards")
        #expect(calls.allSatisfy { $0.0 >= 0 && $0.0 <= $0.1 }, "\(what): outside 0…total")
    }

    @Test func backupAndVerifyReportProgressToTheEnd() throws {
        let dir = TestSupport.freshStore()
        let out = TestSupport.tempDirectory("progress")
        defer { TestSupport.cleanup(dir); TestSupport.cleanup(out) }
        let s = try bigStore(dir)
        defer { s.close() }
        var backup: [(Int, Int)] = []
        try s.backup(to: out.appendingPathComponent("p.bak"), force: false) { backup.append(($0, $1)) }
        check(backup, "backup")
        var verify: [(Int, Int)] = []
        let report = try s.verify { verify.append(($0, $1)) }
        #expect(report.ok)
        check(verify, "verify")
        // One step per snapshot chunk, the checkpoint check and the journal.
        let header = try Snapshot.parseHeader(try #require(try s.disk.readPrefix(s.snapshotFile, Snapshot.headerSize)), storeID: nil)
        #expect(verify.last?.1 == Int(header.count) + 2)
    }
}
