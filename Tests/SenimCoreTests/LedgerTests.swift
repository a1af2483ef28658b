import Testing
import SenimCore
import SenimTestSupport

@Suite struct LedgerTests {
    let v = Fixtures.validator
    let cat = Fixtures.catalogue

    func ctx(_ role: Role = .coordinator, at: Timestamp, id: UInt64, site: String = "almaty-central") -> Validator.Context {
        Fixtures.ctx(role, at: at, site: site, id: id)
    }

    @Test func contactBelowZeroIsRecordedAndFlagged() throws {
        var events: [Event] = []
        events.append(try v.receive(item: "needle", quantity: 10, lot: nil, expires: nil, ctx: ctx(at: 100, id: 1)))
        events += try v.contact(.init(client: "MAIV285", items: [("needle", 8)]), ctx: ctx(.worker, at: 200, id: 2),
                                known: { _ in false }, nearDuplicates: { _ in [] }, newClient: true)
        events += try v.contact(.init(client: "MAIV285", items: [("needle", 5)]), ctx: ctx(.worker, at: 300, id: 3),
                                known: { _ in true }, nearDuplicates: { _ in [] }, newClient: false)
        let s = LedgerState.fold(events, catalogue: cat)
        let lvl = try #require(s.level(site: "almaty-central", item: "needle"))
        #expect(lvl.level == -3)
        #expect(lvl.discrepancies == 1)
        #expect(lvl.shortfall == 3)
        #expect(s.discrepancies.count == 1)
        #expect(s.discrepancies[0].event == EventID(high: 3, low: 3))
        #expect(s.contacts.count == 2)   // nothing refused
        // A stocktake sets the level and records the adjustment.
        let counted = try v.count(item: "needle", counted: 0, ctx: ctx(at: 400, id: 4))
        let s2 = LedgerState.fold(events + [counted], catalogue: cat)
        #expect(s2.level(site: "almaty-central", item: "needle")?.level == 0)
        #expect(s2.movements.last?.kind == .adjusted)
        #expect(s2.movements.last?.delta == 3)
    }

    @Test func lotsAreConsumedFirstExpiryFirst() throws {
        let a = try v.receive(item: "naloxone", quantity: 5, lot: "B", expires: 20_500, ctx: ctx(at: 1, id: 1))
        let b = try v.receive(item: "naloxone", quantity: 5, lot: "A", expires: 20_400, ctx: ctx(at: 2, id: 2))
        let c = try v.contact(.init(client: "MAIV285", items: [("naloxone", 7)]), ctx: ctx(.worker, at: 3, id: 3),
                              known: { _ in true }, nearDuplicates: { _ in [] }, newClient: false)
        let s = LedgerState.fold([a, b] + c, catalogue: cat)
        let lvl = try #require(s.level(site: "almaty-central", item: "naloxone"))
        #expect(lvl.level == 3)
        #expect(lvl.lots.map(\.lot) == ["B"])
        #expect(lvl.lots.first?.remaining == 3)
    }

    @Test func transfersStayInTransitUntilReceived() throws {
        let t = try v.transfer(item: "condom", quantity: 100, to: "almaty-mobile", ctx: ctx(at: 10, id: 1))
        var s = LedgerState.fold([t], catalogue: cat)
        #expect(s.transfersInTransit.count == 1)
        #expect(s.level(site: "almaty-central", item: "condom")?.level == -100)
        let rec = try v.confirmTransfer(s.transfersInTransit[0], ledger: s, ctx: ctx(.worker, at: 20, id: 2, site: "almaty-mobile"))
        let ok_rec = s.append(rec); #expect(ok_rec)
        #expect(s.transfersInTransit.isEmpty)
        #expect(s.level(site: "almaty-mobile", item: "condom")?.level == 100)
        // The receipt arriving first (sync from another laptop) still links up.
        let early = Event(id: rec.id, at: 5, author: rec.author, device: rec.device, site: rec.site, body: rec.body)
        let s2 = LedgerState.fold([early, t], catalogue: cat)
        #expect(s2.transfersInTransit.isEmpty)
        #expect(s2.level(site: "almaty-mobile", item: "condom")?.level == 100)
    }

    @Test func referralConflictIsFlaggedAndResolvedDeterministically() throws {
        let issue = try v.issueReferral(client: "MAIV285", service: "hiv-test", due: nil, note: nil,
                                        ctx: ctx(.worker, at: 10, id: 1), known: { _ in true })
        let base = LedgerState.fold([issue]).referrals[issue.id]
        let a = try v.updateReferral(base, idText: "", status: .attended, note: nil, ctx: ctx(.worker, at: 20, id: 2))
        let b = try v.updateReferral(base, idText: "", status: .declined, note: nil, ctx: ctx(.worker, at: 30, id: 3, site: "almaty-mobile"))
        let s1 = LedgerState.fold([issue, a, b]), s2 = LedgerState.fold([b, a, issue])
        let r1 = try #require(s1.referrals[issue.id]), r2 = try #require(s2.referrals[issue.id])
        #expect(r1 == r2)
        #expect(r1.conflict)
        #expect(r1.status == .declined)   // the later change wins
        #expect(r1.history.count == 2)
        // A change made after seeing the other is not a conflict.
        let c = try v.updateReferral(LedgerState.fold([issue, a]).referrals[issue.id], idText: "", status: .lost, note: nil,
                                     ctx: ctx(.worker, at: 40, id: 4))
        #expect(LedgerState.fold([issue, a, c]).referrals[issue.id]?.conflict == false)
    }

