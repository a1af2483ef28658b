import SenimCore
@testable import SenimStore
import Testing
import SenimTestSupport

/// Two outreach laptops and a coordinator, syncing by bundle files, end up with the same
/// ledger and the same report figures as one store holding every event.
@Suite struct SyncScenarioTests {
    static let config = SyncFixtures.configuration
    static let validator = Validator(config)
    var validator: Validator { Self.validator }

    /// One device: its store, engine, user and clock.
    final class Site {
        let store: MemorySyncStore
        let engine: SyncEngine
        let author: String
        let role: Role
        let device: DeviceID
        var clock: Timestamp
        let log: EventLog

        init(point: String, author: String, role: Role, device: UInt64, start: Timestamp, log: EventLog) {
            store = MemorySyncStore(point: point, role: role)
            self.author = author
            self.role = role
            self.device = DeviceID(device)
            clock = start
            self.log = log
            let s = store
            // At least a day past every event of the scenario: import refuses events from the future.
            engine = SyncEngine(store: s, clock: { [unowned s] in max(s.ledger.last?.at ?? 0, 1_800_000_000) })
        }

        func ctx() -> Validator.Context {
            clock += 137
            return Validator.Context(author: author, role: role, device: device, site: store.point, at: clock, id: .random())
        }

        func save(_ events: [Event]) {
            store.append(events)
            log.events += events
        }

        func contact(_ code: String, items: [(String, Int)], newClient: Bool = false) throws {
            let l = store.ledger
            save(try SyncScenarioTests.validator.contact(Validator.ContactInput(client: code, items: items), ctx: ctx(),
                                       known: { l.clientIndex[$0] != nil },
                                       nearDuplicates: { Self.config.uic.nearDuplicates(of: $0, among: l.clientIndex.keys) },
                                       newClient: newClient))
        }

        /// A coordinator signs in on this device to do what needs the `.sync` permission.
        func asCoordinator<T>(_ body: () throws -> T) rethrows -> T {
            store.role = .coordinator
            defer { store.role = role }
            return try body()
        }

        static var config: Configuration { SyncScenarioTests.config }
    }

    final class EventLog { var events: [Event] = [] }

    struct Figures: Equatable {
        var uniqueClients: Int
        var contacts: Int
        var syringes: Int
        var clientsPerSite: [String: Int]
        var stock: [String: Int64]
        var inTransit: [EventID]
        var conflicts: [EventID]
        var statuses: [String]
        var users: [String: Role]
    }

    /// Report-style figures computed from a ledger (what a funder's table would show).
    static func figures(_ l: LedgerState) -> Figures {
        let needle = Set(config.catalogue.items.filter(\.isNeedleOrSyringe).map(\.id))
        var syringes = 0
        var perSite: [String: Set<Int32>] = [:]
        for c in l.contacts {
            for line in l.lines(of: c) where needle.contains(l.items[line.item]) { syringes += Int(line.quantity) }
            perSite[l.sites[c.site], default: []].insert(l.canonical(c.client))
        }
        var stock: [String: Int64] = [:]
        for (k, v) in l.stock { stock["\(l.sites[k.site])/\(l.items[k.item])"] = v.level }
        return Figures(uniqueClients: l.clients.filter { $0.mergedInto == nil }.count, contacts: l.contacts.count,
                       syringes: syringes, clientsPerSite: perSite.mapValues(\.count), stock: stock,
                       inTransit: l.transfersInTransit.map(\.id),
                       conflicts: l.referralList.filter(\.conflict).map(\.id),
                       statuses: l.referralList.map { "\($0.id.short)=\($0.status.rawValue)" }, users: l.users)
    }

    /// Export from one site and import at another (a coordinator signs in to sign the bundle
    /// and to import: the sync identity is sealed to coordinators).
    @discardableResult
    static func carry(_ from: Site, _ to: Site, _ fromName: String, _ toName: String) throws -> ImportSummary {
        let b = try from.asCoordinator { try from.engine.export(to: toName, mode: .sinceLast) }
        return try to.asCoordinator { try to.engine.importBundle(b.bytes, progress: nil) }
    }

