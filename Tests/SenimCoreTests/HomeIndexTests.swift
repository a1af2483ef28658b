import Testing
@testable import SenimCore
import SenimTestSupport

/// What the home screen reads on every frame comes from indexes the ledger keeps (issue 11:
/// a frame at 1 M contacts must not scan or copy): they must answer exactly what a scan does,
/// after a fold, after appends and after a checkpoint is read back.
@Suite struct HomeIndexTests {
    static let cat = Fixtures.catalogue

    static func check(_ l: LedgerState) {
        // Due referrals as positions: the same records, in the same order, as the copying query.
        for day in [DayNumber.min, 0, 5, 15, 40, .max] {
            #expect(Array(l.openReferralRows(dueThrough: day)) == l.openReferrals(dueThrough: day), "day \(day)")
        }
        // Clients are made in fold order: first sight never goes back, so a binary search finds
        // the first client seen since any time.
        #expect(zip(l.clients, l.clients.dropFirst()).allSatisfy { $0.firstSeen <= $1.firstSeen })
        for t in [Timestamp.min, 0, 100, 500, 1_000, 1_999, .max] {
            #expect(l.firstClient(seenAtOrAfter: t) == (l.clients.firstIndex { $0.firstSeen >= t } ?? l.clients.count))
        }
        // Transfers in transit from the kept set equal a scan of every transfer.
        #expect(l.transfersInTransit == l.transfers.values.filter(\.inTransit).sorted { $0.foldsBefore($1) })
    }

    @Test(arguments: 0..<6)
    func homeIndexesAnswerWhatAScanAnswers(seed: UInt64) throws {
        var g = SplitMix(seed: seed &+ 31)
        var events = PerfLoaderTests.richEvents(400, &g)
        for i in events.indices {
            if case .referralIssued(var r) = events[i].body {
                r.due = DayNumber(g.next() % 30)
                events[i].body = .referralIssued(r)
            }
        }
        let sorted = events.sorted(by: Event.foldsBefore)
        let all = LedgerState.fold(events, catalogue: Self.cat)
        #expect(!all.transfers.isEmpty && !all.referralList.isEmpty, "the test needs transfers and referrals")
        Self.check(all)
        Self.check(try LedgerState(checkpoint: all.checkpoint(), catalogue: Self.cat, points: nil))
        // Appended one by one (a session's saves).
        let k = sorted.count / 2
        var s = LedgerState.fold(Array(sorted[..<k]), catalogue: Self.cat)
        for e in sorted[k...] where e.body.amendTarget == nil { _ = s.append(e) }
        Self.check(s)
    }
}
