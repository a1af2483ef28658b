import Foundation
import Testing
@testable import SenimCore

/// Client profiles (substances, routes, OAT) and the PWID rows, worked out by hand.
///
/// November 2026, central point unless said:
/// P1 PAAA185 man: no profile; 3 Nov 10 × 1 ml syringes → injects by default.
/// P2 PBBB290 woman: 1 Nov smoking, stimulants; 5 Nov foil → does not inject.
/// P3 PCCC185 man: 1 Oct smoking; 4 Nov pipe (not injecting then); 15 Nov injecting + smoking,
///    on OAT; 20 Nov at the mobile point 20 × 2 ml syringes → injects, on OAT.
/// P4 PDDD290 woman: 1 Oct injecting, on OAT; 2 Nov 10 × 1 ml syringes; 10 Nov oral only; 25 Nov
///    leaflet → injected at a contact of the period: PWID on OAT.
/// P5 PEEE290 woman: 1 Nov routes cleared, OAT no; 6 Nov condoms → no route means injecting.
/// P6 PFFF185 man: 1 Nov sniffing; 12 Nov straws; 30 Nov 23:00 injecting (after the contact) → does not inject.
@Suite struct ReportsProfileTests {
    typealias L = LedgerBuilder
    static func profile(_ b: inout LedgerBuilder, _ at: Timestamp, _ code: String, substances: [Substance]? = nil,
                        routes: [Route]? = nil, oat: OATStatus? = nil, gender: Gender? = nil) {
        b.add(at, .clientProfileSet(ClientProfile(client: UIC(normalised: code), substances: substances, routes: routes, oat: oat,
                                                  gender: gender)))
    }
    static let events: [Event] = {
        var b = LedgerBuilder()
        profile(&b, L.almaty(2026, 10, 1), "PCCC185", routes: [.smoking])
        profile(&b, L.almaty(2026, 10, 1), "PDDD290", routes: [.injecting], oat: .yes, gender: .transWoman)
        profile(&b, L.almaty(2026, 11, 1), "PBBB290", substances: [.stimulants], routes: [.smoking], gender: .woman)
        profile(&b, L.almaty(2026, 11, 1), "PEEE290", routes: [], oat: .no, gender: .nonBinary)
        profile(&b, L.almaty(2026, 11, 1), "PFFF185", routes: [.sniffing])
        b.contact(L.almaty(2026, 11, 2), "PDDD290", items: ["syringe-1ml": 10])
        b.contact(L.almaty(2026, 11, 3), "PAAA185", items: ["syringe-1ml": 10])
        b.contact(L.almaty(2026, 11, 4), "PCCC185", items: ["pipe": 1])
        b.contact(L.almaty(2026, 11, 5), "PBBB290", items: ["foil": 5])
        b.contact(L.almaty(2026, 11, 6), "PEEE290", items: ["condom": 5])
        profile(&b, L.almaty(2026, 11, 10), "PDDD290", routes: [.oral])
        b.contact(L.almaty(2026, 11, 12), "PFFF185", items: ["straw": 5])
        profile(&b, L.almaty(2026, 11, 15), "PCCC185", routes: [.injecting, .smoking], oat: .yes, gender: .man)
        b.contact(L.almaty(2026, 11, 20), "PCCC185", site: "almaty-mobile", author: "dana", type: "mobile", items: ["syringe-2ml": 20])
        b.contact(L.almaty(2026, 11, 25), "PDDD290", items: ["leaflet": 1])
        profile(&b, L.almaty(2026, 11, 30, 23), "PFFF185", routes: [.injecting])
        return b.events
    }()
    let ledger = LedgerState.fold(events, catalogue: Fixtures.catalogue, points: Fixtures.configuration.points)

    func report(by: Disaggregation? = nil, estimate: Int? = 100, flatPairLimit: Int = Reports.defaultFlatPairLimit) -> IndicatorReport {
        Reports.compute(ledger: ledger, configuration: ReportFixtures.config(estimate: estimate),
                        period: ReportFixtures.period("2026-11"), point: nil, by: by, flatPairLimit: flatPairLimit)
    }

