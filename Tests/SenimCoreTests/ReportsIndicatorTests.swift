import Foundation
import Testing
@testable import SenimCore

/// Every indicator against values worked out by hand on the November fixture
/// (ReportFixtures.november; the same example is walked through in docs/indicators.md).
@Suite struct ReportsIndicatorTests {
    typealias L = LedgerBuilder
    let ledger = ReportFixtures.novemberLedger
    let config = ReportFixtures.config()

    func report(_ period: String = "2026-11", point: String? = nil, by: Disaggregation? = nil,
                config: Configuration? = nil, ledger: LedgerState? = nil) -> IndicatorReport {
        Reports.compute(ledger: ledger ?? self.ledger, configuration: config ?? self.config,
                        period: ReportFixtures.period(period), point: point, by: by)
    }

    @Test func reachAndContacts() {
        let r = report()
        #expect(r.internal && !r.suppressed)
        #expect(r.value("clients.reached") == 5)          // A (with F merged in), B, C, D, E
        #expect(r.value("clients.new") == 3)              // B (1 Nov 00:00), D, E; C was first seen 30 min before
        #expect(r.value("contacts") == 7)                 // 1 Nov 00:00 … 30 Nov 23:59; 1 Dec 00:00 is out
        #expect(r.value("contacts.perClient") == 1.4)
        #expect(r.value("clients.ns") == 3)               // B, A (and F), E
        #expect(r.value("ns.distributed") == 50)          // 20 + 10 + 10 + 5 + 5
        #expect(r.value("ns.perClient") == 10)
        #expect(r.value("naloxone.distributed") == 2)
        #expect(r.value("overdoses") == 2)
        #expect(r.value("overdoses.reversed") == 1)
        // No estimate configured: no coverage; a month is too short for PRV.9.
        #expect(r.value("ns.perPWID") == nil)
        #expect(r.value("prv8.coverage") == nil)
        #expect(r.value("clients.regular") == nil)
        #expect(r.value("prv9.regularAccess") == nil)
        #expect(r.row("ns.perPWID")?.annualised == true)
    }

