import Foundation
import Testing
@testable import SenimCore
import SenimTestSupport

/// Corrections, voids and unmerges: how they fold (in any order), what they change in stock and
/// reports, and who may make them.
@Suite struct CorrectionTests {
    typealias L = LedgerBuilder
    let v = Fixtures.validator
    let cat = Fixtures.catalogue

    func event(_ id: UInt64, _ at: Timestamp, _ body: EventBody, author: String = "aigerim",
               site: String = "almaty-central") -> Event {
        Event(id: EventID(high: id, low: id), at: at, author: author, device: DeviceID(1), site: site, body: body)
    }

    func contact(_ code: String, _ items: [(String, Int32)], services: [String] = [], note: String? = nil) -> Contact {
        Contact(client: UIC(normalised: code), type: "stationary", items: items.map { ItemQuantity(item: $0.0, quantity: $0.1) },
                services: services, note: note)
    }

    func id(_ n: UInt64) -> EventID { EventID(high: n, low: n) }

    /// Everything a screen or report reads from a ledger, as text (so two states compare whole).
    func picture(_ s: LedgerState) -> String {
        var out: [String] = []
        for (i, c) in s.contacts.enumerated() {
            out.append("contact \(c.id) \(c.at) \(s.clients[Int(c.client)].uic.code) \(s.sites[c.site]) \(s.workers[c.worker]) "
                       + "\(s.contactTypes[c.type]) \(c.overdose >= 0 ? s.outcomes[c.overdose] : "-") "
                       + s.lines(of: c).map { "\(s.items[$0.item])=\($0.quantity)" }.joined(separator: ",") + " "
                       + s.services(of: c).map { s.services[$0] }.joined(separator: ",") + " " + (s.contactNotes[Int32(i)] ?? "-"))
        }
        for c in s.clients.sorted(by: { $0.uic.code < $1.uic.code }) {
            out.append("client \(c.uic.code) \(c.contacts) \(c.firstSeen) \(c.lastSeen) "
                       + (c.mergedInto.map { s.clients[Int($0)].uic.code } ?? "-"))
        }
        for (k, l) in s.stock.sorted(by: { (s.sites[$0.key.site], s.items[$0.key.item]) < (s.sites[$1.key.site], s.items[$1.key.item]) }) {
            out.append("stock \(s.sites[k.site]) \(s.items[k.item]) \(l.level) \(l.discrepancies) \(l.shortfall) "
                       + l.lots.map { "\($0.lot ?? "-"):\($0.remaining)" }.joined(separator: ","))
        }
        for m in s.movements { out.append("move \(m.id) \(m.at) \(s.sites[m.site]) \(s.items[m.item]) \(m.kind) \(m.delta)") }
        for d in s.discrepancies { out.append("short \(d.event) \(s.items[d.item]) \(d.shortfall)") }
        for r in s.referralList {
            out.append("referral \(r.id) \(r.status) \(r.statusAt) \(r.conflict) "
                       + r.history.map { "\($0.id):\($0.status):\($0.voided)" }.joined(separator: ","))
        }
        for (t, h) in s.amendments.sorted(by: { $0.key < $1.key }) {
            out.append("amend \(t) \(h.original?.id.description ?? "pending") \(h.voided) "
                       + h.changes.map { "\($0.id)" }.joined(separator: ","))
        }
        return out.joined(separator: "\n")
    }

