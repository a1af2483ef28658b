import Testing
import SenimCore
import SenimTestSupport

/// The likely-duplicate rule (`UICFormula.duplicateReason`), the store-wide finder
/// (`DuplicateFinder`) and people across merged codes (`LedgerState.people`).
@Suite struct DuplicateFinderTests {
    let f = Fixtures.formula

    static func ledger(_ codes: [String], merges: [(String, String)] = [], contacts: [(String, Timestamp)] = []) -> LedgerState {
        var events: [Event] = []
        var n: UInt64 = 0
        func add(_ at: Timestamp, _ body: EventBody) {
            n += 1
            events.append(Event(id: EventID(high: n, low: 0), at: at, author: "w", device: DeviceID(1), site: "almaty-central", body: body))
        }
        for c in codes { add(1_780_000_000, .clientRegistered(UIC(normalised: c))) }
        for (c, at) in contacts {
            add(at, .contactLogged(Contact(client: UIC(normalised: c), type: "stationary",
                                           items: [ItemQuantity(item: "condom", quantity: 2)], services: [], overdose: nil, note: nil, packs: [])))
        }
        for (a, b) in merges { add(1_790_000_000, .clientsMerged(from: UIC(normalised: a), into: UIC(normalised: b))) }
        return LedgerState.fold(events, catalogue: Fixtures.catalogue, points: Fixtures.configuration.points)
    }

    func u(_ s: String) -> UIC { UIC(normalised: s) }

    @Test func theThreeRules() {
        #expect(f.duplicateReason(u("MAIV185"), u("MAIB185")) == .oneEdit)
        #expect(f.duplicateReason(u("MAIV185"), u("IVMA185")) == .swappedParents)
        #expect(f.duplicateReason(u("MAIV185"), u("MAIV186")) == .birthYear)
        #expect(f.duplicateReason(u("MAIV185"), u("MAIV184")) == .birthYear)
        #expect(f.duplicateReason(u("MAIV100"), u("MAIV199")) == .birthYear)   // 2000 and 1999
        // Not duplicates: another sex, a year two apart, two letters, swapped with another year.
        #expect(f.duplicateReason(u("MAIV185"), u("MAIV285")) == nil)
        #expect(f.duplicateReason(u("MAIV185"), u("MAIV187")) == nil)
        #expect(f.duplicateReason(u("MAIV185"), u("MOIB185")) == nil)
        #expect(f.duplicateReason(u("MAIV185"), u("IVMA186")) == nil)
        #expect(f.duplicateReason(u("MAIV185"), u("MAIV185")) == nil)
        // Symmetric.
        for (a, b) in [("MAIV185", "MAIB185"), ("MAIV185", "IVMA185"), ("MAIV185", "MAIV186")] {
            #expect(f.duplicateReason(u(a), u(b)) == f.duplicateReason(u(b), u(a)))
        }
    }

    /// The finder equals checking every pair with the rule, and never lists merged codes.
    @Test func finderEqualsTheRuleOverEveryPair() {
        var rng = SplitMix(seed: 16)
        let letters = Array("AEIK")
        var codes = Set<String>()
        while codes.count < 300 {
            var s = String((0..<4).map { _ in letters[Int(rng.next() % 4)] })
            s += (rng.next() % 2 == 0 ? "1" : "2") + String(80 + rng.next() % 4)
            codes.insert(s)
        }
        let sorted = codes.sorted()
        let merged = [(sorted[0], sorted[1]), (sorted[10], sorted[11])]
        let l = Self.ledger(sorted, merges: merged)
        let found = DuplicateFinder.pairs(in: l, formula: f)
        let live = sorted.filter { c in !merged.contains { $0.0 == c } }.map(u)
        var expected: [DuplicatePair] = []
        for (i, a) in live.enumerated() {
            for b in live[(i + 1)...] {
                if let r = f.duplicateReason(a, b) { expected.append(DuplicatePair(a, b, reason: r)) }
            }
        }
        #expect(Set(DuplicateReason.allCases).isSubset(of: Set(expected.map(\.reason))))
        #expect(found == expected)
        #expect(!found.contains { $0.a.code == sorted[0] || $0.b.code == sorted[0] })
        // `only` keeps the pairs that involve the given codes.
        let some = Set(live.prefix(20))
        #expect(DuplicateFinder.pairs(in: l, formula: f, only: some) == expected.filter { some.contains($0.a) || some.contains($0.b) })
        #expect(DuplicateFinder.pairs(in: l, formula: f, only: []).isEmpty)
        // One code at a time (the contact form) agrees with the pairs.
        for c in live.prefix(40) {
            let pairs = expected.filter { $0.a == c || $0.b == c }.map { $0.a == c ? $0.b : $0.a }.sorted()
            #expect(DuplicateFinder.similar(to: c, in: l, formula: f) == pairs)
        }
    }