    @Test func mergesCountOnceAndCyclesAreIgnored() throws {
        let m1 = try v.mergeClients("MAIB285", into: "MAIV285", ctx: ctx(at: 10, id: 1), known: { _ in true }, canonical: { $0 })
        let m2 = try v.mergeClients("MAIV285", into: "MAIB285", ctx: ctx(at: 20, id: 2), known: { _ in true }, canonical: { $0 })
        let s = LedgerState.fold([m1, m2])
        let a = try #require(s.clientIndex[UIC(normalised: "MAIB285")])
        let b = try #require(s.clientIndex[UIC(normalised: "MAIV285")])
        #expect(s.canonical(a) == b)
        #expect(s.canonical(b) == b)
        #expect(s.clients(withPrefix: "MAI").map(\.code) == ["MAIV285"])
    }

    @Test func usersFollowAddAndRemove() throws {
        let add = try v.addUser("dana", role: .psychologist, ctx: ctx(at: 1, id: 1))
        let rm = try v.removeUser("dana", ctx: ctx(at: 2, id: 2))
        #expect(LedgerState.fold([add]).users["dana"] == .psychologist)
        #expect(LedgerState.fold([rm, add]).users["dana"] == nil)
        #expect(throws: Message.self) { try v.addUser("bad name!", role: .worker, ctx: ctx(at: 1, id: 1)) }
    }

    @Test func appendRefusesOutOfOrderAndIgnoresRepeats() throws {
        let e1 = try v.registerClient("MAIV285", ctx: ctx(at: 100, id: 5), known: { _ in false })
        let e0 = try v.registerClient("KOLA185", ctx: ctx(at: 50, id: 6), known: { _ in false })
        var s = LedgerState()
        let ok_e1 = s.append(e1); #expect(ok_e1)
        let again = s.append(e1); #expect(again)
        #expect(s.eventCount == 1)
        let ok_e0 = s.append(e0); #expect(!ok_e0)
        #expect(s.clients.count == 1)
    }
}

@Suite struct LedgerLotTests {
    /// Write-offs and transfers draw from lots like contacts do, whether folded or appended.
    @Test func writeOffConsumesLotsInFoldAndAppend() throws {
        let v = Fixtures.validator
        let r = try v.receive(item: "naloxone", quantity: 40, lot: "NX-25C", expires: 20_940, ctx: Fixtures.ctx(.coordinator, at: 1, id: 1))
        let w = try v.writeOff(item: "naloxone", quantity: 4, reason: .damaged, ctx: Fixtures.ctx(.coordinator, at: 2, id: 2))
        let folded = LedgerState.fold([r, w], catalogue: Fixtures.catalogue)
        #expect(folded.level(site: "almaty-central", item: "naloxone")?.lots.first?.remaining == 36)
        var appended = LedgerState(catalogue: Fixtures.catalogue)
        _ = appended.append(r)
        _ = appended.level(site: "almaty-central", item: "naloxone")   // a read between the two
        _ = appended.append(w)
        let lvl = try #require(appended.level(site: "almaty-central", item: "naloxone"))
        #expect(lvl.level == 36)
        #expect(lvl.lots.first?.remaining == 36)
    }
}

@Suite struct OrderedIDTests {
    /// Ids made in one second by one device keep their order, so a write-off made right after
    /// a delivery never folds before it (found by the CLI test of lots).
    @Test func idsOfOneSecondKeepTheirOrder() throws {
        var g = SplitMix(seed: 3)
        var previous: EventID? = nil
        var ids: [EventID] = []
        for i in 0..<1_000 {
            let id = EventID.ordered(milliseconds: 1_780_000_000_000 + UInt64(i / 10), after: previous, using: &g)
            ids.append(id)
            previous = id
        }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        let v = Fixtures.validator
        let r = try v.receive(item: "naloxone", quantity: 40, lot: "L", expires: nil,
                              ctx: Validator.Context(author: "a", role: .coordinator, device: DeviceID(1), site: "almaty-central", at: 5, id: ids[0]))
        let w = try v.writeOff(item: "naloxone", quantity: 4, reason: .damaged,
                               ctx: Validator.Context(author: "a", role: .coordinator, device: DeviceID(1), site: "almaty-central", at: 5, id: ids[1]))
        let s = LedgerState.fold([w, r], catalogue: Fixtures.catalogue)
        #expect(s.level(site: "almaty-central", item: "naloxone")?.lots.first?.remaining == 36)
        #expect(s.level(site: "almaty-central", item: "naloxone")?.discrepancies == 0)
    }
}
