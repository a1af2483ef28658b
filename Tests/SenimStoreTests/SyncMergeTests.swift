import SenimCore
@testable import SenimStore
import Testing
import SenimTestSupport

/// Merge algebra through real bundles: commutative, idempotent, associative, and equal to
/// folding the union of all events in one store.
@Suite struct SyncMergeTests {
    static let config = SyncFixtures.configuration

    static func fold(_ events: [Event]) -> String {
        LedgerDigest.of(LedgerState.fold(events, catalogue: config.catalogue, points: config.points))
    }

    static func union(_ parts: [Event]...) -> [Event] {
        var seen = Set<EventID>()
        return parts.flatMap { $0 }.filter { seen.insert($0.id).inserted }
    }

    @Test("A into B equals B into A, and equals one store holding both", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func commutative(seed: UInt64) throws {
        let world = SyncWorld.generate(seed: seed, count: 600)
        let parts = SyncWorld.distribute(world, among: 2, seed: seed &+ 100)
        let p = SyncPeers([("a", "almaty-central", parts[0]), ("b", "temirtau", parts[1])])
        let fromA = try p["a"].export(to: "b", mode: .all)
        let fromB = try p["b"].export(to: "a", mode: .all)
        let sa = try p["a"].importBundle(fromB.bytes)
        let sb = try p["b"].importBundle(fromA.bytes)
        let expected = Self.fold(Self.union(parts[0], parts[1]))
        #expect(LedgerDigest.of(p.store("a").ledger) == expected)
        #expect(LedgerDigest.of(p.store("b").ledger) == expected)
        #expect(Set(p.store("a").stored.keys) == Set(p.store("b").stored.keys))
        // Shared events are counted as known, the rest as new.
        let shared = Set(parts[0].map(\.id)).intersection(parts[1].map(\.id)).count
        #expect(sa.eventsKnown == shared && sa.eventsNew == parts[1].count - shared)
        #expect(sb.eventsKnown == shared && sb.eventsNew == parts[0].count - shared)
        // The generated world really exercises conflicts, transfers and merges.
        let l = p.store("a").ledger
        #expect(l.referrals.values.contains { $0.conflict })
        #expect(l.transfers.values.contains { $0.inTransit } && l.transfers.values.contains { !$0.inTransit })
        #expect(l.clients.contains { $0.mergedInto != nil })
    }

    @Test("Importing the same events again changes nothing; the same bundle again is refused", arguments: [7, 8, 9] as [UInt64])
    func idempotent(seed: UInt64) throws {
        let world = SyncWorld.generate(seed: seed, count: 500)
        let parts = SyncWorld.distribute(world, among: 2, seed: seed)
        let p = SyncPeers([("a", "almaty-central", parts[0]), ("b", "temirtau", parts[1])])
        let first = try p["b"].export(to: "a", mode: .all)
        _ = try p["a"].importBundle(first.bytes)
        let after = p.store("a").snapshot
        // A second, different bundle with the same events: merged, nothing new.
        let again = try p["b"].export(to: "a", mode: .all)
        #expect(again.eventCount == first.eventCount)
        let s = try p["a"].importBundle(again.bytes)
        #expect(s.eventsNew == 0 && s.eventsKnown == again.eventCount && s.clientsNew == 0 && s.newConflicts.isEmpty)
        #expect(p.store("a").snapshot.events == after.events)
        #expect(p.store("a").snapshot.ledger == after.ledger)
        // The very same bundle again: refused, nothing at all changes.
        let before = p.store("a").snapshot
        #expect(throws: SyncError.alreadyImported(peer: "b", sequence: 2)) { try p["a"].importBundle(again.bytes) }
        #expect(p.store("a").snapshot == before)
    }

    @Test("(A ∪ B) ∪ C equals A ∪ (B ∪ C)", arguments: [11, 12, 13, 14] as [UInt64])
    func associative(seed: UInt64) throws {
        let world = SyncWorld.generate(seed: seed, count: 600)
        let parts = SyncWorld.distribute(world, among: 3, seed: seed)
        let names = [("a", "almaty-central", parts[0]), ("b", "almaty-mobile", parts[1]), ("c", "temirtau", parts[2])]
        let left = SyncPeers(names)
        try left.send("b", "a", mode: .all)
        try left.send("c", "a", mode: .all)
        let right = SyncPeers(names)
        try right.send("c", "b", mode: .all)
        try right.send("b", "a", mode: .sinceLast)
        let expected = Self.fold(Self.union(parts[0], parts[1], parts[2]))
        #expect(LedgerDigest.of(left.store("a").ledger) == expected)
        #expect(LedgerDigest.of(right.store("a").ledger) == expected)
    }

    @Test("Every order of importing three bundles gives the same state")
    func orderIndependent() throws {
        let world = SyncWorld.generate(seed: 21, count: 500)
        let parts = SyncWorld.distribute(world, among: 4, seed: 22)
        let names = [("hub", "almaty-central", parts[0]), ("x", "almaty-mobile", parts[1]),
                     ("y", "temirtau", parts[2]), ("z", "temirtau", parts[3])]
        let expected = Self.fold(Self.union(parts[0], parts[1], parts[2], parts[3]))
        let orders = [["x", "y", "z"], ["x", "z", "y"], ["y", "x", "z"], ["y", "z", "x"], ["z", "x", "y"], ["z", "y", "x"]]
        for order in orders {
            let p = SyncPeers(names)
            let bundles = try Dictionary(uniqueKeysWithValues: ["x", "y", "z"].map { ($0, try p[$0].export(to: "hub", mode: .all).bytes) })
            for n in order { _ = try p["hub"].importBundle(bundles[n]!) }
            #expect(LedgerDigest.of(p.store("hub").ledger) == expected, "order \(order)")
        }
    }

    @Test("An id already held with other content: this store's version is kept and counted")
    func mismatchedDuplicate() throws {
        let world = SyncWorld.generate(seed: 51, count: 100)
        var forged = world[10]
        forged.author = "someone-else"
        let p = SyncPeers([("a", "almaty-central", world), ("b", "temirtau", [forged, world[11]])])
        let before = LedgerDigest.of(p.store("a").ledger)
        let s = try p.send("b", "a", mode: .all)
        #expect(s.mismatched == 1 && s.eventsKnown == 2 && s.eventsNew == 0)
        #expect(p.store("a").stored[forged.id] == world[10])
        #expect(LedgerDigest.of(p.store("a").ledger) == before)
    }

    @Test("The fold the merge relies on ignores order and repeats", arguments: [31, 32] as [UInt64])
    func foldIsASetFunction(seed: UInt64) {
        let world = SyncWorld.generate(seed: seed, count: 800)
        var g = SplitMix(seed: seed)
        let expected = Self.fold(world)
        for _ in 0..<5 {
            var shuffled = world.shuffled(using: &g)
            shuffled += shuffled.prefix(Int(g.next() % 100))
            #expect(Self.fold(shuffled) == expected)
        }
    }

    @Test("The digest notices a single changed event")
    func digestIsSensitive() {
        let world = SyncWorld.generate(seed: 41, count: 300)
        var changed = world
        for (i, e) in changed.enumerated() {
            if case .contactLogged(var c) = e.body, !c.items.isEmpty {
                c.items[0].quantity += 1
                changed[i].body = .contactLogged(c)
                break
            }
        }
        #expect(Self.fold(changed) != Self.fold(world))
        #expect(Self.fold(Array(world.dropLast())) != Self.fold(world))
    }
}

/// The status rule for referrals changed at two sites at once (docs/sync.md).
@Suite struct SyncReferralRuleTests {
    let t: Timestamp = 1_780_000_000