    /// A history with every kind of amendment, including a correction whose author's clock
    /// was behind (it sorts before its target) and two corrections of one contact.
    var history: [Event] {
        [
            event(1, 1_000, .stockReceived(StockReceipt(item: "syringe-2ml", quantity: 50, lot: "L1", expires: 25_000))),
            event(2, 1_100, .clientRegistered(UIC(normalised: "ANAN168"))),
            event(3, 1_200, .contactLogged(contact("ANAN168", [("syringe-2ml", 100), ("needle", 10)]))),
            event(4, 1_300, .contactLogged(contact("ANAN168", [("syringe-2ml", 5)]))),
            event(5, 1_400, .stockWrittenOff(StockWriteOff(item: "syringe-2ml", quantity: 7, reason: .damaged)), author: "timur"),
            event(6, 1_500, .referralIssued(ReferralIssue(client: UIC(normalised: "ANAN168"), service: "hiv-test"))),
            event(7, 1_600, .referralUpdated(ReferralUpdate(referral: id(6), status: .attended, basedOn: id(6)))),
            event(8, 1_700, .contactCorrected(ContactCorrection(target: id(3), contact: contact("ANAN168", [("syringe-2ml", 12)]),
                                                               reason: .mistake))),
            event(9, 1_800, .contactCorrected(ContactCorrection(target: id(3), contact: contact("ANAN168", [("syringe-2ml", 10), ("needle", 10)]),
                                                               reason: .mistake, note: "typed 100"))),
            event(10, 1_900, .recordVoided(VoidRecord(target: id(4), reason: .duplicate))),
            event(11, 2_000, .recordVoided(VoidRecord(target: id(5), reason: .mistake)), author: "timur"),
            event(12, 2_100, .recordVoided(VoidRecord(target: id(7), reason: .wrongClient))),
            event(13, 2_200, .clientRegistered(UIC(normalised: "BOBO170"))),
            event(14, 2_300, .clientsMerged(from: UIC(normalised: "BOBO170"), into: UIC(normalised: "ANAN168")), author: "timur"),
            event(15, 2_400, .clientUnmerged(UIC(normalised: "BOBO170")), author: "timur"),
            // Made on a laptop whose clock was 10 minutes behind: folds before the contact it corrects.
            event(16, 2_450, .contactCorrected(ContactCorrection(target: id(17), contact: contact("BOBO170", [("condom", 3)]),
                                                                reason: .wrongClient))),
            event(17, 3_000, .contactLogged(contact("ANAN168", [("condom", 30)]))),
        ]
    }

    @Test func foldIsTheSameInEveryOrder() {
        let reference = picture(LedgerState.fold(history, catalogue: cat))
        var g = SplitMix(seed: 12)
        for _ in 0..<300 {
            var shuffled = history
            shuffled.shuffle(using: &g)
            // Repeats (a bundle imported twice) change nothing either.
            if g.next() % 3 == 0 { shuffled.append(shuffled[Int(g.next() % UInt64(shuffled.count))]) }
            #expect(picture(LedgerState.fold(shuffled, catalogue: cat)) == reference)
        }
    }

    @Test func arrivingOneByOneGivesTheFold() {
        // As a store sees it: events arrive in any order; `append` refuses what it cannot place
        // (an earlier event, or any correction or void) and the store refolds what it has.
        let reference = picture(LedgerState.fold(history, catalogue: cat))
        var g = SplitMix(seed: 99)
        for round in 0..<100 {
            var arrival = history
            if round > 0 { arrival.shuffle(using: &g) }
            var have: [Event] = []
            var s = LedgerState(catalogue: cat)
            for e in arrival {
                have.append(e)
                if !s.append(e) { s = LedgerState.fold(have, catalogue: cat) }
            }
            #expect(picture(s) == reference)
        }
    }

    @Test func theLatestCorrectionDecidesInTheOriginalsPlace() throws {
        let s = LedgerState.fold(history, catalogue: cat)
        // Contact 3: 100 syringes typed, corrected to 12, then to 10.
        let i = try #require(s.contactIndex(id(3)))
        #expect(s.contacts[i].at == 1_200)
        #expect(s.lines(of: s.contacts[i]).map { Int($0.quantity) } == [10, 10])
        // Receipt 50, contact 3 now takes 10, contact 4 is voided, the write-off is voided.
        let lvl = try #require(s.level(site: "almaty-central", item: "syringe-2ml"))
        #expect(lvl.level == 40)
        #expect(lvl.lots.first?.remaining == 40)
        #expect(lvl.discrepancies == 0)          // 100 from 50 would have gone below zero
        #expect(s.discrepancies.allSatisfy { s.items[$0.item] != "syringe-2ml" })
        // Contact 4 is gone from the contacts; ANAN168 keeps 2 (contact 3, and 17 before its correction? no: 17 went to BOBO170).
        #expect(s.contactIndex(id(4)) == nil)
        #expect(s.client(UIC(normalised: "ANAN168"))?.contacts == 1)
        #expect(s.client(UIC(normalised: "BOBO170"))?.contacts == 1)
        // The correction that sorted before its contact applied when the contact came.
        let j = try #require(s.contactIndex(id(17)))
        #expect(s.clients[Int(s.contacts[j].client)].uic.code == "BOBO170")
        #expect(s.lines(of: s.contacts[j]).map { Int($0.quantity) } == [3])
        // The originals stay in the history.
        let h = try #require(s.history(of: id(3)))
        guard case .contactLogged(let original)? = h.original?.body else { Issue.record("no original"); return }
        #expect(original.items.first?.quantity == 100)
        #expect(h.changes.map(\.id) == [id(8), id(9)])
        #expect(h.changes.last?.note == "typed 100")
        #expect(s.voidedContacts.map(\.id) == [id(4)])
        // The voided status change: the referral is back to issued, the change stays, marked.
        let r = try #require(s.referrals[id(6)])
        #expect(r.status == .issued)
        #expect(r.history.map(\.voided) == [true])
        // The write-off is no movement any more; merged then unmerged: its own client again.
        #expect(!s.movements.contains { $0.id == id(5) })
        #expect(s.client(UIC(normalised: "BOBO170"))?.mergedInto == nil)
    }

