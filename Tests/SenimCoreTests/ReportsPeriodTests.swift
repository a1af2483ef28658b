import Foundation
import Testing
@testable import SenimCore

@Suite struct ReportsPeriodTests {
    let tz = ReportFixtures.tz
    typealias L = LedgerBuilder

    func p(_ s: String) throws(Message) -> ReportPeriod { try ReportPeriod.parse(s, timeZone: tz) }

    @Test(arguments: [
        // text, start (Almaty wall clock), end, label, dhis2
        ("2026-11-23", L.almaty(2026, 11, 23, 0), L.almaty(2026, 11, 24, 0), "2026-11-23", "20261123"),
        ("2026-W47", L.almaty(2026, 11, 16, 0), L.almaty(2026, 11, 23, 0), "2026-W47", "2026W47"),
        ("2026-11", L.almaty(2026, 11, 1, 0), L.almaty(2026, 12, 1, 0), "2026-11", "202611"),
        ("2026-Q4", L.almaty(2026, 10, 1, 0), L.almaty(2027, 1, 1, 0), "2026-Q4", "2026Q4"),
        ("2026-H2", L.almaty(2026, 7, 1, 0), L.almaty(2027, 1, 1, 0), "2026-H2", "2026S2"),
        ("2026-H1", L.almaty(2026, 1, 1, 0), L.almaty(2026, 7, 1, 0), "2026-H1", "2026S1"),
        ("2026", L.almaty(2026, 1, 1, 0), L.almaty(2027, 1, 1, 0), "2026", "2026"),
        ("2026-11-30", L.almaty(2026, 11, 30, 0), L.almaty(2026, 12, 1, 0), "2026-11-30", "20261130"),
    ])
    func calendarPeriods(text: String, start: Timestamp, end: Timestamp, label: String, dhis2: String) throws {
        let period = try p(text)
        #expect(period.startTimestamp == start)
        #expect(period.endTimestamp == end)
        #expect(period.label == label)
        #expect(period.dhis2 == dhis2)
        // The label reads back as the same period.
        #expect(try p(period.label) == period)
    }

    @Test func customRangeIsInclusive() throws {
        let r = try p("2026-01-01..2026-03-31")
        #expect(r.kind == .custom)
        #expect(r.startTimestamp == L.almaty(2026, 1, 1, 0))
        #expect(r.endTimestamp == L.almaty(2026, 4, 1, 0))
        #expect(r.dhis2 == nil)
        #expect(r.days == 90)
        #expect(r.firstDay == "2026-01-01" && r.lastDay == "2026-03-31")
        let one = try p("2026-11-23..2026-11-23")
        #expect(one.days == 1)
    }

    @Test func dhis2FormsAndLowerCaseAreAccepted() throws {
        #expect(try p("20261123") == p("2026-11-23"))
        #expect(try p("2026W47") == p("2026-W47"))
        #expect(try p("2026w47") == p("2026-W47"))
        #expect(try p("202611") == p("2026-11"))
        #expect(try p("2026q4") == p("2026-Q4"))
        #expect(try p("2026S2") == p("2026-H2"))
        #expect(try p("2026-h2") == p("2026-H2"))
        #expect(try p(" 2026-11 ") == p("2026-11"))
        #expect(try p("2026-W7").label == "2026-W07")
    }

    @Test func isoWeeksAtYearEdges() throws {
        // 4 January 2026 is a Sunday: week 1 starts on Monday 29 December 2025.
        let w1 = try p("2026-W01")
        #expect(w1.startTimestamp == L.almaty(2025, 12, 29, 0))
        // 2026 starts on a Thursday: it has 53 weeks.
        #expect(ReportPeriod.isoWeeks(in: 2026) == 53)
        #expect(try p("2026-W53").startTimestamp == L.almaty(2026, 12, 28, 0))
        #expect(ReportPeriod.isoWeeks(in: 2025) == 52)
        #expect(ReportPeriod.isoWeeks(in: 2020) == 53)   // leap year starting on a Wednesday
        #expect(throws: Message("report.period.week", "53", "2025", "52")) { try p("2025-W53") }
        // The week containing 1 January 2027 (a Friday) is 2026-W53.
        let jan1 = Date(timeIntervalSince1970: TimeInterval(L.almaty(2027, 1, 1, 9)))
        #expect(ReportPeriod.containing(jan1, kind: .week, timeZone: tz).label == "2026-W53")
    }

