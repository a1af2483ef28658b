/// Display width of text in terminal columns, decided by Unicode ranges alone (pure, so the
/// TUI canvas, the report renderers and the CLI's tables agree, and none depends on the C
/// library's locale tables):
/// East Asian Wide and Fullwidth characters take 2 columns, combining marks and other
/// zero-width characters 0, everything else 1. Cyrillic and Kazakh letters (Ә Ғ Қ Ң Ө Ұ Ү Һ І)
/// are narrow.
public enum Width {
    /// Width of one Unicode scalar: 0, 1 or 2.
    public static func of(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }          // control characters
        if v < 0x300 { return 1 }                                        // fast path: Latin
        if isZeroWidth(v, s) { return 0 }
        return isWide(v) ? 2 : 1
    }

    /// Width of a grapheme cluster: its widest scalar (a base letter plus combining marks is 1,
    /// an ideograph is 2, a wide emoji with a variation selector is 2).
    public static func of(_ c: Character) -> Int {
        var w = 0
        for s in c.unicodeScalars { w = max(w, of(s)) }
        return w
    }

    /// Width of a string: the sum of its clusters.
    public static func of(_ text: String) -> Int {
        var w = 0
        for c in text { w += of(c) }
        return w
    }

    private static func isZeroWidth(_ v: UInt32, _ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return true
        default: break
        }
        switch v {
        case 0x1160...0x11FF,      // Hangul medial vowels and final consonants (join the syllable)
             0x200B...0x200F,      // zero-width space, joiners, direction marks
             0xFE00...0xFE0F,      // variation selectors
             0xE0100...0xE01EF:
            return true
        default:
            return false
        }
    }

    /// East Asian Wide (W) and Fullwidth (F) ranges, plus the emoji presentation blocks.
    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F,      // Hangul Jamo initial consonants
             0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
             0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1,
             0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA,
             0x26F2...0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C,
             0x274E, 0x2753...0x2755, 0x2757, 0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C,
             0x2B50, 0x2B55,
             0x2E80...0x303E,      // CJK radicals, Kangxi, ideographic description, CJK symbols
             0x3041...0x33FF,      // Hiragana, Katakana, Bopomofo, Hangul compatibility, CJK compat
             0x3400...0x4DBF,      // CJK extension A
             0x4E00...0x9FFF,      // CJK unified ideographs
             0xA000...0xA4CF,      // Yi
             0xA960...0xA97F,      // Hangul Jamo extended A
             0xAC00...0xD7A3,      // Hangul syllables
             0xF900...0xFAFF,      // CJK compatibility ideographs
             0xFE10...0xFE19, 0xFE30...0xFE6F,
             0xFF00...0xFF60,      // fullwidth forms
             0xFFE0...0xFFE6,
             0x16FE0...0x16FE4, 0x17000...0x18AFF, 0x1B000...0x1B2FF,
             0x1F004, 0x1F0CF, 0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F202, 0x1F210...0x1F23B,
             0x1F240...0x1F248, 0x1F250...0x1F251, 0x1F260...0x1F265,
             0x1F300...0x1F64F,    // pictographs, emoticons (emoji presentation by default)
             0x1F680...0x1F6FF, 0x1F7E0...0x1F7EB, 0x1F90C...0x1F9FF, 0x1FA70...0x1FAFF,
             0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// The longest prefix of `text` that fits in `columns`.
    public static func prefix(_ text: String, fitting columns: Int) -> String {
        guard columns > 0 else { return "" }
        var w = 0
        var out = ""
        for c in text {
            let cw = of(c)
            if w + cw > columns { break }
            w += cw
            out.append(c)
        }
        return out
    }

    /// `text` cut to `columns`, ending in "…" when something was cut.
    public static func truncate(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if of(text) <= columns { return text }
        return prefix(text, fitting: columns - 1) + "…"
    }

    public enum Alignment: Sendable { case left, right, center }

    /// `text` truncated or padded with spaces to exactly `columns`.
    public static func pad(_ text: String, to columns: Int, _ alignment: Alignment = .left) -> String {
        let t = truncate(text, to: columns)
        let gap = max(0, columns - of(t))
        switch alignment {
        case .left: return t + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + t
        case .center:
            let l = gap / 2
            return String(repeating: " ", count: l) + t + String(repeating: " ", count: gap - l)
        }
    }
}