    @Test func itemsPerItemAndCategory() {
        let r = report()
        let expected: [String: Double] = [
            "items.syringe-1ml": 25, "items.syringe-2ml": 15, "items.needle": 10, "items.alcohol-wipe": 20,
            "items.condom": 13, "items.naloxone": 2, "items.foil": 5, "items.syringe-5ml": 0, "items.pipe": 0,
            "items.category.injecting": 70, "items.category.smoking": 5, "items.category.sexual-health": 13,
            "items.category.overdose": 2, "items.category.wound-care": 0, "items.category.information": 0,
        ]
        for (id, v) in expected { #expect(r.value(id) == v, "\(id)") }
        #expect(r.table("items")!.rows.count == Fixtures.catalogue.items.count + Catalogue.Category.allCases.count)
    }

    @Test func referralsIssuedInThePeriod() {
        let r = report()
        // R1 attended after 5 days, R2 declined, R3 attended after 3 days, R4 open, R6 lost,
        // R7 accompanied (still open); R5 was issued in October.
        #expect(r.value("referrals.all.issued") == 6)
        #expect(r.value("referrals.all.attended") == 2)
        #expect(r.value("referrals.all.declined") == 1)
        #expect(r.value("referrals.all.lost") == 1)
        #expect(r.value("referrals.all.open") == 2)
        #expect(abs(r.value("referrals.all.completion")! - 100.0 / 3) < 1e-9)
        #expect(r.value("referrals.all.medianDays") == 4)
        #expect(r.value("referrals.hiv-test.issued") == 4)
        #expect(r.value("referrals.hiv-test.attended") == 2)
        #expect(r.value("referrals.hiv-test.lost") == 1)
        #expect(r.value("referrals.hiv-test.open") == 1)
        #expect(r.value("referrals.hiv-test.completion") == 50)
        #expect(r.value("referrals.oat.declined") == 1)
        #expect(r.value("referrals.legal-aid.open") == 1)
        #expect(r.value("referrals.hcv-test.issued") == 0)
        #expect(r.value("referrals.hcv-test.completion") == nil)
    }

    @Test func bySexUsesTheSurvivingCode() {
        // F's code is a woman's, but F was merged into A (a man): F's contact counts for A.
        let r = report(by: .sex)
        #expect(r.table("reach")!.columns.map(\.id) == ["f", "m", "unknown", "total"])
        #expect(r.value("clients.reached", "f") == 3)
        #expect(r.value("clients.reached", "m") == 2)
        #expect(r.value("clients.reached", "unknown") == 0)
        #expect(r.value("clients.reached", "total") == 5)
        #expect(r.value("clients.new", "f") == 2)
        #expect(r.value("clients.new", "m") == 1)
        #expect(r.value("contacts", "f") == 4)
        #expect(r.value("contacts", "m") == 3)
        #expect(r.value("ns.distributed", "f") == 25)
        #expect(r.value("ns.distributed", "m") == 25)
        #expect(r.value("clients.ns", "f") == 2)
        #expect(r.value("clients.ns", "m") == 1)
        #expect(r.value("overdoses", "f") == 2)
        #expect(r.value("overdoses.reversed", "f") == 1)
        #expect(r.value("contacts.perClient", "f") == 4.0 / 3)
        #expect(r.value("referrals.all.issued", "f") == 4)
        #expect(r.value("referrals.all.issued", "m") == 2)
        #expect(r.value("referrals.all.attended", "m") == 2)
        #expect(r.value("referrals.all.medianDays", "m") == 4)
        #expect(r.value("referrals.all.medianDays", "f") == nil)
    }

    @Test func byAgeFromTheBirthYearAtThePeriodStart() {
        // 2026 − 2001 = 25: D is in the 25+ group; B (2003) and E (2002) are under 25.
        let r = report(by: .age)
        #expect(r.table("reach")!.columns.map(\.id) == ["under-25", "25-plus", "unknown", "total"])
        #expect(r.value("clients.reached", "under-25") == 2)
        #expect(r.value("clients.reached", "25-plus") == 3)
        #expect(r.value("contacts", "under-25") == 3)
        #expect(r.value("contacts", "25-plus") == 4)
        // A year later D is still 25+, and in 2028 B (2003) turns 25.
        let later = report("2028", by: .age)
        #expect(later.value("clients.reached", "total") == 0)
        #expect(Reports.ageGroup(birthYear: 2003, referenceYear: 2028) == .twentyFivePlus)
        #expect(Reports.ageGroup(birthYear: 2003, referenceYear: 2027) == .under25)
    }

    @Test func byPointCountsAPersonAtEachPointOnce() {
        let r = report(by: .point)
        #expect(r.table("reach")!.columns.map(\.id) == ["almaty-central", "almaty-mobile", "temirtau", "total"])
        #expect(r.value("contacts", "almaty-central") == 4)
        #expect(r.value("contacts", "almaty-mobile") == 3)
        #expect(r.value("contacts", "temirtau") == 0)
        // B and A were reached at both points: 4 + 3 people at the points, 5 in all.
        #expect(r.value("clients.reached", "almaty-central") == 4)
        #expect(r.value("clients.reached", "almaty-mobile") == 3)
        #expect(r.value("clients.reached", "total") == 5)
        #expect(r.value("referrals.all.issued", "almaty-central") == 4)
        #expect(r.value("referrals.all.issued", "almaty-mobile") == 2)
        // Unique people are not additive across points: no sum across the 3 points for them
        // (within a point, reached = PWID + not injecting still is).
        let reach = r.tables.firstIndex { $0.id == "reach" }!
        let reachedRow = r.tables[reach].rows.firstIndex { $0.id == "clients.reached" }!
        let contactsRow = r.tables[reach].rows.firstIndex { $0.id == "contacts" }!
        #expect(!r.relations.contains { $0.total.table == reach && $0.total.row == reachedRow && $0.parts.count == 3 })
        #expect(r.relations.contains { $0.total.table == reach && $0.total.row == contactsRow && $0.parts.count == 3 })
    }

    @Test func byWorkerAndByType() {
        let w = report(by: .worker)
        #expect(w.table("reach")!.columns.map(\.id) == ["aigerim", "dana", "total"])   // the coordinator logged no contacts
        #expect(w.value("contacts", "aigerim") == 4)
        #expect(w.value("contacts", "dana") == 3)
        #expect(w.value("referrals.all.issued", "aigerim") == 4)
        #expect(w.value("referrals.all.issued", "dana") == 2)
        let t = report(by: .type)
        #expect(t.table("reach")!.columns.map(\.id) == ["stationary", "mobile", "street", "drop-in", "total"])
        #expect(t.value("contacts", "stationary") == 4)
        #expect(t.value("contacts", "mobile") == 3)
        #expect(t.value("contacts", "street") == 0)
        // Referrals have no contact type: only the total applies.
        #expect(t.value("referrals.all.issued", "mobile") == nil)
        #expect(t.value("referrals.all.issued", "total") == 6)
    }

    @Test func onePoint() {
        let r = report(point: "almaty-mobile")
        #expect(r.value("clients.reached") == 3)   // A (as F), D, B
        #expect(r.value("clients.new") == 2)       // D, and B, new to the programme this month
        #expect(r.value("contacts") == 3)
        #expect(r.value("ns.distributed") == 5)
        #expect(r.value("clients.ns") == 1)
        #expect(r.value("overdoses") == 1)
        #expect(r.value("overdoses.reversed") == 0)
        #expect(r.value("referrals.all.issued") == 2)
        let stock = r.table("stock")!
        #expect(stock.rows.allSatisfy { $0.group == "almaty-mobile" })
        // A point that exists but saw nothing.
        let empty = report(point: "temirtau")
        #expect(empty.value("contacts") == 0)
        #expect(empty.value("clients.reached") == 0)
        #expect(empty.value("contacts.perClient") == nil)
    }

    @Test func mergesCountOnceEvenWhenMergedLater() {
        var b = LedgerBuilder()
        b.contact(L.almaty(2026, 11, 2), "GGGG190", items: ["syringe-1ml": 1])
        b.contact(L.almaty(2026, 11, 3), "GGGH190", items: ["syringe-1ml": 1])
        b.add(L.almaty(2027, 2, 1), .clientsMerged(from: UIC(normalised: "GGGH190"), into: UIC(normalised: "GGGG190")))
        let r = report(ledger: b.ledger())
        #expect(r.value("clients.reached") == 1)
        #expect(r.value("clients.new") == 1)
        #expect(r.value("contacts") == 2)
    }

    @Test func stockPerItemAndSite() {
        let r = report()
        let stock = r.table("stock")!
        func row(_ site: String, _ item: String) -> [String: Double?] {
            guard let row = stock.row("stock.\(site).\(item)") else { return [:] }
            return Dictionary(uniqueKeysWithValues: zip(stock.columns.map(\.id), row.values))
        }
        let s1 = row("almaty-central", "syringe-1ml")
        #expect(s1["opening"] == 100)
        #expect(s1["received"] == 50)
        #expect(s1["transferIn"] == 0)
        #expect(s1["distributed"] == 25)
        #expect(s1["transferOut"] == 30)
        #expect(s1["writtenOff.damaged"] == 5)
        #expect(s1["writtenOff.expired"] == 0)
        #expect(s1["adjusted"] == -35)           // counted 60 when the books said 95
        #expect(s1["closing"] == 55)
        #expect(s1["discrepancies"] == 0)
        // Lots are only known as they are now, and this stock moved in December: no expiry figures.
        #expect(s1["expired"] == .some(nil))
        #expect(s1["expiring"] == .some(nil))
        #expect(s1["daysLeft"] == 66)            // 55 at 25 per 30 days
        let m1 = row("almaty-mobile", "syringe-1ml")
        #expect(m1["transferIn"] == 30)
        #expect(m1["closing"] == 30)
        #expect(m1["daysLeft"] == .some(nil))    // nothing handed out recently: no rate
        let nal = row("almaty-central", "naloxone")
        #expect(nal["opening"] == 10)
        #expect(nal["distributed"] == 2)
        #expect(nal["closing"] == 8)
        #expect(nal["expired"] == 8)             // lot N1 expired on 20 November
        // In December nothing moves afterwards: lot L1 (15 Jan 2027) was used up on 1 December,
        // 100 − 20 − 30 − 5 − 35 − 5 − 5.
        let dec = report("2026-12").table("stock")!
        let d1 = dec.row("stock.almaty-central.syringe-1ml")!
        #expect(d1.values[dec.column("expiring")!] == 0)
        let s2 = row("almaty-central", "syringe-2ml")
        #expect(s2["opening"] == -10)            // handed out in October with no stock recorded
        #expect(s2["closing"] == -20)
        #expect(s2["discrepancies"] == 1)
        let f = row("almaty-mobile", "foil")
        #expect(f["closing"] == -5)
        #expect(f["discrepancies"] == 1)
        // Items with no stock and no movement have no line.
        #expect(stock.row("stock.temirtau.syringe-1ml") == nil)
        #expect(!stock.suppressible)
    }

    @Test func expiryWithinNinetyDaysOfThePeriodEnd() {
        var b = LedgerBuilder()
        func day(_ y: Int, _ m: Int, _ d: Int) -> DayNumber { DayNumber(ReportPeriod.daysFromCivil(y, m, d)) }
        b.add(L.almaty(2026, 11, 2), .stockReceived(StockReceipt(item: "naloxone", quantity: 4, lot: "A", expires: day(2026, 11, 30))))
        b.add(L.almaty(2026, 11, 2), .stockReceived(StockReceipt(item: "naloxone", quantity: 6, lot: "B", expires: day(2026, 12, 1))))
        b.add(L.almaty(2026, 11, 2), .stockReceived(StockReceipt(item: "naloxone", quantity: 7, lot: "C", expires: day(2027, 2, 28))))
        b.add(L.almaty(2026, 11, 2), .stockReceived(StockReceipt(item: "naloxone", quantity: 9, lot: "D", expires: day(2027, 3, 1))))
        b.add(L.almaty(2026, 11, 2), .stockReceived(StockReceipt(item: "naloxone", quantity: 20)))
        let r = report(ledger: b.ledger())
        let t = r.table("stock")!
        let row = t.row("stock.almaty-central.naloxone")!
        // 30 November is the last day: lot A has expired; B (1 Dec) … C (28 Feb = 30 Nov + 90 days) are expiring.
        #expect(row.values[t.column("expired")!] == 4)
        #expect(row.values[t.column("expiring")!] == 13)
        #expect(row.values[t.column("closing")!] == 46)
        #expect(row.values[t.column("daysLeft")!] == .some(nil))
    }

    @Test func stockOpeningIsThePreviousClosing() {
        // October is computed from the contacts before it, November from those after it
        // (whichever side is shorter): both must agree.
        let months = ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01"].map { report($0) }
        for (a, b) in zip(months, months.dropFirst()) {
            let ta = a.table("stock")!, tb = b.table("stock")!
            let oc = ta.column("closing")!, oo = tb.column("opening")!
            for row in tb.rows {
                let closing = ta.row(row.id)?.values[oc] ?? 0
                #expect(row.values[oo] == closing, "\(row.id) \(a.period.label)→\(b.period.label)")
            }
            for row in ta.rows {
                if tb.row(row.id) == nil { #expect(row.values[oc] == 0, "\(row.id) closes \(a.period.label) but has no line after") }
            }
        }
        let dec = report("2026-12").table("stock")!
        let c = dec.row("stock.almaty-central.syringe-1ml")!
        #expect(c.values[dec.column("opening")!] == 55)
        #expect(c.values[dec.column("closing")!] == 58)   // − 7 handed out, + 10 received
        // The ledger's current level equals the last closing.
        let now = ledger.level(site: "almaty-central", item: "syringe-1ml")!.level
        let year = report("2026").table("stock")!
        #expect(year.row("stock.almaty-central.syringe-1ml")!.values[year.column("closing")!] == Double(now))
    }

    @Test func regularAccessOverAQuarter() {
        // Q4 2026 has 92 days: windows of 30 days from 1 October; the last 2 days join window 3.
        var b = LedgerBuilder()
        for d in [(10, 5), (11, 10), (12, 20)] { b.contact(L.almaty(2026, d.0, d.1), "XXXX190", items: ["needle": 10]) }
        // Y misses the second window (31 Oct – 29 Nov).
        for d in [(10, 5), (10, 25), (12, 1)] { b.contact(L.almaty(2026, d.0, d.1), "YYYY290", items: ["condom": 1]) }
        // Z: 29 Oct is day 28 (window 1), 31 Oct 10:00 is day 30 (window 2), 30 Dec window 3.
        for d in [(10, 29), (10, 31), (12, 30)] { b.contact(L.almaty(2026, d.0, d.1, 10), "ZZZZ285") }
        // W only once.
        b.contact(L.almaty(2026, 11, 15), "WWWW201", items: ["needle": 20])
        let cfg = ReportFixtures.config(estimate: 200)
        let r = report("2026-Q4", config: cfg, ledger: b.ledger())
        #expect(r.value("clients.reached") == 4)
        #expect(r.value("clients.regular") == 2)
        #expect(r.value("prv9.regularAccess") == 50)
        // PRV.8: clients who received needles/syringes (X, W) ÷ 200.
        #expect(r.value("clients.ns") == 2)
        #expect(r.value("prv8.coverage") == 1)
        // PRV.10: 50 needles ÷ 200 people, scaled from 92 days to the 365-day year from 1 October.
        #expect(abs(r.value("ns.perPWID")! - 50.0 / 200 * 365 / 92) < 1e-9)
        #expect(r.row("ns.perPWID")!.annualised)
        // Sixty days is the shortest period with two windows.
        let twoMonths = report("2026-10-01..2026-11-29", config: cfg, ledger: b.ledger())
        #expect(twoMonths.value("clients.regular") != nil)
        let short = report("2026-10-01..2026-11-28", config: cfg, ledger: b.ledger())
        #expect(short.value("clients.regular") == nil)
    }

    @Test func aCalendarYearIsNotAnnualised() {
        let cfg = ReportFixtures.config(estimate: 1000)
        let y = report("2026", config: cfg)
        #expect(y.row("ns.perPWID")?.annualised == false)
        // 2026: 10 (October) + 50 (November) + 7 (1 December) needles/syringes.
        #expect(y.value("ns.distributed") == 67)
        #expect(y.value("ns.perPWID") == 0.067)
        let m = report("2026-11", config: cfg)
        #expect(abs(m.value("ns.perPWID")! - 50.0 / 1000 * 365 / 30) < 1e-9)
        #expect(m.value("prv8.coverage") == 0.3)   // 3 clients ÷ 1000
        #expect(m.pwidEstimate == 1000)
        // A leap year is a year too; a custom range of exactly one year is not scaled either.
        #expect(report("2028", config: cfg).row("ns.perPWID")?.annualised == false)
        #expect(report("2026-07-01..2027-06-30", config: cfg).row("ns.perPWID")?.annualised == false)
    }

    @Test func pointEstimatesForOnePointAndThePointSplit() {
        let cfg = ReportFixtures.config(estimate: 1000, pointEstimates: ["almaty-mobile": 50])
        let one = report(point: "almaty-mobile", config: cfg)
        #expect(one.value("prv8.coverage") == 2)       // 1 client ÷ 50
        #expect(report(point: "almaty-central", config: cfg).value("prv8.coverage") == nil)
        let split = report(by: .point, config: cfg)
        #expect(split.value("prv8.coverage", "almaty-mobile") == 2)
        #expect(split.value("prv8.coverage", "almaty-central") == nil)
        #expect(split.value("prv8.coverage", "total") == 0.3)
        #expect(report(by: .sex, config: cfg).value("prv8.coverage", "f") == nil)
    }

    @Test func periodEdgesInAlmaty() {
        // A day report for 1 November: the contact at 00:00 Almaty (19:00 UTC on 31 October) is in,
        // C's at 23:30 the evening before is not.
        let d = report("2026-11-01")
        #expect(d.value("contacts") == 1)
        #expect(d.value("clients.new") == 1)
        let before = report("2026-10-31")
        #expect(before.value("contacts") == 1)
        // The same data cut in UTC puts both on 31 October.
        var utc = config
        utc.reporting.timeZone = TimeZone(identifier: "UTC")!
        let u = Reports.compute(ledger: ledger, configuration: utc,
                                period: try! ReportPeriod.parse("2026-10-31", timeZone: utc.reporting.timeZone), point: nil, by: nil)
        #expect(u.value("contacts") == 2)
        // The last minute of November is in November, the first of December is not.
        #expect(report("2026-11-30").value("contacts") == 1)
        #expect(report("2026-12-01").value("contacts") == 1)
        #expect(report("2026-W49").value("contacts") == 2)   // 30 Nov – 6 Dec: E on the 30th, A on 1 December
    }

    @Test func monthlyTrend() {
        let end = Date(timeIntervalSince1970: TimeInterval(L.almaty(2026, 11, 15)))
        let t = Reports.monthlyTrend(ledger: ledger, configuration: config, months: 3, endingAt: end, point: nil)
        #expect(t.map(\.label) == ["2026-09", "2026-10", "2026-11"])
        #expect(t.map(\.contacts) == [0, 2, 7])
        #expect(t.map(\.clients) == [0, 2, 5])
        let m = Reports.monthlyTrend(ledger: ledger, configuration: config, months: 2, endingAt: end, point: "almaty-mobile")
        #expect(m.map(\.contacts) == [0, 3])
        #expect(m.map(\.clients) == [0, 3])
        #expect(Reports.monthlyTrend(ledger: ledger, configuration: config, months: 0, endingAt: end, point: nil).isEmpty)
    }

    @Test func lineListOnePersonPerLine() {
        let list = Reports.lineList(ledger: ledger, configuration: config, period: ReportFixtures.period("2026-11"), point: nil)
        #expect(list.map(\.uic) == ["AAAA185", "BBBB203", "CCCC290", "DDDD101", "EEEE202"])
        let a = list[0]
        #expect(a.mergedCodes == ["FFFF299"])
        #expect(a.contacts == 2)
        #expect(a.needlesSyringes == 25)
        #expect(a.firstSeen == "2026-10-15")
        #expect(a.lastContact == "2026-11-05")
        #expect(a.sex == "m" && a.ageGroup == "25-plus")
        let b = list[1]
        #expect(b.contacts == 2 && b.needlesSyringes == 20 && b.firstSeen == "2026-11-01" && b.ageGroup == "under-25")
    }
}
