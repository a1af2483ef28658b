import Foundation
import Testing
@testable import SenimCore

/// Services delivered at contacts (table `services`), worked out by hand on a small November.
///
/// A AAAA185 (man): 3 Nov central HIV + HCV test; 10 Nov mobile HIV test.
/// F FFFF299 (merged into A on 11 Nov): 12 Nov central HIV test → counts as A.
/// B BBBB203 (woman): 5 Nov central HIV test listed twice → delivered once.
/// C CCCC290 (woman): 7 Nov mobile peer psychologist.
/// D DDDD101: 31 Oct HIV test → outside the period.
/// E EEEE202 (woman): 15 Nov central "old-service" (not in the catalogue).
/// G1…G5 (GAAA190, GBBB291, GCCC192, GDDD293, GEEE194: men, women, men…): 20 Nov central HIV test.
@Suite struct ReportsServiceTests {
    typealias L = LedgerBuilder
    static let events: [Event] = {
        var b = LedgerBuilder()
        b.contact(L.almaty(2026, 10, 31), "DDDD101", services: ["hiv-test"])
        b.contact(L.almaty(2026, 11, 3), "AAAA185", services: ["hiv-test", "hcv-test"])
        b.contact(L.almaty(2026, 11, 5), "BBBB203", services: ["hiv-test", "hiv-test"])
        b.contact(L.almaty(2026, 11, 7), "CCCC290", site: "almaty-mobile", author: "dana", type: "mobile", services: ["peer-psychologist"])
        b.contact(L.almaty(2026, 11, 10), "AAAA185", site: "almaty-mobile", author: "dana", type: "mobile", services: ["hiv-test"])
        b.add(L.almaty(2026, 11, 11), author: "coordinator", .clientsMerged(from: UIC(normalised: "FFFF299"), into: UIC(normalised: "AAAA185")))
        b.contact(L.almaty(2026, 11, 12), "FFFF299", services: ["hiv-test"])
        b.contact(L.almaty(2026, 11, 15), "EEEE202", services: ["old-service"])
        for code in ["GAAA190", "GBBB291", "GCCC192", "GDDD293", "GEEE194"] {
            b.contact(L.almaty(2026, 11, 20), code, services: ["hiv-test"])
        }
        return b.events
    }()
    let ledger = LedgerState.fold(events, catalogue: Fixtures.catalogue, points: Fixtures.configuration.points)
    let config = ReportFixtures.config()

    func report(by: Disaggregation? = nil, point: String? = nil) -> IndicatorReport {
        Reports.compute(ledger: ledger, configuration: config, period: ReportFixtures.period("2026-11"), point: point, by: by)
    }

    @Test func clientsAndTimesPerService() {
        let r = report()
        // HIV: A (3, 10, 12 Nov), B (once), G1…G5 → 9 deliveries to 7 people.
        #expect(r.value("services.hiv-test.delivered") == 9)
        #expect(r.value("services.hiv-test.clients") == 7)
        #expect(r.value("services.hcv-test.delivered") == 1)
        #expect(r.value("services.hcv-test.clients") == 1)
        #expect(r.value("services.peer-psychologist.clients") == 1)
        #expect(r.value("services.tb-screening.delivered") == 0)
        #expect(r.value("services.old-service.delivered") == 1)
        #expect(r.value("services.old-service.clients") == 1)
        // Every catalogue service has its two rows.
        for s in Fixtures.catalogue.services {
            #expect(r.row("services.\(s.id).clients") != nil && r.row("services.\(s.id).delivered") != nil, "\(s.id)")
        }
        let ids = Reports.indicatorIDs(catalogue: Fixtures.catalogue)
        #expect(ids.contains("services.hiv-test.clients") && ids.contains("services.srh.delivered"))
    }

