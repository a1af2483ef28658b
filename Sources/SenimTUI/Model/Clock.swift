import Foundation
import SenimCore

/// Calendar arithmetic on plain numbers (no Foundation calendar, no clock): the runtime
/// passes the time and the local UTC offset in.
public enum Clock {
    /// Local day number (days since 1970-01-01) of a UTC timestamp.
    public static func day(_ t: Timestamp, _ utcOffset: Int) -> DayNumber {
        DayNumber(floorDiv(t + Int64(utcOffset), 86_400))
    }

    /// UTC timestamp of local midnight starting `day`.
    public static func start(of day: DayNumber, _ utcOffset: Int) -> Timestamp {
        Int64(day) * 86_400 - Int64(utcOffset)
    }

    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    /// (year, month 1…12, day 1…31) of a day number (SenimCore's `CivilDate` owns the rule).
    public static func civil(_ day: DayNumber) -> (year: Int, month: Int, day: Int) { CivilDate.civil(day) }

    /// Day number of a civil date.
    public static func dayNumber(year: Int, month: Int, day: Int) -> DayNumber {
        CivilDate.dayNumber(year: year, month: month, day: day)
    }

    public static func isoDate(_ day: DayNumber) -> String {
        let c = civil(day)
        return "\(c.year)-\(two(c.month))-\(two(c.day))"
    }

    /// "DD.MM" — the short date used in lists.
    public static func shortDate(_ day: DayNumber) -> String {
        let c = civil(day)
        return "\(two(c.day)).\(two(c.month))"
    }

    public static func time(_ t: Timestamp, _ utcOffset: Int) -> String {
        let s = Int((t + Int64(utcOffset)) - Int64(day(t, utcOffset)) * 86_400)
        return "\(two(s / 3600)):\(two(s / 60 % 60))"
    }

    /// Parses "YYYY-MM-DD" (also "DD.MM.YYYY"); nil if it is not a real date.
    public static func parseDate(_ text: String) -> DayNumber? {
        let t = text.trimmingCharacters(in: .whitespaces)
        var y = 0, m = 0, d = 0
        let dash = t.split(separator: "-", omittingEmptySubsequences: false)
        let dot = t.split(separator: ".", omittingEmptySubsequences: false)
        if dash.count == 3, dash[0].count == 4, let a = Int(dash[0]), let b = Int(dash[1]), let c = Int(dash[2]) {
            (y, m, d) = (a, b, c)
        } else if dot.count == 3, dot[2].count == 4, let a = Int(dot[0]), let b = Int(dot[1]), let c = Int(dot[2]) {
            (y, m, d) = (c, b, a)
        } else {
            return nil
        }
        return CivilDate.validated(year: y, month: m, day: d)
    }

    /// "YYYY-MM-DD HH:MM" in local time: what a form's date field shows and accepts.
    public static func dateTime(_ t: Timestamp, _ utcOffset: Int) -> String {
        "\(isoDate(day(t, utcOffset))) \(time(t, utcOffset))"
    }

    /// A moment typed into a form's date field, as a UTC timestamp: a date as `parseDate`
    /// reads it, optionally followed by " HH:MM" (local time; without it, local midnight).
    /// nil if it is not a real date and time. The bounds are `Validator.checkTime`'s.
    public static func parseMoment(_ text: String, _ utcOffset: Int) -> Timestamp? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true)
        guard (1...2).contains(parts.count), let d = parseDate(String(parts[0])) else { return nil }
        var seconds = 0
        if parts.count == 2 {
            let hm = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard hm.count == 2, hm.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                  let h = Int(hm[0]), let mi = Int(hm[1]), h < 24, mi < 60 else { return nil }
            seconds = h * 3600 + mi * 60
        }
        return start(of: d, utcOffset) + Int64(seconds)
    }

    /// First day of the month `monthsBack` months before the month containing `day`, and the
    /// first day of the month after it.
    public static func month(containing day: DayNumber, monthsBack: Int) -> (start: DayNumber, end: DayNumber, year: Int, month: Int) {
        let c = civil(day)
        var idx = c.year * 12 + (c.month - 1) - monthsBack
        let y = idx / 12, m = idx % 12 + 1
        let start = dayNumber(year: y, month: m, day: 1)
        idx += 1
        let end = dayNumber(year: idx / 12, month: idx % 12 + 1, day: 1)
        return (start, end, y, m)
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
