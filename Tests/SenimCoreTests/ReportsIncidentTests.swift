import Foundation
import Testing
@testable import SenimCore

/// Rights-violation incidents and group activities, worked out by hand.
///
/// November 2026: at the central point 3 police stops (one linked to AAAA185, a man) and 2
/// confiscations; at the mobile point 1 detention linked to BBBB203 (a woman). A police stop on
/// 31 October is outside. Activities: 2 information sessions at the central point (12 and 8
/// people), 1 training at the mobile point (5 people).
@Suite struct ReportsIncidentTests {
    typealias L = LedgerBuilder
    static let events: [Event] = {
        var b = LedgerBuilder()
        b.contact(L.almaty(2026, 10, 1), "AAAA185", items: ["syringe-1ml": 1])
        b.contact(L.almaty(2026, 10, 1), "BBBB203", items: ["syringe-1ml": 1])
        b.add(L.almaty(2026, 10, 31), .incidentRecorded(Incident(kind: .policeStop)))
        b.add(L.almaty(2026, 11, 3), .incidentRecorded(Incident(kind: .policeStop, client: UIC(normalised: "AAAA185"))))
        b.add(L.almaty(2026, 11, 4), .incidentRecorded(Incident(kind: .policeStop, note: "near the market")))
        b.add(L.almaty(2026, 11, 5), .incidentRecorded(Incident(kind: .policeStop)))
        b.add(L.almaty(2026, 11, 6), .incidentRecorded(Incident(kind: .syringesConfiscated)))
        b.add(L.almaty(2026, 11, 7), .incidentRecorded(Incident(kind: .syringesConfiscated)))
        b.add(L.almaty(2026, 11, 8), site: "almaty-mobile", author: "dana",
              .incidentRecorded(Incident(kind: .detention, client: UIC(normalised: "BBBB203"))))
        b.add(L.almaty(2026, 11, 10), .activityRecorded(GroupActivity(kind: .informationSession, participants: 12)))
        b.add(L.almaty(2026, 11, 17), .activityRecorded(GroupActivity(kind: .informationSession, participants: 8)))
        b.add(L.almaty(2026, 11, 20), site: "almaty-mobile", author: "dana", .activityRecorded(GroupActivity(kind: .training, participants: 5)))
        return b.events
    }()
    let ledger = LedgerState.fold(events, catalogue: Fixtures.catalogue, points: Fixtures.configuration.points)
    let config = ReportFixtures.config()

    func report(by: Disaggregation? = nil, point: String? = nil) -> IndicatorReport {
        Reports.compute(ledger: ledger, configuration: config, period: ReportFixtures.period("2026-11"), point: point, by: by)
    }

    @Test func incidentsPerKindSiteAndPerson() {
        let r = report()
        #expect(r.value("incidents.all") == 6)
        #expect(r.value("incidents.police-stop") == 3)
        #expect(r.value("incidents.syringes-confiscated") == 2)
        #expect(r.value("incidents.detention") == 1)
        #expect(r.value("incidents.violence") == 0)
        let p = report(by: .point)
        #expect(p.value("incidents.all", "almaty-central") == 5)
        #expect(p.value("incidents.all", "almaty-mobile") == 1)
        #expect(report(point: "almaty-mobile").value("incidents.all") == 1)
        let s = report(by: .sex)
        #expect(s.value("incidents.all", "m") == 1)
        #expect(s.value("incidents.all", "f") == 1)
        #expect(s.value("incidents.all", "unknown") == 4)
        // Contact types do not apply.
        #expect(report(by: .type).value("incidents.all", "stationary") == nil)
        #expect(report(by: .type).value("incidents.all") == 6)
    }

    @Test func activitiesCountSessionsAndParticipants() {
        let r = report()
        #expect(r.value("activities.information-session.sessions") == 2)
        #expect(r.value("activities.information-session.participants") == 20)
        #expect(r.value("activities.training.sessions") == 1)
        #expect(r.value("activities.training.participants") == 5)
        let p = report(by: .point)
        #expect(p.value("activities.information-session.participants", "almaty-central") == 20)
        #expect(p.value("activities.training.participants", "almaty-mobile") == 5)
        #expect(p.value("activities.training.participants", "almaty-central") == 0)
        // Activities have no codes: no sex split.
        #expect(report(by: .sex).value("activities.training.sessions", "f") == nil)
        #expect(report(by: .sex).value("activities.training.sessions") == 1)
    }

