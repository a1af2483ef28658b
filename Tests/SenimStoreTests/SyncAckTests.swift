import SenimCore
@testable import SenimStore
import Testing

/// `--since-last`: what the sender believes the recipient holds, from its own exports and
/// the holdings summaries and acknowledgements in the recipient's bundles.
@Suite struct SyncAckTests {
    static let t0: Timestamp = 1_780_000_000

    /// A contact in holdings week `week` (counted from t0's week).
    static func contact(_ n: UInt64, week: Int64, device: UInt64 = 0xA1, site: String = "almaty-mobile") -> Event {
        Event(id: EventID(high: n, low: n &* 31), at: t0 + week * Holdings.period + Timestamp(n % 1000), author: "aigerim",
              device: DeviceID(device), site: site,
              body: .contactLogged(Contact(client: UIC(normalised: "MAIV185"), type: "mobile",
                                           items: [ItemQuantity(item: "needle", quantity: 2)])))
    }

    /// `perWeek` contacts in each week of `range`: one holdings bucket per week.
    static func weeks(_ range: Range<UInt64>, perWeek: UInt64 = 5, device: UInt64 = 0xA1) -> [Event] {
        range.flatMap { w in (0..<perWeek).map { contact(device << 32 | w * 100 + $0, week: Int64(w), device: device) } }
    }

    @Test("A second export with nothing new carries no events; new events send only their day")
    func nothingTwice() throws {
        let p = SyncPeers([("laptop", "almaty-mobile", Self.weeks(0..<10)), ("hub", "almaty-central", [])])
        let first = try p["laptop"].export(to: "hub", mode: .sinceLast)
        #expect(first.eventCount == 50)
        let second = try p["laptop"].export(to: "hub", mode: .sinceLast)
        #expect(second.eventCount == 0)
        // One new contact in week 3: the week-3 bucket (6 events) goes again, nothing else.
        p.store("laptop").append([Self.contact(0xA1 << 32 | 999_999, week: 3)])
        let third = try p["laptop"].export(to: "hub", mode: .sinceLast)
        #expect(third.eventCount == 6)
        // --all sends everything whatever was sent before.
        #expect(try p["laptop"].export(to: "hub", mode: .all).eventCount == 51)
        // The hub imports them in any order; gaps are reported while bundles are missing.
        let s3 = try p["hub"].importBundle(third.bytes)
        #expect(s3.sequence == 3 && s3.missingSequences == [1, 2])
        let s1 = try p["hub"].importBundle(first.bytes)
        #expect(s1.missingSequences == [2] && s1.eventsNew == 45 && s1.eventsKnown == 5)
        #expect(p.store("hub").stored.count == 51)
    }

    @Test("After the peer's summary arrives, events it already holds are not sent")
    func summaryPreventsResend() throws {
        let shared = Self.weeks(0..<5)
        let p = SyncPeers([("laptop", "almaty-mobile", shared + Self.weeks(5..<8)), ("hub", "almaty-central", shared)])
        // The hub reports what it holds; the laptop then sends only weeks 5–7.
        try p.send("hub", "laptop")
        let b = try p["laptop"].export(to: "hub", mode: .sinceLast)
        #expect(b.eventCount == 15)
        _ = try p["hub"].importBundle(b.bytes)
        #expect(LedgerDigest.of(p.store("hub").ledger) == LedgerDigest.of(p.store("laptop").ledger))
        // And the hub, having the laptop's summary, has nothing to send back.
        #expect(try p["hub"].export(to: "laptop", mode: .sinceLast).eventCount == 0)
    }

