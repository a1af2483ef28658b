import Foundation
import Testing
@testable import SenimCore
import SenimTestSupport

/// The ledger checkpoint is a cache of the fold, never a second apply path: a state read back
/// from `checkpoint()` and then given more events (as a store's open does with its journal)
/// must equal folding everything — on every event kind, in any arrival order — and a damaged
/// checkpoint must be refused without trapping.
@Suite struct CheckpointTests {
    static let cat = Fixtures.catalogue
    static let points = Fixtures.configuration.points

    /// What `differences` does not look at: details, the due index, and everything the
    /// checkpoint holds (pending receipts and referral events included) through its bytes.
    static func more(_ a: LedgerState, _ b: LedgerState) -> [String] {
        var d = PerfLoaderTests.differences(a, b)
        if a.contactDetails != b.contactDetails { d.append("contactDetails") }
        if a.openReferrals(dueThrough: .max) != b.openReferrals(dueThrough: .max) { d.append("dueIndex") }
        if a.pendingReceipts.mapValues({ "\($0.at)/\($0.site)" }) != b.pendingReceipts.mapValues({ "\($0.at)/\($0.site)" }) { d.append("pendingReceipts") }
        if a.pendingUpdates != b.pendingUpdates { d.append("pendingUpdates") }
        if a.userPoints != b.userPoints { d.append("userPoints") }
        return d
    }

    static func restore(_ s: LedgerState, alongside: Alongside = .inline) throws -> LedgerState {
        try LedgerState(checkpoint: s.checkpoint(), catalogue: cat, points: points, alongside: alongside)
    }

    /// The contact rows on a thread of their own, as the store decodes them.
    static let thread = Alongside { work in
        let done = DispatchSemaphore(value: 0)
        Thread { work(); done.signal() }.start()
        return { done.wait() }
    }

    /// The rows decoded on another thread give the same state as on this one, and a damaged
    /// checkpoint is refused the same way whichever part fails first.
    @Test func theContactRowsOnASecondThreadGiveTheSameState() throws {
        var g = SplitMix(seed: 77)
        let all = LedgerState.fold(PerfLoaderTests.richEvents(800, &g), catalogue: Self.cat, points: Self.points)
        let threaded = try Self.restore(all, alongside: Self.thread)
        #expect(Self.more(threaded, all) == [])
        #expect(threaded.checkpoint() == all.checkpoint())
        let bytes = all.checkpoint()
        for round in 0..<600 {
            var b = bytes
            b[Int(g.next() % UInt64(b.count))] ^= UInt8(1 << (round % 8))
            let inline = Result { () throws(CheckpointError) in try LedgerState(checkpoint: b, catalogue: Self.cat, points: Self.points) }
            let other = Result { () throws(CheckpointError) in
                try LedgerState(checkpoint: b, catalogue: Self.cat, points: Self.points, alongside: Self.thread)
            }
            switch (inline, other) {
            case (.success(let x), .success(let y)): #expect(x.checkpoint() == y.checkpoint())
            case (.failure(let x), .failure(let y)): #expect(x == y)
            default: Issue.record("round \(round): one way accepted what the other refused")
            }
        }
    }

    @Test(arguments: 0..<12)
    func checkpointThenMoreEventsEqualsFoldingEverything(seed: UInt64) throws {
        var g = SplitMix(seed: seed &+ 9_000)
        var events = PerfLoaderTests.richEvents(500, &g)
        for i in events.indices where g.next() % 5 == 0 {
            // Contact details and due dates, which the rich generator leaves out.
            if case .contactLogged(var c) = events[i].body {
                c.detail = ContactDetail(overdoseKind: .opioid, responders: [.ambulanceCalled],
                                         results: [ServiceResult(service: "hiv-test", result: .reactive)])
                c.overdose = Self.cat.overdoseOutcomes.first!.id
                events[i].body = .contactLogged(c)
            } else if case .referralIssued(var r) = events[i].body {
                r.due = DayNumber(g.next() % 30)
                events[i].body = .referralIssued(r)
            }
        }
        let sorted = events.sorted(by: Event.foldsBefore)
        let all = LedgerState.fold(events, catalogue: Self.cat, points: Self.points)
        #expect(Set(events.map(\.body.kindName)) == PerfLoaderTests.everyKind)

        // The checkpoint of a fold reads back as that fold, and writes the same bytes again.
        let whole = try Self.restore(all)
        #expect(Self.more(whole, all) == [])
        #expect(whole.checkpoint() == all.checkpoint())

        // A prefix (shuffled before folding), then the rest appended in canonical order as a
        // store's open appends its journal. Corrections and voids cannot be appended (the
        // store folds everything instead): those after the split are left out of both sides.
        for _ in 0..<6 {
            let k = Int(g.next() % UInt64(sorted.count))
            var prefix = Array(sorted[..<k])
            let rest = sorted[k...].filter { $0.body.amendTarget == nil }
            prefix.shuffle(using: &g)
            var s = try Self.restore(LedgerState.fold(prefix, catalogue: Self.cat, points: Self.points))
            for e in rest {
                let appended = s.append(e)
                #expect(appended, "an event after the checkpoint appends")
            }
            let reference = ReferenceFold.fold(prefix + rest, catalogue: Self.cat, points: Self.points)
            #expect(Self.more(s, reference) == [])
            let folded = LedgerState.fold(prefix + rest, catalogue: Self.cat, points: Self.points)
            #expect(Self.more(s, folded) == [])
            // Byte for byte too (`senim verify` compares a fresh fold's checkpoint with the stored one).
            #expect(s.checkpoint() == folded.checkpoint())
        }
    }

