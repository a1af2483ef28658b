import Foundation

/// A reporting period: a calendar day, ISO week, month, quarter, half-year or year in the
/// programme's time zone, or a custom inclusive range of days.
///
/// Text syntax (docs/reports.md): `2026-11-23`, `2026-W47`, `2026-11`, `2026-Q4`, `2026-H2`,
/// `2026`, `2026-01-01..2026-03-31`. The DHIS2 forms `20261123`, `2026W47`, `202611`,
/// `2026Q4`, `2026S2` are accepted too, and letters may be lower case.
public struct ReportPeriod: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case day, week, month, quarter, halfYear = "half-year", year, custom
    }

    public var kind: Kind
    /// First instant of the period.
    public var start: Date
    /// First instant after the period (exclusive).
    public var end: Date
    /// The canonical text of the period (what `parse` reads back).
    public var label: String
    /// The DHIS2 period string; nil for custom ranges.
    public var dhis2: String?
    public var timeZone: TimeZone

    public var description: String { label }

    /// Seconds since 1970 of `start` and `end` (events carry these).
    public var startTimestamp: Timestamp { Timestamp((start.timeIntervalSince1970).rounded(.down)) }
    public var endTimestamp: Timestamp { Timestamp((end.timeIntervalSince1970).rounded(.down)) }

    /// Number of calendar days in the period.
    public var days: Int {
        let cal = Self.calendar(timeZone)
        return cal.dateComponents([.day], from: start, to: end).day ?? 0
    }

    /// The first and last calendar day as `YYYY-MM-DD`.
    public var firstDay: String { Self.isoDate(start, timeZone) }
    public var lastDay: String { Self.isoDate(end.addingTimeInterval(-1), timeZone) }

    public init(kind: Kind, start: Date, end: Date, label: String, dhis2: String?, timeZone: TimeZone) {
        self.kind = kind
        self.start = start
        self.end = end
        self.label = label
        self.dhis2 = dhis2
        self.timeZone = timeZone
    }

    static func calendar(_ tz: TimeZone) -> Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = tz
        c.firstWeekday = 2
        c.minimumDaysInFirstWeek = 4
        return c
    }

    static func isoDate(_ d: Date, _ tz: TimeZone) -> String {
        let c = calendar(tz).dateComponents([.year, .month, .day], from: d)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    private static func midnight(_ y: Int, _ m: Int, _ d: Int, _ tz: TimeZone) -> Date? {
        let cal = calendar(tz)
        var dc = DateComponents()
        dc.year = y; dc.month = m; dc.day = d
        guard let date = cal.date(from: dc) else { return nil }
        // Reject dates the calendar rolled over (2026-02-30 → 2026-03-02).
        let back = cal.dateComponents([.year, .month, .day], from: date)
        guard back.year == y, back.month == m, back.day == d else { return nil }
        return cal.startOfDay(for: date)
    }

    private static func addDays(_ d: Date, _ n: Int, _ tz: TimeZone) -> Date {
        calendar(tz).date(byAdding: .day, value: n, to: d)!
    }

    private static func addMonths(_ d: Date, _ n: Int, _ tz: TimeZone) -> Date {
        calendar(tz).date(byAdding: .month, value: n, to: d)!
    }

    /// Number of ISO weeks (52 or 53) in an ISO week-numbering year.
    public static func isoWeeks(in year: Int) -> Int {
        func jan1Weekday(_ y: Int) -> Int {   // 0 = Monday … 6 = Sunday (proleptic Gregorian)
            let days = daysFromCivil(y, 1, 1)   // 1970-01-01 was a Thursday (3)
            return ((days % 7) + 7 + 3) % 7
        }
        let w = jan1Weekday(year)
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return (w == 3 || (leap && w == 2)) ? 53 : 52
    }

    /// Days since 1970-01-01 of a civil (proleptic Gregorian) date.
    public static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int { CivilDate.days(year: y0, month: m, day: d) }

    /// The calendar day (days since 1970, as `DayNumber` dates are kept) of an instant in `tz`.
    public static func dayNumber(of date: Date, timeZone tz: TimeZone) -> Int {
        let c = calendar(tz).dateComponents([.year, .month, .day], from: date)
        return daysFromCivil(c.year ?? 1970, c.month ?? 1, c.day ?? 1)
    }

    // MARK: Constructors

    public static func day(_ y: Int, _ m: Int, _ d: Int, timeZone tz: TimeZone) throws(Message) -> ReportPeriod {
        try checkYear(y)
        guard let s = midnight(y, m, d, tz) else { throw Message("report.period.date", String(format: "%04d-%02d-%02d", y, m, d)) }
        return ReportPeriod(kind: .day, start: s, end: addDays(s, 1, tz), label: String(format: "%04d-%02d-%02d", y, m, d),
                            dhis2: String(format: "%04d%02d%02d", y, m, d), timeZone: tz)
    }

    public static func isoWeek(_ y: Int, _ w: Int, timeZone tz: TimeZone) throws(Message) -> ReportPeriod {
        try checkYear(y)
        let weeks = isoWeeks(in: y)
        guard (1...weeks).contains(w) else { throw Message("report.period.week", String(w), String(y), String(weeks)) }
        // Week 1 is the week with 4 January in it; weeks start on Monday.
        let jan4 = midnight(y, 1, 4, tz)!
        let jan4Weekday = ((daysFromCivil(y, 1, 4) % 7) + 7 + 3) % 7   // 0 = Monday
        let s = addDays(jan4, -jan4Weekday + (w - 1) * 7, tz)
        return ReportPeriod(kind: .week, start: s, end: addDays(s, 7, tz), label: String(format: "%04d-W%02d", y, w),
                            dhis2: String(format: "%04dW%d", y, w), timeZone: tz)
    }

    public static func month(_ y: Int, _ m: Int, timeZone tz: TimeZone) throws(Message) -> ReportPeriod {
        try checkYear(y)
        guard (1...12).contains(m), let s = midnight(y, m, 1, tz) else { throw Message("report.period.month", String(m)) }
        return ReportPeriod(kind: .month, start: s, end: addMonths(s, 1, tz), label: String(format: "%04d-%02d", y, m),
                            dhis2: String(format: "%04d%02d", y, m), timeZone: tz)
    }

    public static func quarter(_ y: Int, _ q: Int, timeZone tz: TimeZone) throws(Message) -> ReportPeriod {
        try checkYear(y)
        guard (1...4).contains(q) else { throw Message("report.period.quarter", String(q)) }
        let s = midnight(y, (q - 1) * 3 + 1, 1, tz)!
        return ReportPeriod(kind: .quarter, start: s, end: addMonths(s, 3, tz), label: "\(y)-Q\(q)",
                            dhis2: "\(y)Q\(q)", timeZone: tz)
    }

    public static func halfYear(_ y: Int, _ h: Int, timeZone tz: TimeZone) throws(Message) -> ReportPeriod {
        try checkYear(y)
        guard (1...2).contains(h) else { throw Message("report.period.half", String(h)) }
        let s = midnight(y, h == 1 ? 1 : 7, 1, tz)!
        return ReportPeriod(kind: .halfYear, start: s, end: addMonths(s, 6, tz), label: "\(y)-H\(h)",
                            dhis2: "\(y)S\(h)", timeZone: tz)
    }

    public static func year(_ y: Int, timeZone tz: TimeZone) throws(Message) -> ReportPeriod {
        try checkYear(y)
        let s = midnight(y, 1, 1, tz)!
        return ReportPeriod(kind: .year, start: s, end: addMonths(s, 12, tz), label: "\(y)", dhis2: "\(y)", timeZone: tz)
    }

    /// Days `from` to `to`, both included.
    public static func range(from a: (Int, Int, Int), to b: (Int, Int, Int), timeZone tz: TimeZone) throws(Message) -> ReportPeriod {
        let first = try day(a.0, a.1, a.2, timeZone: tz)
        let last = try day(b.0, b.1, b.2, timeZone: tz)
        guard first.start <= last.start else { throw Message("report.period.order", first.label, last.label) }
        return ReportPeriod(kind: .custom, start: first.start, end: last.end, label: "\(first.label)..\(last.label)",
                            dhis2: nil, timeZone: tz)
    }

    /// The period of `kind` that contains `date` (custom is not a calendar kind: a day is returned).
    public static func containing(_ date: Date, kind: Kind, timeZone tz: TimeZone) -> ReportPeriod {
        let cal = calendar(tz)
        let c = cal.dateComponents([.year, .month, .day], from: date)
        let y = c.year ?? 1970, m = c.month ?? 1, d = c.day ?? 1
        do {
            switch kind {
            case .day, .custom: return try day(y, m, d, timeZone: tz)
            case .week:
                let wc = cal.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
                return try isoWeek(wc.yearForWeekOfYear ?? y, wc.weekOfYear ?? 1, timeZone: tz)
            case .month: return try month(y, m, timeZone: tz)
            case .quarter: return try quarter(y, (m - 1) / 3 + 1, timeZone: tz)
            case .halfYear: return try halfYear(y, m <= 6 ? 1 : 2, timeZone: tz)
            case .year: return try year(y, timeZone: tz)
            }
        } catch {
            // Only years outside 1970…2100 fail; fall back to a plain day range.
            let s = cal.startOfDay(for: date)
            return ReportPeriod(kind: .day, start: s, end: addDays(s, 1, tz), label: isoDate(s, tz), dhis2: nil, timeZone: tz)
        }
    }

    /// The period after this one of the same kind (custom ranges move by their length).
    public func next() -> ReportPeriod { shifted(1) }
    public func previous() -> ReportPeriod { shifted(-1) }

    private func shifted(_ n: Int) -> ReportPeriod {
        let tz = timeZone
        switch kind {
        case .custom:
            let d = days
            let s = Self.addDays(start, n * d, tz)
            let e = Self.addDays(end, n * d, tz)
            return ReportPeriod(kind: .custom, start: s, end: e,
                                label: "\(Self.isoDate(s, tz))..\(Self.isoDate(e.addingTimeInterval(-1), tz))", dhis2: nil, timeZone: tz)
        case .day: return Self.containing(Self.addDays(start, n, tz), kind: .day, timeZone: tz)
        case .week: return Self.containing(Self.addDays(start, 7 * n, tz), kind: .week, timeZone: tz)
        case .month: return Self.containing(Self.addMonths(start, n, tz), kind: .month, timeZone: tz)
        case .quarter: return Self.containing(Self.addMonths(start, 3 * n, tz), kind: .quarter, timeZone: tz)
        case .halfYear: return Self.containing(Self.addMonths(start, 6 * n, tz), kind: .halfYear, timeZone: tz)
        case .year: return Self.containing(Self.addMonths(start, 12 * n, tz), kind: .year, timeZone: tz)
        }
    }

    private static func checkYear(_ y: Int) throws(Message) {
        guard (1970...2100).contains(y) else { throw Message("report.period.year", String(y)) }
    }

    // MARK: Parsing

    /// Reads a period (see the type's documentation for the syntax).
    public static func parse(_ text: String, timeZone: TimeZone) throws(Message) -> ReportPeriod {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let shown = String(PrivacyGuard.echo(text.trimmingCharacters(in: .whitespaces)).prefix(40))
        guard !t.isEmpty else { throw Message("report.period.invalid", shown) }
        if let r = t.range(of: "..") {
            let a = String(t[..<r.lowerBound]), b = String(t[r.upperBound...])
            guard let da = dateParts(a), let db = dateParts(b) else { throw Message("report.period.invalid", shown) }
            return try range(from: da, to: db, timeZone: timeZone)
        }
        let chars = Array(t)
        func digits(_ s: ArraySlice<Character>) -> Int? {
            guard !s.isEmpty, s.count <= 4, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(String(s))
        }
        // YYYY
        if chars.count == 4, let y = digits(chars[...]) { return try year(y, timeZone: timeZone) }
        guard chars.count >= 6, let y = digits(chars[0..<4]) else { throw Message("report.period.invalid", shown) }
        var rest = chars[4...]
        if rest.first == "-" { rest = rest.dropFirst() }
        guard let tag = rest.first else { throw Message("report.period.invalid", shown) }
        switch tag {
        case "W":
            guard let w = digits(rest.dropFirst()), rest.count <= 3 else { throw Message("report.period.invalid", shown) }
            return try isoWeek(y, w, timeZone: timeZone)
        case "Q":
            guard let q = digits(rest.dropFirst()), rest.count == 2 else { throw Message("report.period.invalid", shown) }
            return try quarter(y, q, timeZone: timeZone)
        case "H", "S":
            guard let h = digits(rest.dropFirst()), rest.count == 2 else { throw Message("report.period.invalid", shown) }
            return try halfYear(y, h, timeZone: timeZone)
        default:
            break
        }
        if let (yy, m, d) = dateParts(t) { return try day(yy, m, d, timeZone: timeZone) }
        // YYYY-MM or YYYYMM
        let monthText = rest
        guard monthText.count == 2, let m = digits(monthText) else { throw Message("report.period.invalid", shown) }
        return try month(y, m, timeZone: timeZone)
    }

    /// `YYYY-MM-DD` or `YYYYMMDD`.
    private static func dateParts(_ s: String) -> (Int, Int, Int)? {
        let c = Array(s.trimmingCharacters(in: .whitespaces))
        func num(_ r: Range<Int>) -> Int? {
            let part = c[r]
            guard part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(String(part))
        }
        if c.count == 10, c[4] == "-", c[7] == "-", let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) {
            return (y, m, d)
        }
        if c.count == 8, let y = num(0..<4), let m = num(4..<6), let d = num(6..<8) { return (y, m, d) }
        return nil
    }
}
