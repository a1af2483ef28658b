/// Characters no text field may hold: they are invisible, or reorder or hide what is shown
/// (and a terminal may act on them). C0 and C1 controls (ESC among them), DEL, format
/// characters (bidi overrides and isolates, zero-width space and joiner, soft hyphen, BOM,
/// tag characters…) and the line and paragraph separators.
///
/// Callers trim surrounding whitespace first; a tab or line break inside a field is refused
/// too (no field is multi-line, and a line break in a note could fake a second line of output).
enum ControlCharacters {
    /// The first such character, if any.
    static func first(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first(where: isRefused)
    }

    static func isRefused(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }

    /// "U+202E", for messages: the character itself must not be printed.
    static func name(_ s: Unicode.Scalar) -> String {
        let hex = String(s.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