    func ev(_ id: UInt64, at: Timestamp, site: String, _ body: EventBody) -> Event {
        Event(id: EventID(high: id, low: 0), at: at, author: "w\(id)", device: DeviceID(id), site: site, body: body)
    }

    func issue() -> Event {
        ev(1, at: t, site: "almaty-central", .referralIssued(ReferralIssue(client: UIC(normalised: "MAIV185"), service: "hiv-test")))
    }

    func update(_ id: UInt64, at: Timestamp, _ status: ReferralStatus, basedOn: UInt64) -> Event {
        ev(id, at: at, site: id % 2 == 0 ? "temirtau" : "almaty-mobile",
           .referralUpdated(ReferralUpdate(referral: EventID(high: 1, low: 0), status: status, basedOn: EventID(high: basedOn, low: 0))))
    }

    @Test("Two changes based on the same one: conflict flagged, both kept, latest wins, in every order")
    func concurrent() {
        let events = [issue(), update(2, at: t + 100, .accompanied, basedOn: 1), update(3, at: t + 200, .declined, basedOn: 1)]
        for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
            let l = LedgerState.fold(order.map { events[$0] })
            let r = l.referrals[EventID(high: 1, low: 0)]!
            #expect(r.conflict)
            #expect(r.history.map(\.id) == [EventID(high: 2, low: 0), EventID(high: 3, low: 0)])
            #expect(r.status == .declined && r.statusAt == t + 200)
        }
    }

    @Test("A change made after seeing another wins over it even with a clock behind")
    func causalOverClock() {
        // 3 was made knowing 2 (basedOn 2) on a laptop whose clock is 50 s behind.
        let l = LedgerState.fold([issue(), update(2, at: t + 100, .accompanied, basedOn: 1),
                                  update(3, at: t + 50, .attended, basedOn: 2)])
        let r = l.referrals[EventID(high: 1, low: 0)]!
        #expect(!r.conflict)
        #expect(r.status == .attended && r.statusAt == t + 50)
    }

    @Test("Sequential changes: no conflict, the last one decides")
    func sequential() {
        let l = LedgerState.fold([issue(), update(2, at: t + 100, .accompanied, basedOn: 1),
                                  update(3, at: t + 200, .attended, basedOn: 2), update(4, at: t + 300, .lost, basedOn: 3)])
        let r = l.referrals[EventID(high: 1, low: 0)]!
        #expect(!r.conflict && r.status == .lost && r.history.count == 3)
    }
}