    @Test func sameStateSameBytesWhateverTheArrivalOrder() throws {
        var g = SplitMix(seed: 77)
        let events = PerfLoaderTests.richEvents(400, &g)
        var shuffled = events
        shuffled.shuffle(using: &g)
        let a = LedgerState.fold(events, catalogue: Self.cat, points: Self.points).checkpoint()
        let b = LedgerState.fold(shuffled + events.prefix(50), catalogue: Self.cat, points: Self.points).checkpoint()
        #expect(a == b)
        #expect(a.first == LedgerState.checkpointVersion)
    }

    @Test func anotherConfigurationOrVersionIsRefused() throws {
        var g = SplitMix(seed: 5)
        let bytes = LedgerState.fold(PerfLoaderTests.richEvents(100, &g), catalogue: Self.cat, points: Self.points).checkpoint()
        // Folding under another catalogue numbers its ids differently: the checkpoint does not apply.
        #expect(throws: CheckpointError.self) { try LedgerState(checkpoint: bytes, catalogue: nil, points: Self.points) }
        #expect(throws: CheckpointError.self) { try LedgerState(checkpoint: bytes, catalogue: Self.cat, points: nil) }
        var future = bytes
        future[0] = LedgerState.checkpointVersion + 1
        #expect(throws: CheckpointError.self) { try LedgerState(checkpoint: future, catalogue: Self.cat, points: Self.points) }
        #expect(throws: CheckpointError.self) { try LedgerState(checkpoint: [], catalogue: Self.cat, points: Self.points) }
        #expect(throws: CheckpointError.self) { try LedgerState(checkpoint: bytes + [0], catalogue: Self.cat, points: Self.points) }
    }

    /// Truncated and mutated checkpoints: refused or read, never a trap or a huge allocation
    /// (counts are checked against the bytes left, indices against their range).
    @Test func damagedCheckpointsNeverTrap() throws {
        var g = SplitMix(seed: 2026)
        let state = LedgerState.fold(PerfLoaderTests.richEvents(300, &g), catalogue: Self.cat, points: Self.points)
        let bytes = state.checkpoint()
        var refused = 0
        for n in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 400)) {
            if (try? LedgerState(checkpoint: Array(bytes[..<n]), catalogue: Self.cat, points: Self.points)) == nil { refused += 1 }
        }
        #expect(refused == (0..<bytes.count).filter { $0 % max(1, bytes.count / 400) == 0 }.count, "every truncation is refused")
        var accepted = 0
        for round in 0..<3_000 {
            var b = bytes
            let edits = 1 + Int(g.next() % 4)
            for _ in 0..<edits {
                let at = Int(g.next() % UInt64(b.count))
                switch round % 3 {
                case 0: b[at] ^= UInt8(1 << (g.next() % 8))
                case 1: b[at] = 0xFF   // a varint that claims a huge count
                default: b.insert(UInt8(truncatingIfNeeded: g.next()), at: at)
                }
            }
            if let s = try? LedgerState(checkpoint: b, catalogue: Self.cat, points: Self.points) {
                accepted += 1
                // Whatever was accepted is indexable: every query a screen makes works.
                _ = s.people()
                _ = s.openReferrals(dueThrough: .max)
                for i in s.contacts.indices.prefix(50) { _ = s.contactContent(i) }
                _ = s.clients(withPrefix: "M")
                _ = s.transfersInTransit
            }
        }
        #expect(accepted < 3_000)
    }
}
