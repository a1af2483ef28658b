/// Why two client codes are likely the same person.
public enum DuplicateReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// One letter typed differently, added or left out; the same sex digit and birth year.
    case oneEdit = "one-edit"
    /// The mother's and the father's letters swapped; the same sex digit and birth year.
    case swappedParents = "swapped-parents"
    /// The same letters and sex digit, the birth year one apart.
    case birthYear = "birth-year"
}

extension UICFormula {
    /// The rule, in one place: why `a` and `b` are likely one person, or nil.
    public func duplicateReason(_ a: UIC, _ b: UIC) -> DuplicateReason? {
        guard a != b else { return nil }
        if !nearDuplicates(of: a, among: CollectionOfOne(b)).isEmpty { return .oneEdit }
        if variants(of: a).swapped == b { return .swappedParents }
        if variants(of: a).years.contains(b) { return .birthYear }
        return nil
    }

    /// The codes a complete code turns into with the first two name parts swapped, or with the
    /// birth year one lower or higher. Empty parts when the formula has no such parts or `uic`
    /// does not fit the formula.
    public func variants(of uic: UIC) -> (swapped: UIC?, years: [UIC]) {
        let chars = Array(uic.code)
        guard chars.count == length else { return (nil, []) }
        var swapped: UIC?
        var offset = 0
        var names: [Range<Int>] = []
        for p in parts {
            guard let q = questions.first(where: { $0.id == p.question }) else { continue }
            switch q.kind {
            case .name:
                let n = p.take ?? 0
                names.append(offset..<(offset + n))
                offset += n
            case .sex: offset += 1
            case .year: offset += p.take ?? 0
            }
        }
        if names.count >= 2, names[0].count == names[1].count {
            var c = chars
            c.replaceSubrange(names[0], with: chars[names[1]])
            c.replaceSubrange(names[1], with: chars[names[0]])
            if c != chars { swapped = UIC(normalised: String(c)) }
        }
        var years: [UIC] = []
        if let r = yearRange, let y = Int(String(chars[r])) {
            let modulus = r.count == 4 ? 10_000 : 100
            for d in [-1, 1] {
                let v = (y + d + modulus) % modulus
                let digits = String(v)
                let padded = String(repeating: "0", count: max(0, r.count - digits.count)) + digits
                var c = chars
                c.replaceSubrange(r, with: Array(padded))
                years.append(UIC(normalised: String(c)))
            }
        }
        return (swapped, years)
    }
}

/// Two codes that are likely one person, `a < b`.
public struct DuplicatePair: Sendable, Hashable {
    public var a: UIC
    public var b: UIC
    public var reason: DuplicateReason
    public init(_ a: UIC, _ b: UIC, reason: DuplicateReason) {
        (self.a, self.b) = a < b ? (a, b) : (b, a)
        self.reason = reason
    }
}

/// Finds likely duplicate codes among a ledger's clients. The one owner of which codes are
/// candidates: codes already merged into another are left out everywhere (the contact form,
/// sync import, `client duplicates`, the TUI's duplicate finder), because they already lead
/// to their person.
public enum DuplicateFinder {
    /// The candidates: codes not merged into another, in client order.
    public static func candidates(_ ledger: LedgerState) -> [UIC] {
        ledger.clients.lazy.filter { $0.mergedInto == nil }.map(\.uic)
    }

    /// Known codes likely to be the same person as `uic` (which need not be known), sorted.
    ///
    /// Asked on every keystroke once a new code is complete, so it does not scan the clients:
    /// every rule keeps the sex digit and birth year and the code's length, so a likely
    /// duplicate of a code that fits the formula is one of a few hundred exact codes — one
    /// letter replaced by another, the name parts swapped, the year one apart — each looked up
    /// in the ledger's client index. A code that does not fit the formula (an older formula's
    /// code) is compared with every client instead.
    public static func similar(to uic: UIC, in ledger: LedgerState, formula: UICFormula) -> [UIC] {
        let code = Array(uic.code.utf8)
        guard code.count == formula.length,
              zip(code, formula.slots).allSatisfy({ c, slot in slot == .letter ? (c >= 65 && c <= 90) : (c >= 48 && c <= 57) }) else {
            var out: [UIC] = []
            for c in ledger.clients where c.mergedInto == nil && c.uic != uic {
                if formula.duplicateReason(uic, c.uic) != nil { out.append(c.uic) }
            }
            return out.sorted()
        }
        var found = Set<UIC>()
        func consider(_ c: UIC) {
            guard c != uic, let known = ledger.client(c), known.mergedInto == nil, !found.contains(c),
                  formula.duplicateReason(uic, c) != nil else { return }
            found.insert(c)
        }
        var v = code
        for (i, slot) in formula.slots.enumerated() where slot == .letter {
            for letter in UInt8(65)...UInt8(90) where letter != code[i] {
                v[i] = letter
                consider(UIC(normalised: String(decoding: v, as: UTF8.self)))
            }
            v[i] = code[i]
        }
        let variants = formula.variants(of: uic)
        if let s = variants.swapped { consider(s) }
        for y in variants.years { consider(y) }
        return found.sorted()
    }

    /// Every likely pair once, sorted by code. With `only`, just the pairs involving one of
    /// those codes. Does not compare every pair: codes within one edit share a deletion key
    /// (the code with one character removed, or itself), and the other rules name the exact
    /// code to look up.
    public static func pairs(in ledger: LedgerState, formula: UICFormula, only: Set<UIC>? = nil) -> [DuplicatePair] {
        if let only, only.isEmpty { return [] }
        let codes = candidates(ledger)
        let position = Dictionary(codes.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        var index: [String: [Int32]] = [:]
        index.reserveCapacity(codes.count * 8)
        for (i, u) in codes.enumerated() {
            for k in deletionKeys(u.code) { index[k, default: []].append(Int32(i)) }
        }
        var seen = Set<DuplicatePair>()
        var out: [DuplicatePair] = []
        func add(_ a: UIC, _ b: UIC, _ r: DuplicateReason) {
            let p = DuplicatePair(a, b, reason: r)
            if seen.insert(p).inserted { out.append(p) }
        }
        let subjects = only.map { o in codes.indices.filter { o.contains(codes[$0]) } } ?? Array(codes.indices)
        for i in subjects {
            let u = codes[i]
            var near = Set<Int32>()
            for k in deletionKeys(u.code) { for j in index[k] ?? [] where j != Int32(i) { near.insert(j) } }
            for j in near {
                let v = codes[Int(j)]
                if formula.nearDuplicates(of: u, among: CollectionOfOne(v)).isEmpty == false { add(u, v, .oneEdit) }
            }
            let variants = formula.variants(of: u)
            if let s = variants.swapped, position[s] != nil, formula.duplicateReason(u, s) == .swappedParents { add(u, s, .swappedParents) }
            for y in variants.years where position[y] != nil && formula.duplicateReason(u, y) == .birthYear { add(u, y, .birthYear) }
        }
        return out.sorted { ($0.a, $0.b) < ($1.a, $1.b) }
    }

    static func deletionKeys(_ code: String) -> [String] {
        let c = Array(code.utf8)
        var out = [code]
        out.reserveCapacity(c.count + 1)
        for i in c.indices {
            var d = c
            d.remove(at: i)
            out.append(String(decoding: d, as: UTF8.self))
        }
        return out
    }
}
