import Foundation
import SenimCore

/// Dates on the command line are read and shown in the local time zone (TZ; on machines in
/// Kazakhstan, Asia/Almaty). JSON carries UTC instants ("…Z") and plain dates.
enum Dates {
    static var zone: TimeZone { TimeZone.current }

    static var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = zone
        return c
    }

    /// "YYYY-MM-DD" → day number, or nil.
    static func parseDay(_ text: String) -> DayNumber? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        return CivilDate.validated(year: y, month: m, day: d)   // nil for 2026-02-30
    }

    static func dayText(_ n: DayNumber) -> String {
        // Days beyond year 9999 (or before year 1) are shown at the nearest end.
        let c = CivilDate.civil(min(max(n, -719_162), 2_932_896))
        return String(format: "%04d-%02d-%02d", c.year, c.month, c.day)
    }

    /// Rendering is total: moments outside years 1…9999 (which no check lets in, but an old
    /// or damaged store may hold) are shown at the nearest end of that range.
    static let shownRange: ClosedRange<Timestamp> = -62_135_596_800...253_402_300_799

    static func shown(_ t: Timestamp) -> Timestamp { min(max(t, shownRange.lowerBound), shownRange.upperBound) }

    /// The local day a moment falls on.
    static func localDay(_ t: Timestamp) -> DayNumber {
        let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(shown(t))))
        return CivilDate.dayNumber(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
    }

    /// Local midnight starting a day, as a timestamp.
    static func startOfDay(_ n: DayNumber) -> Timestamp {
        let c = CivilDate.civil(min(max(n, -719_162), 2_932_896))
        guard let date = calendar.date(from: DateComponents(year: c.year, month: c.month, day: c.day)) else { return Timestamp(n) * 86_400 }
        return Timestamp(date.timeIntervalSince1970)
    }

    static func today(_ now: Date = Date()) -> DayNumber { localDay(Timestamp(now.timeIntervalSince1970)) }

    /// ISO 8601: "2026-11-23T14:05", "2026-11-23T14:05:30", with "Z" or "+05:00" (else local
    /// time), or a bare date (local midnight).
    static func parseInstant(_ text: String) -> Date? {
        if let d = parseDay(text) { return Date(timeIntervalSince1970: TimeInterval(startOfDay(d))) }
        var s = text.replacingOccurrences(of: " ", with: "T")
        var offset: Int?
        if s.hasSuffix("Z") || s.hasSuffix("z") {
            offset = 0
            s.removeLast()
        } else if s.count > 6 {
            let tail = String(s.suffix(6))
            let sign = tail.first
            if sign == "+" || sign == "-", tail.dropFirst().count == 5, tail.dropFirst(3).first == ":",
               let h = Int(tail.dropFirst().prefix(2)), let m = Int(tail.suffix(2)), h <= 14, m < 60 {
                offset = (h * 3600 + m * 60) * (sign == "-" ? -1 : 1)
                s.removeLast(6)
            }
        }
        let halves = s.split(separator: "T", omittingEmptySubsequences: false)
        guard halves.count == 2, let day = parseDay(String(halves[0])) else { return nil }
        let hms = halves[1].split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(hms.count), hms.allSatisfy({ $0.count == 2 }),
              let h = Int(hms[0]), let mi = Int(hms[1]), h < 24, mi < 60 else { return nil }
        let sec = hms.count == 3 ? Int(hms[2]) : 0
        guard let sec, sec < 60 else { return nil }
        if let offset {
            let t = Int(day) * 86_400 + h * 3600 + mi * 60 + sec - offset
            return Date(timeIntervalSince1970: TimeInterval(t))
        }
        let c = CivilDate.civil(day)
        return calendar.date(from: DateComponents(year: c.year, month: c.month, day: c.day, hour: h, minute: mi, second: sec))
    }

    /// "2026-11-23 14:05" in local time.
    static func local(_ t: Timestamp) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: TimeInterval(shown(t))))
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// "2026-11-23T09:05:00Z".
    static func iso(_ t: Timestamp) -> String {
        let t = shown(t)
        let day = DayNumber((t - ((t % 86_400) + 86_400) % 86_400) / 86_400)
        let secs = Int(((t % 86_400) + 86_400) % 86_400)
        return dayText(day) + String(format: "T%02d:%02d:%02dZ", secs / 3600, secs / 60 % 60, secs % 60)
    }
}