    @Test func pwidRowsFollowTheProfileAtEachContact() {
        let r = report()
        #expect(r.value("clients.reached") == 6)
        #expect(r.value("clients.pwid") == 4)              // P1, P3, P4, P5
        #expect(r.value("clients.nonInjecting") == 2)      // P2, P6
        #expect(r.value("clients.ns") == 3)                // P1, P3, P4
        #expect(r.value("clients.pwid.ns") == 3)
        #expect(r.value("ns.distributed") == 40)
        #expect(r.value("ns.perClient") == 40.0 / 6)
        #expect(r.value("ns.perPWIDReached") == 10)
        #expect(r.value("clients.pwid.oat") == 2)          // P3 (20 Nov), P4 (2 Nov)
        #expect(r.value("prv8.coverage") == 3)             // 3 PWID given N/S ÷ 100 × 100
    }

    @Test func bySexAndByPointWhenTheRouteChanges() {
        let s = report(by: .sex)
        #expect(s.value("clients.pwid", "m") == 2)          // P1, P3
        #expect(s.value("clients.pwid", "f") == 2)          // P4, P5
        #expect(s.value("clients.nonInjecting", "m") == 1)  // P6
        #expect(s.value("clients.nonInjecting", "f") == 1)  // P2
        #expect(s.value("clients.pwid.oat", "m") == 1)
        #expect(s.value("clients.pwid.oat", "f") == 1)
        // P3 was smoking only at the central point on 4 Nov and injecting at the mobile point on 20 Nov.
        for limit in [Reports.defaultFlatPairLimit, 0] {
            let p = report(by: .point, flatPairLimit: limit)
            #expect(p.value("clients.pwid", "almaty-central") == 3, "limit \(limit)")      // P1, P4, P5
            #expect(p.value("clients.nonInjecting", "almaty-central") == 3, "limit \(limit)") // P2, P3, P6
            #expect(p.value("clients.pwid", "almaty-mobile") == 1, "limit \(limit)")
            #expect(p.value("clients.pwid.oat", "almaty-mobile") == 1, "limit \(limit)")
            #expect(p.value("clients.pwid.oat", "almaty-central") == 1, "limit \(limit)")
            #expect(p.value("clients.pwid", "total") == 4, "limit \(limit)")
        }
    }

