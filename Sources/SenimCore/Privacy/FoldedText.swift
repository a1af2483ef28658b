import Foundation

/// Text as the privacy guard reads it, so that no identifier gets past it by its spelling:
/// NFKC (full-width and other compatibility forms become plain ones), without format
/// characters (zero-width space and joiner, soft hyphen, bidi marks) or combining marks,
/// every decimal digit of every script as an ASCII digit, every dash as `-`, every space,
/// tab or line break as ` `, and the look-alikes of `.` as `.`.
///
/// Only the guard's matching uses it; what is stored is always what the person typed.
struct FoldedText {
    let scalars: [Unicode.Scalar]

    init(_ text: String) {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.unicodeScalars.count)
        // ASCII and the Cyrillic block are already in NFKC: skip Foundation's normalisation then.
        let plain = text.unicodeScalars.allSatisfy { $0.value < 0x80 || (0x0400...0x04FF).contains($0.value) && !(0x0482...0x0489).contains($0.value) }
        let source = plain ? text : text.precomposedStringWithCompatibilityMapping
        for s in source.unicodeScalars {
            let v = s.value
            if v < 0x80 {
                if v < 0x20 || v == 0x7F { out.append(" ") } else { out.append(s) }
                continue
            }
            if plain { out.append(s); continue }     // a Cyrillic letter
            let p = s.properties
            switch p.generalCategory {
            case .format, .nonspacingMark, .enclosingMark, .spacingMark:
                continue
            case .decimalNumber:
                if let n = p.numericValue, n >= 0, n <= 9 { out.append(Unicode.Scalar(UInt8(48 + Int(n)))) }
            case .dashPunctuation:
                out.append("-")
            case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control:
                out.append(" ")
            default:
                if s == "\u{2212}" { out.append("-") }   // minus sign
                else if Self.dots.contains(s) { out.append(".") }
                else { out.append(s) }
            }
        }
        // A letter O between digits is a zero typed to get a number past a filter: "87O1 234 56 78".
        var i = 0
        while i < out.count {
            guard Self.zeroLookalikes.contains(out[i]) else { i += 1; continue }
            var r = i
            while r < out.count, Self.zeroLookalikes.contains(out[r]) { r += 1 }
            if i > 0, r < out.count, Self.isDigit(out[i - 1]), Self.isDigit(out[r]) {
                for k in i..<r { out[k] = "0" }
            }
            i = r
        }
        scalars = out
    }

    /// Latin and Cyrillic O.
    static let zeroLookalikes: Set<Unicode.Scalar> = ["O", "o", "\u{041E}", "\u{043E}"]

    /// Characters people type for a dot (or that look like one in a domain name).
    static let dots: Set<Unicode.Scalar> = ["\u{00B7}", "\u{2022}", "\u{2027}", "\u{2219}", "\u{22C5}", "\u{3002}",
                                            "\u{0701}", "\u{06D4}", "\u{0589}", "\u{30FB}"]

    static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }

    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v >= 65 && v <= 90) || (v >= 97 && v <= 122) }
        if (0x0400...0x04FF).contains(v) { return !(0x0482...0x0489).contains(v) }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }
}