    /// `similar` looks up the few codes a rule can reach instead of scanning (issue 11): for
    /// known and new codes, it answers exactly what the rule over every client answers.
    @Test func similarByLookupEqualsTheRuleOverEveryClient() {
        var rng = SplitMix(seed: 61)
        let letters = Array("AEIKM")
        func code() -> String {
            String((0..<4).map { _ in letters[Int(rng.next() % 5)] }) + (rng.next() % 2 == 0 ? "1" : "2") + String(80 + rng.next() % 5)
        }
        var codes = Set<String>()
        while codes.count < 400 { codes.insert(code()) }
        let sorted = codes.sorted()
        let merged = [(sorted[3], sorted[4]), (sorted[30], sorted[31])]
        let l = Self.ledger(sorted, merges: merged)
        func byScan(_ c: UIC) -> [UIC] {
            l.clients.filter { $0.mergedInto == nil && $0.uic != c && f.duplicateReason(c, $0.uic) != nil }.map(\.uic).sorted()
        }
        var queries = sorted.prefix(60).map(u)
        while queries.count < 160 { let c = code(); if !codes.contains(c) { queries.append(u(c)) } }
        queries += [u("MAIV185"), u("AEIK180"), u("AEI180"), u("AEIKM180"), u("AE1K180")]  // the last three do not fit the formula
        var nonEmpty = 0
        for q in queries {
            let got = DuplicateFinder.similar(to: q, in: l, formula: f)
            #expect(got == byScan(q), "\(q.code)")
            if !got.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 50, "the queries must exercise the rules")
    }

    @Test func mergedCodesAreOnePersonEverywhere() {
        let day: Timestamp = 86_400
        let t0: Timestamp = 1_780_000_000
        let l = Self.ledger(["MAIV185", "MAIB185", "ZZTT201", "IVMA185"], merges: [("MAIB185", "MAIV185"), ("IVMA185", "MAIB185")],
                            contacts: [("MAIV185", t0 + day), ("MAIB185", t0 + 5 * day), ("MAIB185", t0 + 2 * day),
                                       ("IVMA185", t0 + 9 * day), ("ZZTT201", t0 + 3 * day)])
        let people = l.people()
        #expect(people.map(\.uic.code).sorted() == ["MAIV185", "ZZTT201"])
        let p = l.person(UIC(normalised: "IVMA185"))!
        #expect(p.uic.code == "MAIV185")
        #expect(p.codes.map(\.code) == ["MAIV185", "IVMA185", "MAIB185"])
        #expect(p.contacts == 4)
        #expect(p.lastSeen == t0 + 9 * day)
        #expect(people.first { $0.uic.code == "MAIV185" } == p)
        #expect(l.survivor(UIC(normalised: "MAIB185")).code == "MAIV185")
        #expect(l.person(UIC(normalised: "QQQQ111")) == nil)
        // No pair of one person's codes is offered again.
        #expect(DuplicateFinder.pairs(in: l, formula: f).isEmpty)
    }
}
