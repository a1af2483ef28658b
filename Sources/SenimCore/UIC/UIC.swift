/// A client's unique identifier code: the only thing Senim knows about a person.
/// Always held in normalised form (see `Letters`): uppercase Latin letters and digits.
public struct UIC: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let code: String

    /// Wraps an already-normalised code. Use `UICFormula.parse` for anything a user typed.
    public init(normalised code: String) { self.code = code }

    public var description: String { code }
    public static func < (a: UIC, b: UIC) -> Bool { a.code < b.code }
}

extension UIC {
    /// Levenshtein distance ≤ 1 between two codes (one substitution, insertion or deletion).
    public static func withinOneEdit(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        if x == y { return true }
        if abs(x.count - y.count) > 1 { return false }
        var i = 0, j = 0, edits = 0
        while i < x.count && j < y.count {
            if x[i] == y[j] { i += 1; j += 1; continue }
            edits += 1
            if edits > 1 { return false }
            if x.count > y.count { i += 1 } else if x.count < y.count { j += 1 } else { i += 1; j += 1 }
        }
        edits += (x.count - i) + (y.count - j)
        return edits <= 1
    }
}