    @Test func byGenderAsRecordedAtEachContact() {
        let g = report(by: .gender)
        #expect(g.table("reach")!.columns.map(\.id) == ["woman", "man", "trans-woman", "trans-man", "non-binary", "not-disclosed",
                                                         "unknown", "total"])
        #expect(g.value("clients.reached", "woman") == 1)        // P2
        #expect(g.value("clients.reached", "trans-woman") == 1)  // P4
        #expect(g.value("clients.reached", "non-binary") == 1)   // P5
        // P3 told their gender on 15 Nov: the 4 Nov contact is "unknown", the 20 Nov one "man".
        #expect(g.value("clients.reached", "man") == 1)
        #expect(g.value("clients.reached", "unknown") == 3)      // P1, P3, P6
        #expect(g.value("clients.reached", "total") == 6)
        #expect(g.value("contacts", "unknown") == 3)
        #expect(g.value("contacts", "trans-woman") == 2)
        #expect(g.value("clients.pwid", "man") == 1)
        #expect(g.value("clients.pwid", "unknown") == 1)         // P1 (P3 was smoking on 4 Nov)
        // A person can be in two columns: people do not add up across them, contacts do.
        let reach = g.tables.firstIndex { $0.id == "reach" }!
        let reachedRow = g.tables[reach].rows.firstIndex { $0.id == "clients.reached" }!
        let contactsRow = g.tables[reach].rows.firstIndex { $0.id == "contacts" }!
        let across = g.tables[reach].columns.count - 1
        #expect(!g.relations.contains { $0.total.table == reach && $0.total.row == reachedRow && $0.parts.count == across })
        #expect(g.relations.contains { $0.total.table == reach && $0.total.row == contactsRow && $0.parts.count == across })
        // Small cells are hidden like every other.
        let s = Suppression.apply(g, upTo: 4)
        #expect(s.isSuppressed("clients.reached", "woman"))
        #expect(s.isSuppressed("contacts", "trans-woman"))
    }

    @Test func withoutAnyProfileEveryoneInjects() {
        let r = Reports.compute(ledger: ReportFixtures.novemberLedger, configuration: ReportFixtures.config(estimate: 1000),
                                period: ReportFixtures.period("2026-11"), point: nil, by: nil)
        #expect(r.value("clients.pwid") == r.value("clients.reached"))
        #expect(r.value("clients.nonInjecting") == 0)
        #expect(r.value("clients.pwid.ns") == r.value("clients.ns"))
        #expect(r.value("clients.pwid.oat") == 0)
    }

    @Test func suppressionProtectsTheSplitOfReached() {
        // 6 reached = 4 PWID + 2 not injecting: both small, both hidden; the ratio on a hidden count goes too.
        let s = Suppression.apply(report(), upTo: 4)
        #expect(s.isSuppressed("clients.nonInjecting"))
        #expect(s.isSuppressed("clients.pwid"))
        #expect(s.value("clients.reached") == 6)
        #expect(s.isSuppressed("ns.perPWIDReached"))
    }

    @Test func theLedgerKeepsTheProfileOverTime() {
        let now = ledger.profile(of: UIC(normalised: "PCCC185"))
        #expect(now?.routes == [.injecting, .smoking])
        #expect(now?.oat == .yes)
        #expect(now?.injects == true)
        #expect(ledger.profile(of: UIC(normalised: "PBBB290"))?.substances == [.stimulants])
        #expect(ledger.profile(of: UIC(normalised: "PBBB290"))?.injects == false)
        #expect(ledger.profile(of: UIC(normalised: "PAAA185")) == nil)
        // A field left out keeps its value: P4's OAT stays yes after the route change.
        #expect(ledger.profile(of: UIC(normalised: "PDDD290"))?.oat == .yes)
    }

    @Test func profileEventsRoundTripAndRejectBadTags() throws {
        let e = Event(id: EventID(high: 1, low: 2), at: 100, author: "aigerim", device: DeviceID(3), site: "almaty-central",
                      body: .clientProfileSet(ClientProfile(client: UIC(normalised: "PAAA185"), substances: [.stimulants, .nps],
                                                            routes: [], oat: .unknown, gender: .nonBinary)))
        #expect(try EventCodec.decode(EventCodec.encode(e)) == e)
        let partial = Event(id: EventID(high: 1, low: 3), at: 100, author: "a", device: DeviceID(3), site: "s",
                            body: .clientProfileSet(ClientProfile(client: UIC(normalised: "PAAA185"), oat: .no)))
        #expect(try EventCodec.decode(EventCodec.encode(partial)) == partial)
        // An unknown route name is refused, not trapped on.
        var bytes = EventCodec.encode(e)
        let nps = Array("nps".utf8)
        let at = try #require((0..<bytes.count - 2).first { Array(bytes[$0..<$0 + 3]) == nps })
        bytes[at] = UInt8(ascii: "x")
        #expect(throws: CodecError.self) { try EventCodec.decode(bytes) }
        // Every truncation is an error.
        let full = EventCodec.encode(e)
        for n in 0..<full.count { #expect(throws: CodecError.self) { try EventCodec.decode(Array(full[0..<n])) } }
    }

    @Test func validatorChecksProfileChanges() throws {
        let v = Validator(Fixtures.configuration)
        let ctx = Validator.Context(author: "aigerim", role: .worker, device: DeviceID(1), site: "almaty-central", at: 1,
                                    id: EventID(high: 9, low: 9))
        let e = try v.setProfile(client: "PAAA185", substances: nil, routes: [.smoking], oat: nil, gender: nil, ctx: ctx,
                                 known: { _ in true })
        #expect(e.body.kindName == "client-profile-set")
        func key(_ f: () throws(Message) -> Event) -> String? { do { _ = try f(); return nil } catch { return error.key } }
        #expect(key { () throws(Message) in try v.setProfile(client: "PAAA185", substances: nil, routes: nil, oat: nil, gender: nil,
                                                             ctx: ctx, known: { _ in true }) } == "validate.profile.empty")
        #expect(key { () throws(Message) in try v.setProfile(client: "PAAA185", substances: nil, routes: [.oral, .oral], oat: nil,
                                                             gender: nil, ctx: ctx, known: { _ in true }) } == "validate.profile.repeated")
        #expect(key { () throws(Message) in try v.setProfile(client: "PAAA185", substances: nil, routes: [.oral], oat: nil,
                                                             gender: nil, ctx: ctx, known: { _ in false }) } == "validate.uic.unknown")
        // The same content checks for an event from elsewhere (a sync bundle).
        #expect(throws: Message.self) { try v.check(ClientProfile(client: UIC(normalised: "??"), oat: .yes)) }
    }
}