    @Test func kazakhstanSingleTimeZoneChangeIn2024() throws {
        // Asia/Almaty was UTC+6 until 1 March 2024 00:00, then UTC+5.
        let feb = try p("2024-02")
        #expect(feb.startTimestamp == L.time(2024, 2, 1, 0, offset: 6))
        #expect(feb.endTimestamp == L.time(2024, 3, 1, 0, offset: 5))
        #expect(feb.days == 29)
        let jan = try p("2024-01")
        #expect(jan.endTimestamp == feb.startTimestamp)
        let mar = try p("2024-03")
        #expect(mar.startTimestamp == feb.endTimestamp)
        #expect(mar.startTimestamp == L.time(2024, 3, 1, 0, offset: 5))
        // The same month in another zone starts at another instant.
        let utc = try ReportPeriod.parse("2024-02", timeZone: TimeZone(identifier: "UTC")!)
        #expect(utc.startTimestamp == L.time(2024, 2, 1, 0, offset: 0))
    }

    @Test(arguments: [
        ("2026-02-30", "report.period.date"),
        ("2026-13", "report.period.month"),
        ("2026-00", "report.period.month"),
        ("2026-Q5", "report.period.quarter"),
        ("2026-H3", "report.period.half"),
        ("2026-W54", "report.period.week"),
        ("2026-W00", "report.period.week"),
        ("1969", "report.period.year"),
        ("2101-01", "report.period.year"),
        ("2026-03-31..2026-01-01", "report.period.order"),
        ("last month", "report.period.invalid"),
        ("", "report.period.invalid"),
        ("2026-11-", "report.period.invalid"),
        ("2026-1-5", "report.period.invalid"),
        ("2026-01-01..", "report.period.invalid"),
        ("26-11", "report.period.invalid"),
        ("2026-Q", "report.period.invalid"),
        ("2026-W4a", "report.period.invalid"),
        ("２０２６", "report.period.invalid"),
    ])
    func badPeriodsAreRefusedWithAReason(text: String, key: String) {
        do {
            _ = try p(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.key == key, "\(text): \(error)")
        }
    }

    @Test func nextAndPreviousStepByKind() throws {
        #expect(try p("2026-12").next() == p("2027-01"))
        #expect(try p("2026-Q1").previous() == p("2025-Q4"))
        #expect(try p("2026-W53").next() == p("2027-W01"))
        #expect(try p("2026-H2").next() == p("2027-H1"))
        #expect(try p("2026-12-31").next() == p("2027-01-01"))
        #expect(try p("2026-01-01..2026-01-10").next() == p("2026-01-11..2026-01-20"))
    }

    @Test func containingFindsTheCalendarPeriod() {
        let d = Date(timeIntervalSince1970: TimeInterval(L.almaty(2026, 11, 30, 23, 59)))
        #expect(ReportPeriod.containing(d, kind: .month, timeZone: tz).label == "2026-11")
        #expect(ReportPeriod.containing(d, kind: .quarter, timeZone: tz).label == "2026-Q4")
        #expect(ReportPeriod.containing(d, kind: .halfYear, timeZone: tz).label == "2026-H2")
        #expect(ReportPeriod.containing(d, kind: .day, timeZone: tz).label == "2026-11-30")
        // 23:59 in Almaty is 18:59 UTC, still the 30th in UTC; 00:30 on 1 December in Almaty is
        // still 30 November in UTC.
        let e = Date(timeIntervalSince1970: TimeInterval(L.almaty(2026, 12, 1, 0, 30)))
        #expect(ReportPeriod.containing(e, kind: .month, timeZone: tz).label == "2026-12")
        #expect(ReportPeriod.containing(e, kind: .month, timeZone: TimeZone(identifier: "UTC")!).label == "2026-11")
    }

    @Test func dayNumbersMatchCivilDates() {
        #expect(ReportPeriod.daysFromCivil(1970, 1, 1) == 0)
        #expect(ReportPeriod.daysFromCivil(2000, 3, 1) == 11_017)
        #expect(ReportPeriod.daysFromCivil(2026, 11, 30) == 20_787)
        let d = Date(timeIntervalSince1970: TimeInterval(L.almaty(2026, 12, 1, 0, 30)))
        #expect(ReportPeriod.dayNumber(of: d, timeZone: tz) == 20_788)
    }
}