    @Test("A lost bundle is sent again once the peer acknowledges a later one")
    func lostBundleRecovers() throws {
        let p = SyncPeers([("laptop", "almaty-mobile", Self.weeks(0..<4)), ("hub", "almaty-central", [])])
        let lost = try p["laptop"].export(to: "hub", mode: .sinceLast)   // #1, never arrives
        #expect(lost.eventCount == 20)
        p.store("laptop").append(Self.weeks(4..<6))
        let s2 = try p.send("laptop", "hub")                               // #2: only weeks 4–5
        #expect(s2.eventsNew == 10 && s2.missingSequences == [1])
        // The hub answers: it acknowledges #2 and its summary lacks weeks 0–3.
        let back = try p.send("hub", "laptop")
        #expect(back.eventsInBundle == 0)   // the hub knows from #2 that the laptop has weeks 4–5
        let again = try p["laptop"].export(to: "hub", mode: .sinceLast)
        #expect(again.eventCount == 20)
        _ = try p["hub"].importBundle(again.bytes)
        #expect(Set(p.store("hub").stored.keys) == Set(p.store("laptop").stored.keys))
        let status = try p["laptop"].peers().first { $0.name == "hub" }!
        #expect(status.bundlesSent == 3 && status.acknowledged == 2 && status.bundlesImported == 1)
        // The lost bundle, if it turns up after all, is merged harmlessly.
        let late = try p["hub"].importBundle(lost.bytes)
        #expect(late.eventsNew == 0 && late.eventsKnown == 20)
    }

    @Test("Relaying through a hub: each laptop gets the other's events, none of its own back")
    func relay() throws {
        let a = Self.weeks(0..<3, device: 0xA1), b = Self.weeks(0..<3, device: 0xB2)
        let p = SyncPeers([("a", "almaty-mobile", a), ("b", "temirtau", b), ("hub", "almaty-central", [])])
        try p.send("a", "hub")
        try p.send("b", "hub")
        let toA = try p["hub"].export(to: "a", mode: .sinceLast)
        #expect(toA.eventCount == 15)
        let sa = try p["a"].importBundle(toA.bytes)
        #expect(sa.eventsNew == 15 && sa.eventsKnown == 0)
        let toB = try p["hub"].export(to: "b", mode: .sinceLast)
        #expect(toB.eventCount == 15)
        // a's next bundle to the hub: the hub already holds everything a has.
        #expect(try p["a"].export(to: "hub", mode: .sinceLast).eventCount == 0)
    }

