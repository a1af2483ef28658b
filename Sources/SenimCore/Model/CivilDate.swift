/// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), without
/// Foundation's calendar: the one copy of the rule (H. Hinnant's `days_from_civil` and
/// `civil_from_days`). The TUI's `Clock`, the CLI's `Dates` and `ReportPeriod` use it.
public enum CivilDate {
    /// Day number of a civil date. Months and days outside their ranges are not checked
    /// (see `validated`).
    public static func dayNumber(year: Int, month: Int, day: Int) -> DayNumber {
        DayNumber(truncatingIfNeeded: days(year: year, month: month, day: day))
    }

    /// The same as a plain `Int` (no narrowing to `DayNumber`).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// (year, month 1…12, day 1…31) of a day number.
    public static func civil(_ day: DayNumber) -> (year: Int, month: Int, day: Int) {
        let z = Int(day) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Years a typed date may name (birth years, due dates, report periods).
    public static let typedYears: ClosedRange<Int> = 1900...2200

    /// The day number of a typed date, or nil when it is not a real date (2026-02-30) or its
    /// year is outside `typedYears`.
    public static func validated(year: Int, month: Int, day: Int) -> DayNumber? {
        guard typedYears.contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        let n = dayNumber(year: year, month: month, day: day)
        let back = civil(n)
        return back.month == month && back.day == day ? n : nil
    }
}