    @Test func aCorrectionWaitsForItsContact() throws {
        let correction = event(20, 5_000, .contactCorrected(ContactCorrection(target: id(3), contact: contact("ANAN168", [("needle", 2)]))))
        var s = LedgerState.fold([correction], catalogue: cat)
        #expect(s.contacts.isEmpty)
        #expect(s.amendments[id(3)]?.original == nil)   // pending
        #expect(s.amendTarget(id(3)) == nil)
        // The contact arrives later (a sync bundle): earlier in time, so the store refolds.
        let target = event(3, 1_200, .contactLogged(contact("ANAN168", [("needle", 40)])))
        let placed = s.append(target)
        #expect(!placed)
        s = LedgerState.fold([correction, target], catalogue: cat)
        #expect(s.lines(of: s.contacts[0]).map { Int($0.quantity) } == [2])
        #expect(s.level(site: "almaty-central", item: "needle")?.level == -2)
        // A void that arrives first waits the same way.
        let void = event(21, 900, .recordVoided(VoidRecord(target: id(30), reason: .test)))
        var t = LedgerState.fold([void], catalogue: cat)
        let appended = t.append(event(30, 1_000, .contactLogged(contact("ANAN168", [("needle", 5)]))))
        #expect(appended)
        #expect(t.contacts.isEmpty)
        #expect(t.level(site: "almaty-central", item: "needle")?.level ?? 0 == 0)
    }

    @Test func aVoidWinsOverCorrectionsBeforeAndAfterIt() throws {
        let base = [event(1, 100, .contactLogged(contact("ANAN168", [("needle", 5)])))]
        let fix = event(2, 200, .contactCorrected(ContactCorrection(target: id(1), contact: contact("ANAN168", [("needle", 6)]))))
        let void = event(3, 300, .recordVoided(VoidRecord(target: id(1), reason: .duplicate)))
        let late = event(4, 400, .contactCorrected(ContactCorrection(target: id(1), contact: contact("ANAN168", [("needle", 7)]))))
        let s = LedgerState.fold(base + [fix, void, late], catalogue: cat)
        #expect(s.contacts.isEmpty)
        #expect(s.amendTarget(id(1))?.voided == true)
        #expect(s.amendTarget(id(1))?.contact?.items.first?.quantity == 7)
    }

    @Test func aStocktakeSettlesEarlierDiscrepancies() throws {
        var events = [event(1, 100, .contactLogged(contact("ANAN168", [("naloxone", 3)])))]
        var s = LedgerState.fold(events, catalogue: cat)
        #expect(s.level(site: "almaty-central", item: "naloxone")?.discrepancies == 1)
        events.append(event(2, 200, .stockCounted(StockCount(item: "naloxone", counted: 4))))
        s = LedgerState.fold(events, catalogue: cat)
        let lvl = try #require(s.level(site: "almaty-central", item: "naloxone"))
        #expect(lvl.level == 4)
        #expect(lvl.discrepancies == 0 && lvl.shortfall == 0)
        #expect(s.discrepancies.count == 1)   // the history keeps it (reports count it in its period)
    }

    @Test func aBackdatedReceiptRepairsThePast() throws {
        // The delivery entered next morning with --at: the contact never took the level below zero.
        let contactEvent = event(2, 2_000, .contactLogged(contact("ANAN168", [("needle", 10)])))
        let receipt = event(3, 1_000, .stockReceived(StockReceipt(item: "needle", quantity: 100)))
        let s = LedgerState.fold([contactEvent, receipt], catalogue: cat)
        #expect(s.discrepancies.isEmpty)
        #expect(s.level(site: "almaty-central", item: "needle")?.level == 90)
    }