    @Test("Two laptops and a coordinator converge to the single-store ledger and figures")
    func threeSites() throws {
        let log = EventLog()
        let t0: Timestamp = 1_780_000_000
        let hub = Site(point: "almaty-central", author: "gulnara", role: .coordinator, device: 0x10, start: t0, log: log)
        let a = Site(point: "almaty-mobile", author: "aigerim", role: .worker, device: 0x20, start: t0, log: log)
        let b = Site(point: "temirtau", author: "dana", role: .worker, device: 0x30, start: t0, log: log)
        let sites = ["hub": hub, "a": a, "b": b]
        // Who is who on which device (the import checks each author's role there).
        let users = sites.values.map { s in
            Event(id: EventID(high: 0xFEED, low: UInt64(s.device.rawValue)), at: t0 - 1000, author: s.author, device: s.device,
                  site: s.store.point, body: .userAdded(name: s.author, role: s.role))
        }
        for s in sites.values { s.store.registrations = users }
        // Keys are exchanged once; a coordinator sets up trust on every device.
        for (n, s) in sites {
            for (m, o) in sites where m != n {
                try s.asCoordinator { try s.engine.trust(name: m, key: try o.asCoordinator { try o.engine.identityLine() }) }
            }
        }

        // The coordinator registers the team, receives stock and sends some to each site.
        for (name, role) in [("gulnara", Role.coordinator), ("aigerim", .worker), ("dana", .worker)] {
            hub.save([try validator.addUser(name, role: role, ctx: hub.ctx())])
        }
        hub.save([try validator.receive(item: "syringe-2ml", quantity: 1_000, lot: "S-1", expires: 21_000, ctx: hub.ctx())])
        hub.save([try validator.receive(item: "naloxone", quantity: 50, lot: "N-7", expires: 20_900, ctx: hub.ctx())])
        let t1 = try validator.transfer(item: "syringe-2ml", quantity: 300, to: "almaty-mobile", ctx: hub.ctx())
        let t2 = try validator.transfer(item: "syringe-2ml", quantity: 200, to: "temirtau", ctx: hub.ctx())
        let t3 = try validator.transfer(item: "naloxone", quantity: 20, to: "temirtau", ctx: hub.ctx())
        hub.save([t1, t2, t3])

        let toA = try Self.carry(hub, a, "hub", "a")
        #expect(toA.transfersAwaiting == [t1.id] && toA.eventsNew == 8)
        let toB = try Self.carry(hub, b, "hub", "b")
        #expect(Set(toB.transfersAwaiting) == [t2.id, t3.id])
        // Receipts are not made automatically: the transfers wait for a person to confirm them.
        #expect(a.store.ledger.transfers[t1.id]?.inTransit == true)

        // Laptop A confirms its delivery, sees clients, issues a referral.
        a.save([try validator.confirmTransfer(a.store.ledger.transfers[t1.id]!, ledger: a.store.ledger, ctx: a.ctx())])
        try a.contact("MAIV185", items: [("syringe-2ml", 10)], newClient: true)
        try a.contact("ASKE290", items: [("syringe-2ml", 5), ("alcohol-wipe", 5)], newClient: true)
        try a.contact("MAIV185", items: [("syringe-2ml", 10)])
        let l = a.store.ledger
        let referral = try validator.issueReferral(client: "MAIV185", service: "hiv-test", due: nil, note: nil, ctx: a.ctx(),
                                                   known: { l.clientIndex[$0] != nil })
        a.save([referral])

        // Laptop B confirms one of two deliveries; the same person comes by (same code) and a
        // typo creates a near-duplicate code.
        b.save([try validator.confirmTransfer(b.store.ledger.transfers[t2.id]!, ledger: b.store.ledger, ctx: b.ctx())])
        try b.contact("MAIV185", items: [("syringe-2ml", 20)], newClient: true)
        try b.contact("MAIB185", items: [("syringe-2ml", 4)], newClient: true)
        try b.contact("NUTO292", items: [("condom", 10)], newClient: true)

        let fromA = try Self.carry(a, hub, "a", "hub")
        // A's receipt, two registrations, three contacts and the referral; nothing of the hub's own.
        #expect(fromA.eventsInBundle == 7 && fromA.eventsNew == 7 && fromA.clientsNew == 2)
        let fromB = try Self.carry(b, hub, "b", "hub")
        #expect(fromB.clientsNew == 2)   // MAIV185 is already known from A: the same person
        #expect(fromB.nearDuplicates == [NearDuplicate(uic: UIC(normalised: "MAIB185"), similar: [UIC(normalised: "MAIV185")])])
        #expect(hub.engine.nearDuplicateClients().map { "\($0.0)~\($0.1.map(\.code).joined())" } == ["MAIB185~MAIV185"])
        #expect(hub.store.ledger.transfersInTransit.map(\.id) == [t3.id])

        // The hub relays: B learns of A's referral, A of B's clients.
        try Self.carry(hub, a, "hub", "a")
        let relayedToB = try Self.carry(hub, b, "hub", "b")
        #expect(relayedToB.eventsInBundle == 7 && relayedToB.eventsNew == 7)   // exactly A's events

        // Both laptops update the referral without knowing of each other.
        let rb = b.store.ledger.referrals[referral.id]
        let ra = a.store.ledger.referrals[referral.id]
        let ua = try validator.updateReferral(ra, idText: referral.id.short, status: .accompanied, note: nil, ctx: a.ctx())
        let ub = try validator.updateReferral(rb, idText: referral.id.short, status: .attended, note: nil, ctx: b.ctx())
        a.save([ua])
        b.save([ub])
        #expect(try Self.carry(a, hub, "a", "hub").newConflicts.isEmpty)
        let conflict = try Self.carry(b, hub, "b", "hub")
        #expect(conflict.newConflicts == [referral.id])

        // The coordinator merges the typo into the real code; the merge syncs like any event.
        let hl = hub.store.ledger
        hub.save([try validator.mergeClients("MAIB185", into: "MAIV185", ctx: hub.ctx(), known: { hl.clientIndex[$0] != nil },
                                             canonical: { hl.clientIndex[$0].map { hl.clients[Int(hl.canonical($0))].uic } ?? $0 })])
        #expect(hub.engine.nearDuplicateClients().isEmpty)

        // Another round each way: everyone converges.
        for _ in 0..<2 {
            try Self.carry(a, hub, "a", "hub")
            try Self.carry(b, hub, "b", "hub")
            try Self.carry(hub, a, "hub", "a")
            try Self.carry(hub, b, "hub", "b")
        }

        let single = LedgerState.fold(log.events, catalogue: Self.config.catalogue, points: Self.config.points)
        let expected = LedgerDigest.of(single)
        for (n, s) in sites { #expect(LedgerDigest.of(s.store.ledger) == expected, "\(n)") }
        let f = Self.figures(hub.store.ledger)
        #expect(f == Self.figures(single))
        #expect(Self.figures(a.store.ledger) == f && Self.figures(b.store.ledger) == f)
        // The figures themselves: MAIV185 seen at two sites counts once; MAIB185 merged into it.
        #expect(f.uniqueClients == 3)
        #expect(f.clientsPerSite == ["almaty-mobile": 2, "temirtau": 2])
        #expect(f.syringes == 10 + 5 + 10 + 20 + 4)
        #expect(f.stock["almaty-mobile/syringe-2ml"] == 300 - 25 && f.stock["temirtau/syringe-2ml"] == 200 - 24)
        #expect(f.stock["almaty-central/syringe-2ml"] == 500 && f.stock["temirtau/naloxone"] == nil)
        #expect(f.inTransit == [t3.id])
        #expect(f.conflicts == [referral.id])
        let r = hub.store.ledger.referrals[referral.id]!
        #expect(r.history.count == 2 && r.status == (Event.foldsBefore(ua, ub) ? .attended : .accompanied))
        #expect(f.users == ["gulnara": .coordinator, "aigerim": .worker, "dana": .worker])
        // Nothing more to exchange.
        #expect(try a.asCoordinator { try a.engine.export(to: "hub", mode: .sinceLast) }.eventCount == 0)
        #expect(try hub.engine.export(to: "b", mode: .sinceLast).eventCount == 0)
    }

    @Test("Near-duplicate search finds every pair the core's duplicate rule names")
    func nearDuplicates() {
        var g = SplitMix(seed: 8)
        // A small alphabet so that many codes are one edit apart; some codes a letter short.
        var codes = Set<UIC>()
        let letters = Array("ABEK")
        while codes.count < 400 {
            var s = String((0..<(g.next() % 10 == 0 ? 3 : 4)).map { _ in letters[Int(g.next() % 4)] })
            s += (g.next() % 2 == 0 ? "1" : "2") + String(80 + g.next() % 3)
            codes.insert(UIC(normalised: s))
        }
        let events = codes.enumerated().map { i, u in
            Event(id: EventID(high: UInt64(i + 1), low: 0), at: 1_780_000_000, author: "w", device: DeviceID(1), site: "temirtau",
                  body: .clientRegistered(u))
        }
        let store = MemorySyncStore(point: "temirtau", events: events)
        let found = SyncEngine(store: store).nearDuplicateClients()
        // Brute force over all pairs with the core's own rule.
        let sorted = codes.sorted()
        var expected: [(UIC, [UIC])] = []
        for u in sorted {
            let near = sorted.filter { u < $0 && Self.config.uic.duplicateReason(u, $0) != nil }
            if !near.isEmpty { expected.append((u, near)) }
        }
        #expect(expected.count > 100)
        #expect(found.map(\.0) == expected.map(\.0))
        #expect(found.map(\.1) == expected.map(\.1))
    }
}
