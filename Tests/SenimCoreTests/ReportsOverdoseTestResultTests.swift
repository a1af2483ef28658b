import Foundation
import Testing
@testable import SenimCore

/// Overdose kinds and who came (table `reach`), rapid test results (table `services`), and
/// `--by substance`, worked out by hand on small Novembers (docs/indicators.md).
@Suite struct ReportsOverdoseTestResultTests {
    typealias L = LedgerBuilder

    /// Overdoses, November 2026 (codes: sex digit 1 man, 2 woman):
    /// A AAAA185 3 Nov central: reversed with naloxone, opioid, ambulance called.
    /// B BBBB203 5 Nov central: recovered, stimulant, ambulance refused.
    /// C CCCC290 7 Nov mobile: hospital, overheating, ambulance called + police came.
    /// D DDDD101 9 Nov central: fatal, psychosis, police came.
    /// E EEEE202 11 Nov central: outcome unknown, no kind (as before kinds existed).
    /// B 13 Nov central: logged as opioid, no one came; corrected on 14 Nov to stimulant, police came.
    /// A 31 Oct: stimulant overdose (outside the period).
    ///
    /// Rapid tests (HIV unless said):
    /// A 4 Nov non-reactive · B 6 Nov reactive · B 16 Nov reactive again · C 8 Nov mobile invalid ·
    /// D 10 Nov not disclosed · E 12 Nov no result · F FFFF299 14 Nov reactive, and HCV non-reactive.
    static let events: [Event] = {
        var b = LedgerBuilder()
        func od(_ kind: OverdoseKind?, _ who: [Responder]) -> ContactDetail { ContactDetail(overdoseKind: kind, responders: who) }
        b.contact(L.almaty(2026, 10, 31), "AAAA185", overdose: "recovered", detail: od(.stimulant, []))
        b.contact(L.almaty(2026, 11, 3), "AAAA185", overdose: "reversed-naloxone", detail: od(.opioid, [.ambulanceCalled]))
        b.contact(L.almaty(2026, 11, 5), "BBBB203", overdose: "recovered", detail: od(.stimulant, [.ambulanceRefused]))
        b.contact(L.almaty(2026, 11, 7), "CCCC290", site: "almaty-mobile", author: "dana", type: "mobile", overdose: "hospital",
                  detail: od(.overheating, [.ambulanceCalled, .policeCame]))
        b.contact(L.almaty(2026, 11, 9), "DDDD101", overdose: "fatal", detail: od(.psychosis, [.policeCame]))
        b.contact(L.almaty(2026, 11, 11), "EEEE202", overdose: "unknown")
        let wrong = b.contact(L.almaty(2026, 11, 13), "BBBB203", overdose: "recovered", detail: od(.opioid, []))
        b.add(L.almaty(2026, 11, 14), .contactCorrected(ContactCorrection(target: wrong, contact: Contact(
            client: UIC(normalised: "BBBB203"), type: "stationary", overdose: "recovered", detail: od(.stimulant, [.policeCame])))))
        func test(_ service: String, _ r: TestResult?) -> ContactDetail {
            ContactDetail(results: r.map { [ServiceResult(service: service, result: $0)] } ?? [])
        }
        b.contact(L.almaty(2026, 11, 4), "AAAA185", services: ["hiv-test"], detail: test("hiv-test", .nonReactive))
        b.contact(L.almaty(2026, 11, 6), "BBBB203", services: ["hiv-test"], detail: test("hiv-test", .reactive))
        b.contact(L.almaty(2026, 11, 16), "BBBB203", services: ["hiv-test"], detail: test("hiv-test", .reactive))
        b.contact(L.almaty(2026, 11, 8), "CCCC290", site: "almaty-mobile", author: "dana", type: "mobile", services: ["hiv-test"],
                  detail: test("hiv-test", .invalid))
        b.contact(L.almaty(2026, 11, 10), "DDDD101", services: ["hiv-test"], detail: test("hiv-test", .notDisclosed))
        b.contact(L.almaty(2026, 11, 12), "EEEE202", services: ["hiv-test"])
        b.contact(L.almaty(2026, 11, 14), "FFFF299", services: ["hiv-test", "hcv-test"], detail: ContactDetail(results: [
            ServiceResult(service: "hiv-test", result: .reactive), ServiceResult(service: "hcv-test", result: .nonReactive)]))
        return b.events
    }()
    let ledger = LedgerState.fold(events, catalogue: Fixtures.catalogue, points: Fixtures.configuration.points)
    let config = ReportFixtures.config()

