/// Normalisation of names and typed codes to one alphabet: uppercase Latin A–Z.
///
/// Every letter maps to exactly one Latin letter so that "first two letters" means the
/// same thing whatever keyboard the worker used:
/// - Russian Cyrillic: А→A Б→B В→V Г→G Д→D Е/Ё/Э→E Ж/З→Z И/Й/І→I К→K Л→L М→M Н→N О→O П→P
///   Р→R С/Ш/Щ→S Т→T У/Ю→U Ф→F Х→H Ц/Ч→C Ы→Y Я→A; Ъ and Ь are not letters for the code.
/// - Kazakh letters fold to the Russian letter they are most often written as when a Kazakh
///   keyboard is not at hand: Ә→А, Ғ→Г, Қ→К, Ң→Н, Ө→О, Ұ/Ү→У, Һ→Х, І→И; so "Әсел" and
///   "Асель" give the same letters.
/// - Latin input is read as a transliteration of Cyrillic first: the digraphs ZH, KH, TS, CH,
///   SH (and SHCH), YU, YA, YO, YE at any position become one letter (Ж, Х, Ц, Ч, Ш, Щ, Ю, Я,
///   Ё, Е); so "Zhanna" and "Жанна" both give ZA. Kazakh Latin letters with marks
///   (Ä Ğ Q Ñ Ö Ū Ü Ş Ç İ Ï) fold like their Cyrillic twins; W→V, X→K, J→Z.
/// Anything else (digits, spaces, punctuation) is not a letter and is skipped by `letters`.
public enum Letters {
    /// The normalised letters of a name, in order.
    public static func letters(of name: String) -> [Character] {
        var out: [Character] = []
        let scalars = Array(name.uppercased().unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            let next: Unicode.Scalar? = i + 1 < scalars.count ? scalars[i + 1] : nil
            if c.value < 128, let n = next, n.value < 128, let d = latinDigraph(c, n) {
                // SHCH is one letter too.
                if c == "S", n == "H", i + 3 < scalars.count, scalars[i + 2] == "C", scalars[i + 3] == "H" {
                    out.append("S"); i += 4; continue
                }
                out.append(d); i += 2; continue
            }
            if let m = single(c) { out.append(m) }
            i += 1
        }
        return out
    }

    /// Normalises a typed code: Latin A–Z kept as typed (a code's letters are already code
    /// letters, and the padding letter may be X), Cyrillic and marked letters mapped one for
    /// one as above (no digraphs), digits kept, everything else dropped.
    public static func normaliseCode(_ text: String) -> String {
        var out = ""
        for c in text.uppercased().unicodeScalars {
            if let d = Character(c).wholeNumberValue, Character(c).isNumber, (0...9).contains(d) {
                out.append(Character(String(d)))
            } else if ("A"..."Z").contains(c) {
                out.append(Character(c))
            } else if let m = single(c) {
                out.append(m)
            }
        }
        return out
    }

    private static func latinDigraph(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Character? {
        switch (a, b) {
        case ("Z", "H"): "Z"
        case ("K", "H"): "H"
        case ("T", "S"): "C"
        case ("C", "H"): "C"
        case ("S", "H"): "S"
        case ("Y", "U"): "U"
        case ("Y", "A"): "A"
        case ("Y", "O"): "E"
        case ("Y", "E"): "E"
        default: nil
        }
    }

    private static func single(_ c: Unicode.Scalar) -> Character? {
        switch c {
        case "A"..."Z":
            switch c {
            case "W": return "V"
            case "X": return "K"
            case "J": return "Z"
            case "Q": return "K"
            default: return Character(c)
            }
        case "Ä", "Á", "À", "Â": return "A"
        case "Ğ": return "G"
        case "Ñ": return "N"
        case "Ö", "Ó": return "O"
        case "Ū", "Ü", "Ú": return "U"
        case "Ş": return "S"
        case "Ç": return "C"
        case "İ", "Ï", "Í", "I": return "I"
        case "É", "È", "Ê", "Ë": return "E"
        default: break
        }
        switch c.value {
        case 0x0410, 0x04D8, 0x042F: return "A"     // А Ә Я
        case 0x0411: return "B"                     // Б
        case 0x0412: return "V"                     // В
        case 0x0413, 0x0492: return "G"             // Г Ғ
        case 0x0414: return "D"                     // Д
        case 0x0415, 0x0401, 0x042D: return "E"     // Е Ё Э
        case 0x0416, 0x0417: return "Z"             // Ж З
        case 0x0418, 0x0419, 0x0406: return "I"     // И Й І
        case 0x041A, 0x049A: return "K"             // К Қ
        case 0x041B: return "L"                     // Л
        case 0x041C: return "M"                     // М
        case 0x041D, 0x04A2: return "N"             // Н Ң
        case 0x041E, 0x04E8: return "O"             // О Ө
        case 0x041F: return "P"                     // П
        case 0x0420: return "R"                     // Р
        case 0x0421, 0x0428, 0x0429: return "S"     // С Ш Щ
        case 0x0422: return "T"                     // Т
        case 0x0423, 0x04B0, 0x04AE, 0x042E: return "U" // У Ұ Ү Ю
        case 0x0424: return "F"                     // Ф
        case 0x0425, 0x04BA: return "H"             // Х Һ
        case 0x0426, 0x0427: return "C"             // Ц Ч
        case 0x042B: return "Y"                     // Ы
        default: return nil                         // Ъ Ь, digits, punctuation, other scripts
        }
    }
}
