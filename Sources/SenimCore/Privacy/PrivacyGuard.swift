/// Checks every free-text field before it can become part of an event. Senim refuses to
/// store anything that identifies a person: a Kazakh IIN, a phone number, an e-mail address.
public enum PrivacyGuard {
    public enum Finding: Hashable, Sendable {
        /// `masked` shows the first two and last two digits only.
        case iin(masked: String)
        case phone(masked: String)
        case email(masked: String)

        public var message: Message {
            switch self {
            case .iin(let m): Message("privacy.iin", m)
            case .phone(let m): Message("privacy.phone", m)
            case .email(let m): Message("privacy.email", m)
            }
        }
    }

    /// The first identifier found in `text`, if any.
    public static func check(_ text: String) -> Finding? {
        scanDigits(text) ?? scanEmail(text)
    }

    /// Throws the finding's message (`privacy.*` keys) so callers can refuse with a reason.
    public static func require(_ text: String?) throws(Message) {
        if let text, let f = check(text) { throw f.message }
    }

    static func mask(_ digits: [Int]) -> String {
        guard digits.count > 4 else { return String(repeating: "•", count: digits.count) }
        let head = digits.prefix(2).map(String.init).joined()
        let tail = digits.suffix(2).map(String.init).joined()
        return head + String(repeating: "•", count: digits.count - 4) + tail
    }

    /// Digit runs; single spaces, hyphens, dots, brackets and a leading '+' may separate digits
    /// (people write "850 101 300 123" and "+7 (701) 123-45-67"). Any Unicode decimal digit counts.
    private static func scanDigits(_ text: String) -> Finding? {
        var runs: [([Int], Bool)] = []   // digits, had a leading '+'
        var cur: [Int] = []
        var plus = false
        var gap = 0
        var pendingPlus = false
        for ch in text {
            if ch.isNumber, let v = ch.wholeNumberValue, (0...9).contains(v) {
                if cur.isEmpty { plus = pendingPlus }
                cur.append(v)
                gap = 0
            } else if !cur.isEmpty, gap == 0, ch == " " || ch == "-" || ch == "." || ch == "(" || ch == ")" || ch == "\u{00A0}" {
                gap = 1
            } else if !cur.isEmpty, gap == 1, ch == "(" || ch == ")" || ch == " " {
                gap = 2  // "+7 (701)" has two separators in a row
            } else {
                if !cur.isEmpty { runs.append((cur, plus)) }
                cur = []
                gap = 0
                pendingPlus = ch == "+"
                continue
            }
            pendingPlus = ch == "+" && cur.isEmpty
        }
        if !cur.isEmpty { runs.append((cur, plus)) }
        for (digits, hadPlus) in runs {
            if digits.count >= 12 {
                for start in 0...(digits.count - 12) where IIN.isValid(Array(digits[start..<start + 12])) {
                    return .iin(masked: mask(Array(digits[start..<start + 12])))
                }
            }
            if isKazakhPhone(digits, plus: hadPlus) { return .phone(masked: mask(digits)) }
        }
        return nil
    }

    /// +7 7xx xxx xx xx, 8 7xx xxx xx xx, 7 7xx…, or a bare 7xx xxx xx xx (mobile), and
    /// landlines written with the 8 or +7 prefix.
    static func isKazakhPhone(_ d: [Int], plus: Bool) -> Bool {
        if d.count == 11, d[0] == 7 || d[0] == 8 { return d[1] == 7 || d[1] == 6 || plus || d[0] == 8 }
        if d.count == 10, d[0] == 7, (0...8).contains(d[1]) { return true }
        return false
    }

    private static func scanEmail(_ text: String) -> Finding? {
        let chars = Array(text)
        for (i, c) in chars.enumerated() where c == "@" || c == "＠" {
            var l = i
            while l > 0, isLocalChar(chars[l - 1]) { l -= 1 }
            var r = i + 1
            var dot = false
            while r < chars.count, isDomainChar(chars[r]) {
                if chars[r] == "." && r > i + 1 && r + 1 < chars.count && isDomainChar(chars[r + 1]) && chars[r + 1] != "." { dot = true }
                r += 1
            }
            if l < i, dot {
                let found = String(chars[l..<r])
                return .email(masked: String(found.prefix(1)) + "•••@•••")
            }
        }
        return nil
    }

    private static func isLocalChar(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || "._%+-".contains(c)
    }

    private static func isDomainChar(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "." || c == "-"
    }
}