    // MARK: Reports

    /// November and December 2026 in Almaty, with a correction and a void made in December of
    /// contacts made in November (one at 23:50 on 30 November, just before the edge).
    @Test func reportsFollowCorrectionsInTheOriginalsPeriod() throws {
        var b = L()
        b.add(L.almaty(2026, 10, 20), .stockReceived(StockReceipt(item: "syringe-2ml", quantity: 500)))
        let early = b.contact(L.almaty(2026, 11, 1, 0, 0), "ANAN168", items: ["syringe-2ml": 20])
        let edge = b.contact(L.almaty(2026, 11, 30, 23, 50), "TOAK295", items: ["syringe-2ml": 100])
        b.contact(L.almaty(2026, 12, 1, 0, 0), "ANAN168", items: ["syringe-2ml": 5])
        let before = (nov: report(b.ledger(), "2026-11"), dec: report(b.ledger(), "2026-12"))
        #expect(before.nov.value("contacts") == 2)
        #expect(before.nov.value("clients.reached") == 2)
        #expect(before.nov.value("items.syringe-2ml") == 120)
        #expect(before.dec.value("items.syringe-2ml") == 5)
        #expect(stock(before.nov, "closing") == 380)         // 500 − 20 − 100
        #expect(stock(before.dec, "closing") == 375)
        // On 1 December: the 100 was a typo for 10; the 1 November contact was a test entry.
        b.add(L.almaty(2026, 12, 1, 16, 20), .contactCorrected(ContactCorrection(
            target: edge, contact: Contact(client: UIC(normalised: "TOAK295"), type: "stationary",
                                           items: [ItemQuantity(item: "syringe-2ml", quantity: 10)]))))
        b.add(L.almaty(2026, 12, 2, 9, 0), .recordVoided(VoidRecord(target: early, reason: .test)))
        let after = (nov: report(b.ledger(), "2026-11"), dec: report(b.ledger(), "2026-12"))
        #expect(after.nov.value("contacts") == 1)            // only TOAK295's, in November still
        #expect(after.nov.value("clients.reached") == 1)
        #expect(after.nov.value("items.syringe-2ml") == 10)
        #expect(after.dec.value("contacts") == 1)            // the corrections are not contacts
        #expect(after.dec.value("items.syringe-2ml") == 5)
        #expect(stock(after.nov, "closing") == 490)          // 500 − 10
        #expect(stock(after.nov, "distributed") == 10)
        #expect(stock(after.dec, "opening") == 490)
        #expect(stock(after.dec, "closing") == 485)
    }

    func report(_ l: LedgerState, _ period: String) -> IndicatorReport {
        Reports.compute(ledger: l, configuration: ReportFixtures.config(), period: ReportFixtures.period(period), point: nil, by: nil)
    }

    func stock(_ r: IndicatorReport, _ column: String) -> Double? {
        guard let t = r.table("stock"), let row = t.row("stock.almaty-central.syringe-2ml"), let c = t.column(column) else { return nil }
        return row.values[c]
    }

    // MARK: Who may

    @Test func rolesTimesCorrectionPolicy() {
        let day: Timestamp = 86_400
        let now: Timestamp = 1_780_000_000
        let window = cat.limits.correctionWindow
        #expect(window == 7)
        struct Case { var kind: String; var action: Action }
        let kinds = [Case(kind: "contact-logged", action: .logContact), Case(kind: "stock-received", action: .receiveStock),
                     Case(kind: "stock-counted", action: .countStock), Case(kind: "referral-updated", action: .updateReferral)]
        for role in Role.allCases {
            for k in kinds {
                for own in [true, false] {
                    for age in [0, 7, 8] {
                        let target = AmendTarget(id: id(1), at: now - Timestamp(age) * day - (age == 7 ? 0 : 1), author: own ? "me" : "other",
                                                 site: "almaty-central", kind: k.kind, action: k.action, voidable: true,
                                                 voided: false, contact: nil)
                        let allowed = (try? Policy.requireAmend(role: role, user: "me", target: target, now: now, windowDays: window)) != nil
                        let expected: Bool = switch role {
                        case .coordinator: true
                        case .worker, .psychologist: own && age <= 7 && Policy.allows(role, k.action)
                        }
                        #expect(allowed == expected, "\(role) \(k.kind) own=\(own) age=\(age)")
                    }
                }
            }
        }
        // Unmerging is for coordinators only.
        #expect(Policy.allows(.coordinator, .unmergeClients))
        #expect(!Policy.allows(.worker, .unmergeClients) && !Policy.allows(.psychologist, .unmergeClients))
        // The message says why.
        let old = AmendTarget(id: id(1), at: now - 30 * day, author: "me", site: "x", kind: "contact-logged", action: .logContact,
                              voidable: true, voided: false, contact: nil)
        #expect(throws: Message("policy.amend.tooOld", "7")) { try Policy.requireAmend(role: .worker, user: "me", target: old, now: now, windowDays: 7) }
        var other = old
        other.at = now
        other.author = "aigerim"
        #expect(throws: Message("policy.amend.notOwn", "aigerim")) { try Policy.requireAmend(role: .worker, user: "me", target: other, now: now, windowDays: 7) }
    }

