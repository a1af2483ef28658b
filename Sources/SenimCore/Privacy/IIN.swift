/// The Kazakh individual identification number (ИИН / ЖСН): 12 digits, `YYMMDD`, a
/// century/sex digit, four digits and a check digit.
public enum IIN {
    /// Whether 12 digits form a checksum-valid IIN with a plausible date and century digit.
    /// A 12-digit number with the wrong check digit is not an IIN.
    public static func isValid(_ d: [Int]) -> Bool {
        isShaped(d) && checkDigit(d) == d[11]
    }

    /// Whether 12 digits *look like* an IIN: a real `YYMMDD` date followed by a century/sex
    /// digit 1–6. The check digit is not looked at: an IIN with one mistyped digit still names
    /// a person. About 2 % of random 12-digit numbers have this shape.
    public static func isShaped(_ d: [Int]) -> Bool {
        guard d.count == 12, d.allSatisfy({ (0...9).contains($0) }) else { return false }
        let month = d[2] * 10 + d[3], day = d[4] * 10 + d[5]
        let days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), day >= 1, day <= days[month - 1] else { return false }
        return (1...6).contains(d[6])
    }

    /// The check digit per the official rule, or nil when the number cannot have one.
    public static func checkDigit(_ d: [Int]) -> Int? {
        var sum = 0
        for i in 0..<11 { sum += d[i] * (i + 1) }
        var c = sum % 11
        if c == 10 {
            let w = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
            sum = 0
            for i in 0..<11 { sum += d[i] * w[i] }
            c = sum % 11
            if c == 10 { return nil }
        }
        return c
    }

    public static func isValid(_ text: String) -> Bool {
        let d = text.compactMap { $0.wholeNumberValue }
        return d.count == text.count && isValid(d)
    }
}
