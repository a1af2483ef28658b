import Foundation
import Testing
@testable import SenimCore

/// The synthetic generator feeds demos, CLI tests and benchmarks: it must be deterministic,
/// realistic and valid under the same rules as user input.
@Suite struct SyntheticDataTests {
    static let staff: [SyntheticPlan.Staff] = [
        .init(name: "dana", role: .coordinator, site: "almaty-central"),
        .init(name: "aigerim", role: .worker, site: "almaty-central"),
        .init(name: "timur", role: .worker, site: "almaty-mobile"),
        .init(name: "saule", role: .psychologist, site: "almaty-central"),
        .init(name: "oleg", role: .worker, site: "temirtau"),
    ]

    // 2025-01-06 00:00 Asia/Almaty (a Monday; UTC+5 since March 2024), as UTC seconds.
    static let start: Timestamp = 1_736_103_600

    static func plan(seed: UInt64 = 42, days: Int = 240, contacts: Int = 6_000, clients: Int = 400,
                     sites: [String] = []) -> SyntheticPlan {
        SyntheticPlan(seed: seed, start: start, days: days, contacts: contacts, clients: clients, sites: sites,
                      staff: staff, device: DeviceID(0xD15C))
    }

    /// A fake sealer: the store's real one encrypts; here it only has to be deterministic.
    static func seal(_ s: String) -> [UInt8] { Array(s.utf8.reversed()) }

    static let standard: (events: [Event], summary: SyntheticSummary) = {
        try! SyntheticData.events(plan(), configuration: Fixtures.configuration, seal: seal)
    }()

    @Test func sameSeedSameEventsOtherSeedOtherEvents() throws {
        let a = try SyntheticData.events(Self.plan(seed: 7, contacts: 1_500), configuration: Fixtures.configuration, seal: Self.seal)
        let b = try SyntheticData.events(Self.plan(seed: 7, contacts: 1_500), configuration: Fixtures.configuration, seal: Self.seal)
        let c = try SyntheticData.events(Self.plan(seed: 8, contacts: 1_500), configuration: Fixtures.configuration, seal: Self.seal)
        #expect(a.events == b.events)
        #expect(a.summary == b.summary)
        #expect(a.events != c.events)
        #expect(a.events.count > 1_500)
    }

    @Test func batchesConcatenateToTheSameStreamAndRespectTheSize() throws {
        var batches: [[Event]] = []
        let summary = try SyntheticData.generate(Self.plan(seed: 7, contacts: 1_500), configuration: Fixtures.configuration,
                                                 batchSize: 100, seal: Self.seal) { batches.append($0) }
        let whole = try SyntheticData.events(Self.plan(seed: 7, contacts: 1_500), configuration: Fixtures.configuration, seal: Self.seal)
        #expect(batches.count > 10)
        #expect(batches.flatMap { $0 } == whole.events)
        #expect(summary == whole.summary)
        // Whole days per batch: never much more than the asked size.
        #expect(batches.dropLast().allSatisfy { $0.count >= 100 && $0.count < 300 })
    }

    @Test func exactCountsAndCanonicalOrder() {
        let (events, summary) = Self.standard
        #expect(summary.contacts == 6_000)
        #expect(summary.events == events.count)
        #expect(summary.registeredClients <= 400)
        #expect(summary.registeredClients > 250)
        for (a, b) in zip(events, events.dropFirst()) {
            #expect(Event.foldsBefore(a, b), "events must come in fold order with unique ids")
        }
        // Appending one by one works (no refold needed) and matches a fold.
        var ledger = LedgerState(catalogue: Fixtures.catalogue, points: Fixtures.configuration.points)
        var appended = 0
        for e in events where ledger.append(e) { appended += 1 }
        #expect(appended == events.count)
        let folded = LedgerState.fold(events, catalogue: Fixtures.catalogue, points: Fixtures.configuration.points)
        #expect(ledger.contacts == folded.contacts)
        #expect(ledger.contacts.count == 6_000)
        #expect(ledger.stock == folded.stock)
    }

    @Test func everyClientIsRegisteredBeforeItsFirstContactOrReferral() {
        var known = Set<UIC>()
        for e in Self.standard.events {
            switch e.body {
            case .clientRegistered(let u):
                #expect(known.insert(u).inserted, "registered twice: \(u)")
            case .contactLogged(let c):
                let registered = known.contains(c.client)
                #expect(registered, "contact of \(c.client) before registration")
            case .referralIssued(let r):
                let registered = known.contains(r.client)
                #expect(registered, "referral of \(r.client) before registration")
            case .clientsMerged(let a, let b):
                let ok = known.contains(a) && known.contains(b) && a != b
                #expect(ok, "merge of \(a) into \(b)")
            default: break
            }
        }
    }