    // MARK: Validation

    @Test func correctingThroughTheValidator() throws {
        let now: Timestamp = 1_780_000_000
        let made = try v.contact(.init(client: "MAIV285", items: [("syringe-2ml", 100)]), ctx: Fixtures.ctx(at: now - 3_600, id: 10),
                                 known: { _ in false }, nearDuplicates: { _ in [] }, newClient: true)
        let s = LedgerState.fold(made, catalogue: cat)
        let target = s.amendTarget(made.last!.id)
        #expect(target?.contact?.items == [ItemQuantity(item: "syringe-2ml", quantity: 100)])
        var input = Validator.ContactInput(client: "MAIV285", type: "stationary", items: [("syringe-2ml", 10)])
        let fixed = try v.correctContact(target, idText: "x", input: input, packs: [], reason: .mistake, note: nil,
                                         ctx: Fixtures.ctx(at: now, id: 11), known: { _ in true }, nearDuplicates: { _ in [] },
                                         newClient: false)
        #expect(fixed.count == 1)
        let s2 = LedgerState.fold(made + fixed, catalogue: cat)
        #expect(s2.lines(of: s2.contacts[0]).first?.quantity == 10)
        // Changing nothing, someone else's contact, a note with a phone number: refused.
        input.items = [("syringe-2ml", 100)]
        #expect(throws: Message("validate.amend.unchanged", "x")) {
            try v.correctContact(target, idText: "x", input: input, packs: [], reason: .mistake, note: nil,
                                 ctx: Fixtures.ctx(at: now, id: 12), known: { _ in true }, nearDuplicates: { _ in [] }, newClient: false)
        }
        #expect(throws: Message.self) {
            try v.void(target, idText: "x", reason: .mistake, note: nil, ctx: Fixtures.ctx(at: now, author: "timur", id: 13))
        }
        #expect(throws: Message.self) {
            try v.void(target, idText: "x", reason: .mistake, note: "call +7 701 123 4567", ctx: Fixtures.ctx(at: now, id: 14))
        }
        // A void of a voided record is refused; unknown ids are named.
        let void = try v.void(target, idText: "x", reason: .duplicate, note: nil, ctx: Fixtures.ctx(at: now, id: 15))
        let s3 = LedgerState.fold(made + [void], catalogue: cat)
        #expect(throws: Message("validate.amend.voided", "x")) {
            try v.void(s3.amendTarget(made.last!.id), idText: "x", reason: .duplicate, note: nil, ctx: Fixtures.ctx(at: now, id: 16))
        }
        #expect(throws: Message("validate.amend.unknown", "abc")) {
            try v.void(nil, idText: "abc", reason: .duplicate, note: nil, ctx: Fixtures.ctx(at: now, id: 17))
        }
        // A registration cannot be voided.
        #expect(throws: Message.self) {
            try v.void(s.amendTarget(made.first!.id) ?? AmendTarget(made.first!, voided: false, contact: nil), idText: "r",
                       reason: .mistake, note: nil, ctx: Fixtures.ctx(.coordinator, at: now, id: 18))
        }
    }

    @Test func plausibilityAndLateEntryBounds() throws {
        #expect(cat.item("syringe-2ml")?.usualMaximum == 200)
        let lines = [ItemQuantity(item: "syringe-2ml", quantity: 250), ItemQuantity(item: "needle", quantity: 10)]
        #expect(v.unusualQuantities(lines) == [.init(item: "syringe-2ml", quantity: 250, usualMaximum: 200)])
        #expect(throws: Message("validate.quantity.unusual", "syringe-2ml", "250", "200")) { try v.requirePlausible(lines, confirmed: false) }
        try v.requirePlausible(lines, confirmed: true)
        let now: Timestamp = 1_780_000_000
        try Validator.checkTime(now + 600, now: now)
        try Validator.checkTime(946_684_800, now: now)
        #expect(throws: Message("validate.time.future")) { try Validator.checkTime(now + 601, now: now) }
        #expect(throws: Message("validate.time.early")) { try Validator.checkTime(946_684_799, now: now) }
        #expect(Validator.expiresSoon(100, today: 70))
        #expect(Validator.expiresSoon(50, today: 70))
        #expect(!Validator.expiresSoon(101, today: 70))
    }

    @Test func incomingAmendmentsAreCheckedLikeLocalOnes() throws {
        let good = event(1, 100, .contactCorrected(ContactCorrection(target: id(9), contact: contact("ANAN168", [("needle", 3)]))))
        try v.checkIncomingAmendment(good, target: nil, authorRole: .worker)
        let badItem = event(2, 100, .contactCorrected(ContactCorrection(target: id(9), contact: contact("ANAN168", [("rifle", 3)]))))
        #expect(throws: Message.self) { try v.checkIncomingAmendment(badItem, target: nil, authorRole: nil) }
        let huge = event(3, 100, .contactCorrected(ContactCorrection(target: id(9), contact: contact("ANAN168", [("needle", 2_000_000)]))))
        #expect(throws: Message.self) { try v.checkIncomingAmendment(huge, target: nil, authorRole: nil) }
        let leaky = event(4, 100, .recordVoided(VoidRecord(target: id(9), reason: .other, note: "his phone +7 701 123 4567")))
        #expect(throws: Message.self) { try v.checkIncomingAmendment(leaky, target: nil, authorRole: nil) }
        // Someone else's contact, from a worker's laptop: refused once the target is known.
        let target = AmendTarget(id: id(9), at: 50, author: "timur", site: "almaty-central", kind: "contact-logged",
                                 action: .logContact, voidable: true, voided: false, contact: contact("ANAN168", []))
        #expect(throws: Message("policy.amend.notOwn", "timur")) { try v.checkIncomingAmendment(good, target: target, authorRole: .worker) }
        try v.checkIncomingAmendment(good, target: target, authorRole: .coordinator)
        let unmerge = event(5, 100, .clientUnmerged(UIC(normalised: "ANAN168")))
        #expect(throws: Message.self) { try v.checkIncomingAmendment(unmerge, target: nil, authorRole: .worker) }
    }

    // MARK: Codec and ids

    @Test func newKindsRoundTripAndTruncationThrows() throws {
        for e in history where e.body.amendTarget != nil || e.body.kindName == "client-unmerged" {
            let bytes = EventCodec.encode(e)
            #expect(try EventCodec.decode(bytes) == e)
            for cut in stride(from: 0, to: bytes.count, by: 3) {
                #expect(throws: CodecError.self) { try EventCodec.decode(Array(bytes.prefix(cut))) }
            }
        }
        // An unknown reason is refused, not guessed.
        var bytes = EventCodec.encode(event(1, 1, .recordVoided(VoidRecord(target: id(2), reason: .test))))
        let t = Array("test".utf8)
        let at = try #require((0...(bytes.count - t.count)).first { Array(bytes[$0..<$0 + t.count]) == t })
        bytes[at] = UInt8(ascii: "b")
        #expect(throws: CodecError.self) { try EventCodec.decode(bytes) }
    }

    @Test func shortIDsAreUniqueInTheStore() {
        // Made within a minute: the first 8 digits are the same.
        let a = EventID(high: 0x0000_0190_0000_1234, low: 1)
        let b = EventID(high: 0x0000_0190_0000_5678, low: 2)
        let c = EventID(high: 0xABCD_0000_0000_0000, low: 3)
        let all = [a, b, c]
        let shorts = ShortIDs(all)
        #expect(shorts.short(a) == "0000019000001")
        #expect(shorts.short(b) == "0000019000005")
        #expect(shorts.short(c) == "abcd0000")
        for x in all {
            #expect(ShortIDs.short(x, among: all) == shorts.short(x))
            #expect(all.filter { $0.description.hasPrefix(shorts.short(x)) } == [x])
        }
        let same = EventID(high: 5, low: 0xFF)
        #expect(ShortIDs([same, EventID(high: 5, low: 0xFE)]).short(same).count == 32)
    }
}