    func report(by: Disaggregation? = nil, point: String? = nil) -> IndicatorReport {
        Reports.compute(ledger: ledger, configuration: config, period: ReportFixtures.period("2026-11"), point: point, by: by)
    }

    @Test func overdosesByKindAndWhoCame() {
        let r = report()
        #expect(r.value("overdoses") == 6)
        #expect(r.value("overdoses.reversed") == 1)
        #expect(r.value("overdoses.opioid") == 1)          // the corrected one is no longer opioid
        #expect(r.value("overdoses.stimulant") == 2)       // B 5 Nov, B 13 Nov (corrected)
        #expect(r.value("overdoses.overheating") == 1)
        #expect(r.value("overdoses.psychosis") == 1)
        #expect(r.value("overdoses.other") == 0)
        #expect(r.value("overdoses.unspecified") == 1)     // E
        #expect(r.value("overdoses.ambulance-called") == 2)
        #expect(r.value("overdoses.ambulance-refused") == 1)
        #expect(r.value("overdoses.police-came") == 3)     // C, D, B (corrected)
        // By point: the mobile point had C's overheating.
        let p = report(by: .point)
        #expect(p.value("overdoses.overheating", "almaty-mobile") == 1)
        #expect(p.value("overdoses.overheating", "almaty-central") == 0)
        #expect(p.value("overdoses.police-came", "almaty-central") == 2)
        // By sex: women B (twice), C, E; men A, D.
        let s = report(by: .sex)
        #expect(s.value("overdoses.stimulant", "f") == 2)
        #expect(s.value("overdoses.psychosis", "m") == 1)
        // Kinds add up to the overdoses: a published relation (for complementary suppression).
        let t = r.tables.firstIndex { $0.id == "reach" }!
        let total = r.tables[t].rows.firstIndex { $0.id == "overdoses" }!
        #expect(r.relations.contains { $0.total == CellRef(t, total, 0) && $0.parts.count == 6 })
        // Every id is a known indicator (the DHIS2 mapping accepts it).
        let ids = Set(Reports.indicatorIDs(catalogue: Fixtures.catalogue))
        for id in ["overdoses.stimulant", "overdoses.unspecified", "overdoses.ambulance-refused", "overdoses.police-came"] {
            #expect(ids.contains(id), "\(id)")
        }
    }

    @Test func rapidTestResults() {
        let r = report()
        #expect(r.value("services.hiv-test.delivered") == 7)
        #expect(r.value("services.hiv-test.clients") == 6)        // tested: A, B, C, D, E, F
        #expect(r.value("services.hiv-test.reactive") == 2)       // B (twice, one person), F
        #expect(r.value("services.hiv-test.result.reactive") == 3)
        #expect(r.value("services.hiv-test.result.non-reactive") == 1)
        #expect(r.value("services.hiv-test.result.invalid") == 1)
        #expect(r.value("services.hiv-test.result.not-disclosed") == 1)
        #expect(r.value("services.hiv-test.result.none") == 1)    // E
        #expect(r.value("services.hcv-test.delivered") == 1)
        #expect(r.value("services.hcv-test.reactive") == 0)
        #expect(r.value("services.hcv-test.result.non-reactive") == 1)
        #expect(r.value("services.hcv-test.result.none") == 0)
        // Services that are not rapid tests have no result rows.
        #expect(r.row("services.tb-screening.reactive") == nil)
        #expect(r.row("services.tb-screening.delivered") != nil)
        // By sex: both reactive clients are women; by point: the invalid test was at the mobile point.
        #expect(report(by: .sex).value("services.hiv-test.reactive", "f") == 2)
        #expect(report(by: .sex).value("services.hiv-test.reactive", "m") == 0)
        let p = report(by: .point)
        #expect(p.value("services.hiv-test.result.invalid", "almaty-mobile") == 1)
        #expect(p.value("services.hiv-test.reactive", "almaty-central") == 2)
        #expect(report(point: "almaty-mobile").value("services.hiv-test.reactive") == 0)
    }