    @Test func contactsHappenInOpeningHoursInAlmatyNeverOnSunday() {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = SyntheticPlan.almaty
        var saturdays = 0
        for e in Self.standard.events {
            guard case .contactLogged = e.body else { continue }
            let c = cal.dateComponents([.hour, .weekday], from: Date(timeIntervalSince1970: TimeInterval(e.at)))
            #expect(c.weekday != 1)
            #expect((9..<19).contains(c.hour!), "contact at \(c.hour!):00")
            if c.weekday == 7 {
                saturdays += 1
                #expect((10..<14).contains(c.hour!))
                #expect(e.site != "almaty-mobile")
            }
            if e.site == "almaty-mobile" { #expect((11..<19).contains(c.hour!)) }
        }
        #expect(saturdays > 0)
        // Every event, stock work included, is within the plan's days.
        let first = Self.standard.events.first!.at, last = Self.standard.events.last!.at
        #expect(first >= Self.start - 86_400 && last < Self.start + 241 * 86_400)
    }

    /// Every generated contact, stock movement and referral is exactly what the Validator
    /// makes from the corresponding user input: generated data obeys the same rules.
    @Test func eventsAreWhatTheValidatorWouldMake() throws {
        let v = Fixtures.validator
        let staffRole = Dictionary(uniqueKeysWithValues: Self.staff.map { ($0.name, $0.role) })
        var checked = Set<String>()
        for e in Self.standard.events {
            let role = try #require(staffRole[e.author], "author \(e.author) is not staff")
            #expect(Policy.allows(role, Policy.action(for: e.body)), "\(e.author) may not \(e.body.kindName)")
            let ctx = Validator.Context(author: e.author, role: role, device: e.device, site: e.site, at: e.at, id: e.id)
            switch e.body {
            case .contactLogged(let c):
                let input = Validator.ContactInput(client: c.client.code, type: c.type, packs: c.packs,
                                                   items: c.items.map { ($0.item, Int($0.quantity)) },
                                                   services: c.services, overdose: c.overdose, note: c.note, detail: c.detail)
                let made = try v.contact(input, ctx: ctx, known: { _ in true }, nearDuplicates: { _ in [] }, newClient: false)
                #expect(made == [e])
            case .stockReceived(let r):
                #expect(try v.receive(item: r.item, quantity: Int(r.quantity), lot: r.lot, expires: r.expires, ctx: ctx) == e)
            case .stockTransferred(let t):
                #expect(try v.transfer(item: t.item, quantity: Int(t.quantity), to: t.to, ctx: ctx) == e)
            case .stockWrittenOff(let w):
                #expect(try v.writeOff(item: w.item, quantity: Int(w.quantity), reason: w.reason, ctx: ctx) == e)
            case .stockCounted(let c):
                #expect(try v.count(item: c.item, counted: Int(c.counted), ctx: ctx) == e)
            case .referralIssued(let r):
                #expect(try v.issueReferral(client: r.client.code, service: r.service, due: r.due, note: r.note,
                                            ctx: ctx, known: { _ in true }) == e)
            case .referralUpdated(let u):
                if let n = u.note { #expect(try v.note(n) == n) }
            case .clientProfileSet(let p):
                #expect(try v.setProfile(client: p.client.code, substances: p.substances, routes: p.routes, oat: p.oat,
                                         gender: p.gender, ctx: ctx, known: { _ in true }) == e)
            default: break
            }
            checked.insert(e.body.kindName)
        }
        #expect(checked.isSuperset(of: ["client-registered", "contact-logged", "stock-received", "stock-transferred",
                                        "stock-transfer-received", "stock-written-off", "stock-counted",
                                        "referral-issued", "referral-updated", "referral-note-added", "clients-merged",
                                        "client-profile-set"]))
    }

    /// The demo's reports by substance, gender, overdose kind and test result have something to
    /// show: profiles for most new clients, details on overdoses and rapid tests.
    @Test func profilesAndDetailsAreDrawn() throws {
        let events = Self.standard.events
        let ledger = LedgerState.fold(events, catalogue: Fixtures.catalogue)
        let registered = ledger.clients.filter { $0.contacts > 0 }.count
        let profiled = ledger.clients.compactMap { ledger.profile(of: $0.uic) }
        #expect(Double(profiled.count) > 0.5 * Double(registered) && profiled.count < registered)
        let columns = Set(profiled.map { SubstanceColumn($0.substances) })
        #expect(columns.isSuperset(of: [.opioids, .stimulants, .several]))
        #expect(profiled.contains { $0.gender == .woman } && profiled.contains { $0.gender == .man })
        var kinds = Set<OverdoseKind>(), results = Set<TestResult>()
        for e in events {
            guard case .contactLogged(let c) = e.body else { continue }
            if let k = c.detail.overdoseKind { kinds.insert(k) }
            for r in c.detail.results { results.insert(r.result) }
        }
        #expect(kinds.contains(.opioid) && results.isSuperset(of: [.nonReactive, .reactive]))
        // A profile is recorded with the first contact, so it already places that contact; and
        // nobody's profile changes later, so people add up across the substance columns.
        let r = Reports.compute(ledger: ledger, configuration: Fixtures.configuration, period: ReportFixtures.period("2025"),
                                point: nil, by: .substance)
        let substanceColumns = ["opioids", "stimulants", "nps", "other", "several", "unknown"]
        let total = try #require(r.value("clients.reached", "total"))
        #expect(substanceColumns.compactMap { r.value("clients.reached", $0) }.reduce(0, +) == total)
        #expect(try #require(r.value("clients.reached", "unknown")) < total / 2)
    }

    @Test func noFreeTextLooksLikeAnIdentifier() {
        for e in Self.standard.events {
            var texts: [String] = []
            switch e.body {
            case .contactLogged(let c): texts = [c.note].compactMap { $0 }
            case .referralIssued(let r): texts = [r.note].compactMap { $0 }
            case .referralUpdated(let u): texts = [u.note].compactMap { $0 }
            case .stockReceived(let r): texts = [r.lot].compactMap { $0 }
            default: break
            }
            for t in texts { #expect(PrivacyGuard.check(t) == nil, "\(t)") }
        }
    }

    @Test func visitFrequenciesAreSkewed() {
        let ledger = LedgerState.fold(Self.standard.events, catalogue: Fixtures.catalogue)
        let visits = ledger.clients.map { Int($0.contacts) }.filter { $0 > 0 }.sorted(by: >)
        let top = visits.prefix(max(1, visits.count / 10)).reduce(0, +)
        let total = visits.reduce(0, +)
        #expect(Double(top) / Double(total) > 0.3, "the busiest tenth should account for a large share")
        let median = visits[visits.count / 2]
        #expect(median < visits[0] / 4, "most clients come much less often than the most frequent ones")
        #expect(visits.filter { $0 <= 3 }.count > visits.count / 10, "there are occasional clients")
    }

    @Test func handoutsAreMostlyPacksWithStimulantExtrasAndSomeOverdoses() {
        var packContacts = 0, contacts = 0, bigStimulant = 0, overdoses = 0, services = 0, notes = 0
        for e in Self.standard.events {
            guard case .contactLogged(let c) = e.body else { continue }
            contacts += 1
            if !c.packs.isEmpty { packContacts += 1 }
            if c.packs.contains("stimulant"), let s = c.items.first(where: { $0.item == "syringe-1ml" }), s.quantity > 20 {
                bigStimulant += 1
            }
            if c.overdose != nil { overdoses += 1 }
            if !c.services.isEmpty { services += 1 }
            if c.note != nil { notes += 1 }
            #expect(!c.items.isEmpty)
        }
        #expect(Double(packContacts) / Double(contacts) > 0.75)
        #expect(bigStimulant > 100)
        #expect((1...80).contains(overdoses))
        #expect(services > 150)
        #expect(notes > 20)
    }

    @Test func sexAndAgeMixIsPlausible() {
        let ledger = LedgerState.fold(Self.standard.events)
        let formula = Fixtures.formula
        let codes = ledger.clients.map(\.uic)
        let women = codes.filter { formula.sex(of: $0) == "f" }.count
        #expect((0.15...0.45).contains(Double(women) / Double(codes.count)))
        let ages = codes.compactMap { formula.birthYear(of: $0, referenceYear: 2025) }.map { 2025 - $0 }
        #expect(ages.allSatisfy { (18...62).contains($0) })
        #expect(ages.contains { $0 < 25 } && ages.contains { $0 >= 45 })
    }

    @Test func stockIsDeliveredTransferredConfirmedAndCounted() {
        let ledger = LedgerState.fold(Self.standard.events, catalogue: Fixtures.catalogue, points: Fixtures.configuration.points)
        let received = ledger.movements.filter { $0.kind == .received }
        let opening = received.map(\.at).min()!
        #expect(Set(received.filter { $0.at < opening + 3_600 }.map(\.site)).count == 3, "every point has an opening balance")
        #expect(received.filter { $0.at > opening + 3_600 }.allSatisfy { ledger.sites[$0.site] == "almaty-central" },
                "deliveries go to the hub")
        #expect(Set(received.map { $0.at / (30 * 86_400) }).count >= 7, "about monthly")
        #expect(ledger.transfers.count > 20)
        #expect(ledger.transfers.values.filter { !$0.inTransit }.count > ledger.transfers.count * 3 / 4)
        #expect(ledger.movements.contains { $0.kind == .adjusted })
        #expect(ledger.movements.contains { $0.kind == .writtenOff })
        // Naloxone arrives in lots with expiry dates. (Checked on the deliveries: which lots are
        // left at the end depends on the random stream, which changes with the catalogue.)
        #expect(Self.standard.events.contains { e in
            if case .stockReceived(let r) = e.body { return r.item == "naloxone" && r.lot != nil && r.expires != nil }
            return false
        })
        // Deliveries keep up with demand: running out (a discrepancy) is rare.
        let where_ = ledger.discrepancies.map { "\(ledger.sites[$0.site])/\(ledger.items[$0.item])" }
        #expect(ledger.discrepancies.count < 10, "\(Dictionary(where_.map { ($0, 1) }, uniquingKeysWith: +))")
    }

    @Test func referralsMoveThroughStatusesWithConfidentialNotes() {
        let ledger = LedgerState.fold(Self.standard.events)
        let referrals = ledger.referralList
        #expect(referrals.count > 100)
        let statuses = Set(referrals.map(\.status))
        #expect(statuses.isSuperset(of: [.issued, .attended, .declined, .lost]))
        #expect(referrals.contains { $0.history.contains { $0.status == .accompanied } })
        #expect(referrals.contains { !$0.confidentialNotes.isEmpty })
        let notes = referrals.flatMap(\.confidentialNotes)
        #expect(notes.allSatisfy { n in SyntheticText.confidentialNotes.contains(String(decoding: n.sealed.reversed(), as: UTF8.self)) })
        // Without a sealer, no confidential notes at all.
        let plain = try! SyntheticData.events(Self.plan(seed: 42, contacts: 2_000), configuration: Fixtures.configuration)
        #expect(plain.summary["referral-note-added"] == 0)
    }

    @Test func siteSubsetAndMinimalPlans() throws {
        let two = try SyntheticData.events(Self.plan(days: 30, contacts: 500, clients: 60,
                                                     sites: ["almaty-central", "almaty-mobile"]),
                                           configuration: Fixtures.configuration)
        #expect(Set(two.events.map(\.site)) == ["almaty-central", "almaty-mobile"])
        // One day that is a Sunday still yields the contacts asked for.
        let sunday = SyntheticPlan(seed: 1, start: Self.start - 86_400, days: 1, contacts: 5, clients: 3,
                                   staff: [], device: DeviceID(1))
        let s = try SyntheticData.events(sunday, configuration: Fixtures.configuration)
        #expect(s.summary.contacts == 5)
        let none = try SyntheticData.events(Self.plan(days: 10, contacts: 0, clients: 5), configuration: Fixtures.configuration)
        #expect(none.summary.contacts == 0)
        #expect(throws: Message.self) {
            try SyntheticData.events(Self.plan(sites: ["nowhere"]), configuration: Fixtures.configuration)
        }
        #expect(throws: Message.self) {
            try SyntheticData.events(Self.plan(days: 0), configuration: Fixtures.configuration)
        }
    }

    @Test func randomNumbersAreStableAcrossRuns() {
        // Pinned values: if these change, every seeded demo and benchmark changes too.
        // Reference values of xoshiro256** seeded by SplitMix64(1), computed independently.
        var r = SyntheticRandom(seed: 1)
        #expect((0..<3).map { _ in r.next() } == [0xB3F2_AF6D_0FC7_10C5, 0x853B_5596_4736_4CEA, 0x92F8_9756_082A_4514])
        var u = SyntheticRandom(seed: 99)
        for _ in 0..<10_000 {
            let x = u.unit()
            #expect(x >= 0 && x < 1)
            let k = u.below(7)
            #expect((0..<7).contains(k))
        }
    }
}