    @Test("If writing the bundle fails, nothing is recorded as sent")
    func writeFailure() throws {
        let p = SyncPeers([("laptop", "almaty-mobile", Self.weeks(0..<2)), ("hub", "almaty-central", [])])
        let before = p.store("laptop").snapshot
        struct Full: Error {}
        #expect(throws: SyncError.self) {
            _ = try p["laptop"].export(to: "hub", mode: .sinceLast) { _ in throw Full() }
        }
        #expect(p.store("laptop").snapshot == before)
        var written: [UInt8] = []
        let s = try p["laptop"].export(to: "hub", mode: .sinceLast) { written = $0 }
        #expect(s.sequence == 1 && s.eventCount == 10 && s.byteCount == written.count)
        #expect(try p["hub"].importBundle(written).missingSequences.isEmpty)
    }

    @Test("A store restored from an old backup notices and numbers its bundles past the peer's acknowledgement")
    func restoredStore() throws {
        let p = SyncPeers([("laptop", "almaty-mobile", Self.weeks(0..<2)), ("hub", "almaty-central", [])])
        let saved = p.store("laptop").local
        try p.send("laptop", "hub")
        try p.send("laptop", "hub")
        // Restore the laptop's sync metadata to before those two bundles.
        for (k, v) in saved { try p.store("laptop").setLocalValue(k, v) }
        try p.store("laptop").setLocalValue(PeerState.key("hub"), nil)
        let back = try p.send("hub", "laptop")
        #expect(back.restoreDetected)
        let next = try p["laptop"].export(to: "hub", mode: .sinceLast)
        let s = try p["hub"].importBundle(next.bytes)
        #expect(s.sequence == 3)
    }

    @Test("Sync metadata survives an encode/decode round trip; damaged metadata is reported, not trusted")
    func metadataRoundTrip() throws {
        let p = SyncPeers([("laptop", "almaty-mobile", Self.weeks(0..<3)), ("hub", "almaty-central", Self.weeks(1..<2, device: 0xB2))])
        try p.send("laptop", "hub")
        try p.send("hub", "laptop")
        p.store("laptop").append(Self.weeks(3..<4))
        _ = try p["laptop"].export(to: "hub", mode: .sinceLast)
        let raw = p.store("laptop").local[PeerState.key("hub")]!
        let state = try PeerState.decode(raw, key: "k")
        #expect(state.encode() == raw)
        #expect(state.nextSequence == 3 && state.importedSequences == [1] && state.sent.count == 1 && state.peerHoldings != nil)
        try p.store("laptop").setLocalValue(PeerState.key("hub"), Array(raw.dropLast()))
        #expect(throws: SyncError.corruptMetadata(key: PeerState.key("hub"))) {
            _ = try p["laptop"].export(to: "hub", mode: .sinceLast)
        }
        try p.store("laptop").setLocalValue(TrustList.key, [1, 5])
        #expect(throws: SyncError.corruptMetadata(key: TrustList.key)) { _ = try p["laptop"].peers() }
    }

    @Test("Holdings digests are order-independent and differ when one event differs")
    func holdings() {
        let events = Self.weeks(0..<20)
        let h = Holdings(events: events)
        #expect(Holdings(events: events.reversed()) == h)
        #expect(Holdings(events: events + events.prefix(7)) == h)
        #expect(h.buckets.count == 20 && h.buckets.values.allSatisfy { $0.count == 5 })
        var other = events
        other[3].id = EventID(high: 77, low: 77)
        let h2 = Holdings(events: other)
        #expect(h2 != h)
        #expect(h2.buckets.filter { h.buckets[$0.key] != $0.value }.count == 1)
        // Weeks before 1970 and far-off timestamps fall into their own buckets without trapping.
        #expect(Holdings.Bucket.week(of: -1) == -1 && Holdings.Bucket.week(of: -604_800) == -1)
        #expect(Holdings.Bucket.week(of: -604_801) == -2 && Holdings.Bucket.week(of: 604_799) == 0)
        #expect(Holdings.Bucket.week(of: .min) < 0 && Holdings.Bucket.week(of: .max) > 0)
    }

    @Test("Per-peer metadata over the size limit forgets holdings, then sent buckets: bundles grow, nothing is lost")
    func metadataSizeLimit() throws {
        let p = SyncPeers([("laptop", "almaty-mobile", Self.weeks(0..<40)), ("hub", "almaty-central", Self.weeks(0..<40, device: 0xB2))])
        p["laptop"].maxPeerStateSize = 200
        try p.send("hub", "laptop")
        let first = try p["laptop"].export(to: "hub", mode: .sinceLast)
        let state = try p["laptop"].peerState("hub")
        #expect(state.peerHoldings == nil && state.sent.isEmpty && state.nextSequence == 2 && state.importedSequences == [1])
        // Without the bookkeeping every event goes again; with it, only what the hub lacks.
        #expect(first.eventCount == 400)
        _ = try p["hub"].importBundle(first.bytes)
        #expect(Set(p.store("hub").stored.keys) == Set(p.store("laptop").stored.keys))
        p["laptop"].maxPeerStateSize = 900_000
        try p.send("hub", "laptop")
        #expect(try p["laptop"].export(to: "hub", mode: .sinceLast).eventCount == 0)
    }

    @Test("Import progress rises monotonically and ends at total when the merge is done")
    func progress() throws {
        let p = SyncPeers([("laptop", "almaty-mobile", SyncWorld.generate(seed: 61, count: 2_000)), ("hub", "almaty-central", [])])
        let b = try p["laptop"].export(to: "hub", mode: .all)
        var calls: [(Int, Int)] = []
        let s = try p["hub"].importBundle(b.bytes) { calls.append(($0, $1)) }
        #expect(s.eventsNew == 2_000)
        #expect(calls.count >= 4)   // two chunks, after decoding, at the end
        #expect(calls.allSatisfy { $0.1 == calls[0].1 && $0.0 <= $0.1 })
        #expect(calls.map(\.0) == calls.map(\.0).sorted())
        #expect(calls.last!.0 == calls.last!.1)
    }
}