    @Test func smallCellsAreSuppressedWithTheirComplements() {
        let s = Suppression.apply(report(by: .sex), upTo: 4)
        #expect(s.value("overdoses") == 6)
        #expect(s.isSuppressed("overdoses.stimulant"))
        #expect(s.isSuppressed("overdoses.police-came"))
        #expect(s.isSuppressed("services.hiv-test.reactive"))
        #expect(s.isSuppressed("services.hiv-test.result.invalid"))
        #expect(s.value("services.hiv-test.delivered") == 7)
        let hidden = Set(s.tables.indices.flatMap { t in
            s.tables[t].rows.indices.flatMap { i in
                s.tables[t].rows[i].suppressed.indices.filter { s.tables[t].rows[i].suppressed[$0] }.map { CellRef(t, i, $0) }
            }
        })
        // No hidden cell can be worked out from the published sums (kinds → overdoses, results → tests).
        #expect(Suppression.firstDetermined(relations: s.relations, hidden: hidden) == nil)
    }

    @Test func dhis2CarriesTheNewRows() throws {
        let map = try #require(config.reporting.dhis2)
        let out = try Reports.export(ReportRequest(period: ReportFixtures.period("2026-11"), format: .dhis2Json, suppress: false),
                                     ledger: ledger, configuration: config, role: .coordinator, language: .en)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(out.text.utf8)) as? [String: Any])
        let values = try #require(obj["dataValues"] as? [[String: Any]])
        func value(_ id: String) -> String? {
            let de = map.dataElements[id]!.dataElement
            return values.first { $0["dataElement"] as? String == de }?["value"] as? String
        }
        #expect(value("overdoses.stimulant") == "2")
        #expect(value("overdoses.police-came") == "3")
        #expect(value("overdoses.ambulance-refused") == "1")
        #expect(value("services.hiv-test.reactive") == "2")
        #expect(value("services.hcv-test.reactive") == "0")
        // Suppressed: small cells are left out of the file, never sent as numbers.
        let suppressed = try Reports.export(ReportRequest(period: ReportFixtures.period("2026-11"), format: .dhis2Csv),
                                            ledger: ledger, configuration: config, role: .coordinator, language: .en)
        let rows = try #require(CSVReader.parse(suppressed.text))
        #expect(!rows.contains { $0[0] == map.dataElements["overdoses.stimulant"]!.dataElement })
        #expect(!rows.contains { $0[0] == map.dataElements["services.hiv-test.reactive"]!.dataElement })
        #expect(rows.contains { $0[0] == map.dataElements["overdoses"]!.dataElement && $0[5] == "6" })
    }

    @Test func formatsCarryTheRowsInEveryLanguage() throws {
        for (format, language, needle) in [(ReportFormat.table, Language.ru, "Передозировки: стимуляторы"),
                                           (.table, .kk, "Реактивті нәтижесі бар клиенттер"),
                                           (.table, .en, "Overdoses: police came"),
                                           (.csv, .en, "services.hiv-test.result.not-disclosed"),
                                           (.json, .en, "overdoses.ambulance-refused")] {
            let out = try Reports.export(ReportRequest(period: ReportFixtures.period("2026-11"), format: format, suppress: false),
                                         ledger: ledger, configuration: config, role: .coordinator, language: language)
            #expect(out.text.contains(needle), "\(format) \(language)")
        }
    }

    // MARK: --by substance

    /// November 2026, central point:
    /// S1 SAAA185: no profile; 3 Nov contact → unknown.
    /// S2 SBBB290: 1 Nov stimulants; contacts 5 and 20 Nov → stimulants; referral issued 7 Nov.
    /// S3 SCCC185: 1 Oct opioids; 4 Nov contact (opioids); 15 Nov opioids + stimulants; 20 Nov
    ///    contact → several; incident linked to S3 on 21 Nov → several.
    /// S4 SDDD290: 1 Nov NPS; 6 Nov contact (nps); 10 Nov substances cleared; 12 Nov contact → unknown.
    /// S5 SEEE290: 30 Nov 12:00 contact; 30 Nov 23:00 other (after the contact) → unknown.
    static let substanceEvents: [Event] = {
        var b = LedgerBuilder()
        func set(_ at: Timestamp, _ code: String, _ s: [Substance]) {
            b.add(at, .clientProfileSet(ClientProfile(client: UIC(normalised: code), substances: s)))
        }
        set(L.almaty(2026, 10, 1), "SCCC185", [.opioids])
        set(L.almaty(2026, 11, 1), "SBBB290", [.stimulants])
        set(L.almaty(2026, 11, 1), "SDDD290", [.nps])
        b.contact(L.almaty(2026, 11, 3), "SAAA185", items: ["syringe-1ml": 10])
        b.contact(L.almaty(2026, 11, 4), "SCCC185", items: ["syringe-2ml": 10])
        b.contact(L.almaty(2026, 11, 5), "SBBB290", items: ["pipette": 2])
        b.contact(L.almaty(2026, 11, 6), "SDDD290", items: ["foil": 5])
        b.referral(L.almaty(2026, 11, 7), "SBBB290", "hiv-test")
        set(L.almaty(2026, 11, 10), "SDDD290", [])
        b.contact(L.almaty(2026, 11, 12), "SDDD290", items: ["condom": 3])
        set(L.almaty(2026, 11, 15), "SCCC185", [.opioids, .stimulants])
        b.contact(L.almaty(2026, 11, 20), "SCCC185", items: ["syringe-2ml": 5])
        b.contact(L.almaty(2026, 11, 20), "SBBB290", items: ["vitamins": 1])
        b.add(L.almaty(2026, 11, 21), .incidentRecorded(Incident(kind: .policeStop, client: UIC(normalised: "SCCC185"))))
        b.contact(L.almaty(2026, 11, 30, 12), "SEEE290", items: ["leaflet": 1])
        set(L.almaty(2026, 11, 30, 23), "SEEE290", [.other])
        return b.events
    }()

    @Test func bySubstanceFollowsTheProfileAtEachContact() throws {
        let l = LedgerState.fold(Self.substanceEvents, catalogue: Fixtures.catalogue, points: Fixtures.configuration.points)
        let r = Reports.compute(ledger: l, configuration: config, period: ReportFixtures.period("2026-11"), point: nil, by: .substance)
        let reach = r.table("reach")!
        #expect(reach.columns.map(\.id) == ["opioids", "stimulants", "nps", "other", "several", "unknown", "total"])
        let contacts = ["opioids": 1.0, "stimulants": 2, "nps": 1, "other": 0, "several": 1, "unknown": 3, "total": 8]
        for (col, v) in contacts { #expect(r.value("contacts", col) == v, "contacts \(col)") }
        let reached = ["opioids": 1.0, "stimulants": 1, "nps": 1, "other": 0, "several": 1, "unknown": 3, "total": 5]
        for (col, v) in reached { #expect(r.value("clients.reached", col) == v, "reached \(col)") }
        // N/S: S1 10 (unknown), S3 10 (opioids) + 5 (several).
        #expect(r.value("ns.distributed", "opioids") == 10)
        #expect(r.value("ns.distributed", "several") == 5)
        #expect(r.value("ns.distributed", "unknown") == 10)
        #expect(r.value("items.pipette", "stimulants") == 2)
        #expect(r.value("referrals.all.issued", "stimulants") == 1)
        #expect(r.value("incidents.all", "several") == 1)
        // Contacts add up across the columns; people do not (S3 and S4 changed during the month).
        let t = r.tables.firstIndex { $0.id == "reach" }!
        let contactsRow = reach.rows.firstIndex { $0.id == "contacts" }!
        let reachedRow = reach.rows.firstIndex { $0.id == "clients.reached" }!
        func across(_ row: Int) -> Bool {
            r.relations.contains { $0.total.table == t && $0.total.row == row && $0.parts.allSatisfy { $0.row == row } }
        }
        #expect(across(contactsRow))
        #expect(!across(reachedRow))
        // Labels in every language.
        for (lang, word) in [(Language.en, "Several"), (.ru, "Несколько"), (.kk, "Бірнешеу")] {
            let out = try Reports.export(ReportRequest(period: ReportFixtures.period("2026-11"), by: .substance, format: .table,
                                                       suppress: false),
                                         ledger: l, configuration: config, role: .coordinator, language: lang)
            #expect(out.text.contains(word), "\(lang)")
        }
    }
}