    @Test func bySexAndByPoint() {
        let s = report(by: .sex)
        // Women: B, GBBB291, GDDD293; men: A (F merged in), GAAA190, GCCC192, GEEE194.
        #expect(s.value("services.hiv-test.clients", "f") == 3)
        #expect(s.value("services.hiv-test.clients", "m") == 4)
        #expect(s.value("services.hiv-test.delivered", "f") == 3)
        #expect(s.value("services.hiv-test.delivered", "m") == 6)
        let p = report(by: .point)
        // A was tested at both points: once in each column, once in the total.
        #expect(p.value("services.hiv-test.clients", "almaty-central") == 7)
        #expect(p.value("services.hiv-test.clients", "almaty-mobile") == 1)
        #expect(p.value("services.hiv-test.clients", "total") == 7)
        #expect(p.value("services.hiv-test.delivered", "almaty-central") == 8)
        #expect(p.value("services.hiv-test.delivered", "almaty-mobile") == 1)
        // People do not add up across points; deliveries do.
        let t = p.tables.firstIndex { $0.id == "services" }!
        let clientsRow = p.tables[t].rows.firstIndex { $0.id == "services.hiv-test.clients" }!
        let deliveredRow = p.tables[t].rows.firstIndex { $0.id == "services.hiv-test.delivered" }!
        #expect(!p.relations.contains { $0.total.table == t && $0.total.row == clientsRow })
        #expect(p.relations.contains { $0.total.table == t && $0.total.row == deliveredRow })
        // One point in scope.
        #expect(report(point: "almaty-mobile").value("services.hiv-test.delivered") == 1)
        #expect(report(point: "almaty-mobile").value("services.peer-psychologist.clients") == 1)
    }

    @Test func smallCountsAreSuppressed() {
        let s = Suppression.apply(report(by: .sex), upTo: 4)
        #expect(s.isSuppressed("services.hiv-test.clients", "f"))          // 3
        #expect(s.isSuppressed("services.hcv-test.clients"))               // 1
        #expect(s.value("services.hiv-test.delivered") == 9)
        // 9 = 3 (hidden) + 6 + 0: the men's cell must go too, or the women's could be worked out.
        #expect(s.isSuppressed("services.hiv-test.delivered", "f"))
        #expect(s.isSuppressed("services.hiv-test.delivered", "m"))
        #expect(s.value("services.tb-screening.delivered") == 0)
        let hidden = Set(s.tables.indices.flatMap { t in
            s.tables[t].rows.indices.flatMap { i in
                s.tables[t].rows[i].suppressed.indices.filter { s.tables[t].rows[i].suppressed[$0] }.map { CellRef(t, i, $0) }
            }
        })
        #expect(Suppression.firstDetermined(relations: s.relations, hidden: hidden) == nil)
    }

    @Test func formatsCarryTheRows() throws {
        for format in [ReportFormat.csv, .json, .table] {
            let out = try Reports.export(ReportRequest(period: ReportFixtures.period("2026-11"), format: format, suppress: false),
                                         ledger: ledger, configuration: config, role: .coordinator, language: .ru)
            #expect(out.text.contains(format == .table ? "Оказано раз" : "services.hiv-test.delivered"), "\(format)")
        }
    }

    @Test func dhis2CarriesTheMappedServices() throws {
        let map = try #require(config.reporting.dhis2)
        let out = try Reports.export(ReportRequest(period: ReportFixtures.period("2026-11"), by: .sex, format: .dhis2Json, suppress: false),
                                     ledger: ledger, configuration: config, role: .coordinator, language: .en)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(out.text.utf8)) as? [String: Any])
        let values = try #require(obj["dataValues"] as? [[String: Any]])
        func value(_ id: String, _ col: String) -> String? {
            let el = map.dataElements[id]!
            let coc = el.disaggregations["sex"]?[col]
            return values.first { $0["dataElement"] as? String == el.dataElement && $0["categoryOptionCombo"] as? String == coc }?["value"] as? String
        }
        #expect(value("services.hiv-test.clients", "f") == "3")
        #expect(value("services.hiv-test.clients", "m") == "4")
        // Suppressed: the small cells are left out, never sent as numbers.
        let suppressed = try Reports.export(ReportRequest(period: ReportFixtures.period("2026-11"), format: .dhis2Csv),
                                            ledger: ledger, configuration: config, role: .coordinator, language: .en)
        let rows = try #require(CSVReader.parse(suppressed.text))
        let hiv = map.dataElements["services.hiv-test.delivered"]!.dataElement
        let hcv = map.dataElements["services.hcv-test.clients"]!.dataElement
        #expect(rows.contains { $0[0] == hiv && $0[5] == "9" })
        #expect(!rows.contains { $0[0] == hcv })
    }
}
