import SenimCore
@testable import SenimStore
import Testing

/// Corrections and voids travel by sync like every other event, both ways, and a correction
/// that arrives before the contact it corrects applies when the contact arrives.
@Suite struct SyncCorrectionTests {
    static let config = SyncFixtures.configuration
    let v = Validator(config)

    func ctx(_ author: String, _ role: Role, _ at: Timestamp, site: String = "almaty-mobile") -> Validator.Context {
        Validator.Context(author: author, role: role, device: DeviceID(author == "coord" ? 0xA1 : 0xB2), site: site, at: at, id: .random())
    }

    func quantity(_ l: LedgerState, _ id: EventID) -> Int32? {
        guard let i = l.contactIndex(id) else { return nil }
        return l.lines(of: l.contacts[i]).first?.quantity
    }

    @Test func correctionsAndVoidsTravelBothWays() throws {
        let peers = SyncPeers([("laptop", "almaty-mobile", []), ("office", "almaty-central", [])])
        let laptop = peers.store("laptop"), office = peers.store("office")
        let t: Timestamp = 1_789_000_000
        // On the laptop: a contact with 100 syringes instead of 10, and another one.
        let made = try v.contact(.init(client: "MAIV285", items: [("syringe-2ml", 100)]), ctx: ctx("aigerim", .worker, t),
                                 known: { _ in false }, nearDuplicates: { _ in [] }, newClient: true)
        let other = try v.contact(.init(client: "MAIV285", items: [("needle", 5)]), ctx: ctx("aigerim", .worker, t + 60),
                                  known: { _ in true }, nearDuplicates: { _ in [] }, newClient: false)
        laptop.append(made + other)
        try peers.send("laptop", "office")
        #expect(quantity(office.ledger, made.last!.id) == 100)
        // The worker corrects it on the laptop; the office gets the correction.
        let fix = try v.correctContact(laptop.ledger.amendTarget(made.last!.id), idText: "x",
                                       input: .init(client: "MAIV285", type: "mobile", items: [("syringe-2ml", 10)]), packs: [],
                                       reason: .mistake, note: nil, ctx: ctx("aigerim", .worker, t + 3_600),
                                       known: { _ in true }, nearDuplicates: { _ in [] }, newClient: false)
        laptop.append(fix)
        try peers.send("laptop", "office")
        #expect(quantity(office.ledger, made.last!.id) == 10)
        // The coordinator voids the other contact at the office; the laptop gets the void.
        let void = try v.void(office.ledger.amendTarget(other.last!.id), idText: "y", reason: .duplicate, note: nil,
                              ctx: ctx("coord", .coordinator, t + 7_200, site: "almaty-central"))
        office.append([void])
        try peers.send("office", "laptop")
        #expect(laptop.ledger.contactIndex(other.last!.id) == nil)
        #expect(laptop.ledger.amendTarget(other.last!.id)?.voided == true)
        // Both hold the same ledger, and it is the fold of every event.
        #expect(LedgerDigest.of(laptop.ledger) == LedgerDigest.of(office.ledger))
        let all = made + other + fix + [void]
        #expect(LedgerDigest.of(laptop.ledger) == LedgerDigest.of(LedgerState.fold(all, catalogue: Self.config.catalogue,
                                                                                    points: Self.config.points)))
        #expect(laptop.ledger.level(site: "almaty-mobile", item: "syringe-2ml")?.level == -10)
        #expect(laptop.ledger.level(site: "almaty-mobile", item: "needle")?.level ?? 0 == 0)
    }

    @Test func aCorrectionArrivingBeforeItsContactAppliesWhenItComes() throws {
        let t: Timestamp = 1_789_000_000
        let made = try v.contact(.init(client: "MAIV285", items: [("syringe-2ml", 100)]), ctx: ctx("aigerim", .worker, t),
                                 known: { _ in false }, nearDuplicates: { _ in [] }, newClient: true)
        let source = MemorySyncStore(point: "almaty-mobile", events: made)
        let fix = try v.correctContact(source.ledger.amendTarget(made.last!.id), idText: "x",
                                       input: .init(client: "MAIV285", type: "mobile", items: [("syringe-2ml", 10)]), packs: [],
                                       reason: .mistake, note: nil, ctx: ctx("coord", .coordinator, t + 60),
                                       known: { _ in true }, nearDuplicates: { _ in [] }, newClient: false)
        // A third store gets the correction first (from the coordinator's bundle), then the contact.
        let third = MemorySyncStore(point: "temirtau")
        _ = try third.importEvents(fix)
        #expect(third.ledger.contacts.isEmpty)
        #expect(third.ledger.amendments[made.last!.id]?.original == nil)   // waiting
        _ = try third.importEvents(made)
        #expect(quantity(third.ledger, made.last!.id) == 10)
        #expect(third.ledger.history(of: made.last!.id)?.original?.id == made.last!.id)
        let direct = MemorySyncStore(point: "temirtau", events: made + fix)
        #expect(LedgerDigest.of(third.ledger) == LedgerDigest.of(direct.ledger))
    }
}