    @Test func incidentsAreSuppressedEvenInExactOutput() throws {
        let exact = Suppression.applyToAlwaysSuppressed(report(by: .point), upTo: 4)
        #expect(exact.internal)
        #expect(exact.isSuppressed("incidents.police-stop"))
        #expect(exact.isSuppressed("incidents.all", "almaty-mobile"))
        // 5 at the central point = 6 − 1: hidden too, or the mobile one could be worked out.
        #expect(exact.isSuppressed("incidents.all", "almaty-central"))
        #expect(!exact.isSuppressed("incidents.all"))
        // The rest of the report stays exact.
        #expect(!exact.isSuppressed("activities.training.sessions"))
        let csv = try Reports.export(ReportRequest(period: ReportFixtures.period("2026-11"), format: .csv, suppress: false),
                                     ledger: ledger, configuration: config, role: .coordinator, language: .en)
        let rows = try #require(CSVReader.parse(csv.text))
        let police = try #require(rows.first { $0[8] == "incidents.police-stop" && $0[11] == "total" })
        #expect(police[13] == "" || police[13] == config.reporting.marker)
        #expect(police[14].contains("suppressed"))
        let training = try #require(rows.first { $0[8] == "activities.training.sessions" && $0[11] == "total" })
        #expect(training[13] == "1")
    }

    @Test func dhis2CarriesOnlyShownAggregates() throws {
        let map = try #require(config.reporting.dhis2)
        let out = try Reports.export(ReportRequest(period: ReportFixtures.period("2026-11"), format: .dhis2Csv, suppress: false),
                                     ledger: ledger, configuration: config, role: .coordinator, language: .en)
        let rows = try #require(CSVReader.parse(out.text))
        #expect(rows.contains { $0[0] == map.dataElements["incidents.all"]!.dataElement && $0[5] == "6" })
        #expect(rows.contains { $0[0] == map.dataElements["activities.information-session.participants"]!.dataElement && $0[5] == "20" })
    }

    @Test func incidentAndActivityEventsRoundTripAndAreChecked() throws {
        for body in [EventBody.incidentRecorded(Incident(kind: .forcedDrugTest, client: UIC(normalised: "AAAA185"), note: "x")),
                     .incidentRecorded(Incident(kind: .violence)),
                     .activityRecorded(GroupActivity(kind: .training, participants: 30))] {
            let e = Event(id: EventID(high: 4, low: 4), at: 10, author: "a", device: DeviceID(1), site: "almaty-central", body: body)
            let bytes = EventCodec.encode(e)
            #expect(try EventCodec.decode(bytes) == e)
            for n in 0..<bytes.count { #expect(throws: CodecError.self) { try EventCodec.decode(Array(bytes[0..<n])) } }
        }
        let v = Validator(Fixtures.configuration)
        let ctx = Validator.Context(author: "aigerim", role: .worker, device: DeviceID(1), site: "almaty-central", at: 1,
                                    id: EventID(high: 9, low: 9))
        func key(_ f: () throws(Message) -> Event) -> String? { do { _ = try f(); return nil } catch { return error.key } }
        #expect(key { () throws(Message) in try v.recordActivity(kind: .training, participants: 0, ctx: ctx) } == "validate.activity.participants")
        #expect(key { () throws(Message) in try v.recordActivity(kind: .training, participants: 10_001, ctx: ctx) } == "validate.activity.participants")
        #expect(key { () throws(Message) in try v.recordIncident(kind: .detention, client: "AAAA185", note: nil, ctx: ctx, known: { _ in false }) }
                == "validate.uic.unknown")
        #expect(key { () throws(Message) in try v.recordIncident(kind: .detention, client: nil, note: "ИИН 900101300126", ctx: ctx, known: { _ in true }) }?
                .hasPrefix("privacy.") == true)
        let ok = try v.recordIncident(kind: .detention, client: "", note: nil, ctx: ctx, known: { _ in true })
        #expect(ok.body == .incidentRecorded(Incident(kind: .detention)))
        // Content checks reusable for synced events.
        #expect(throws: Message.self) { try v.check(GroupActivity(kind: .training, participants: -3)) }
        #expect(throws: Message.self) { try v.check(Incident(kind: .violence, note: "+7 701 123 45 67")) }
    }
}
