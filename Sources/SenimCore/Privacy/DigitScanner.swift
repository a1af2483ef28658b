/// Finds IINs and phone numbers in folded text, however the digits are spaced.
///
/// Digits are read in *runs*: groups of digits as typed, joined across anything that is not a
/// letter (spaces, tabs, dashes, dots, commas, slashes, brackets, emoji…), so that
/// "8 / 701 – 234 _ 56 78" is one number. Within a run every window is looked at, so an
/// identifier next to a date or another number is still found.
///
/// Dates and times are the one thing that would otherwise make a harmless run look like an
/// IIN ("01.12.2026 14.00" is 011220261400: born 2001-12-20); a window made only of digits
/// that belong to well-formed dates (dd.mm, dd.mm.yy, dd.mm.yyyy, yyyy-mm-dd) and times
/// (hh:mm, hh.mm) is excused.
struct DigitScanner {
    struct Group {
        var digits: [Int]
        var start: Int          // index in the folded scalars
        var end: Int            // one past the last digit
    }

    /// One run: its digits, and for every digit its group.
    struct Run {
        var groups: [Group] = []
        var gaps: [[Unicode.Scalar]] = []     // gaps[i] lies between groups[i] and groups[i + 1]
        var plusBefore: [Bool] = []           // a '+' right before the group
        var digits: [Int] = []
        var groupOf: [Int] = []
        var covered: [Bool] = []              // group is part of a date or time
    }

    let runs: [Run]
    /// Phone keywords ("тел.", "phone") followed by digits: the digits are a phone whatever their shape.
    let keywordNumbers: [[Int]]

    init(_ folded: FoldedText) {
        let s = folded.scalars
        var runs: [Run] = []
        var current = Run()
        var i = 0
        var gapStart = 0
        var keywordNumbers: [[Int]] = []
        var lastWord = 0..<0
        var wordBeforeRun = 0..<0
        while i < s.count {
            if FoldedText.isDigit(s[i]) {
                var j = i
                var d: [Int] = []
                while j < s.count, FoldedText.isDigit(s[j]) { d.append(Int(s[j].value) - 48); j += 1 }
                let gap = Array(s[gapStart..<i])
                let plus = gap.last(where: { $0 != " " }) == "+"
                if !current.groups.isEmpty { current.gaps.append(gap) } else { wordBeforeRun = lastWord }
                current.groups.append(Group(digits: d, start: i, end: j))
                current.plusBefore.append(plus)
                i = j
                gapStart = j
            } else if FoldedText.isLetter(s[i]) {
                var j = i
                while j < s.count, FoldedText.isLetter(s[j]) { j += 1 }
                if !current.groups.isEmpty {
                    if Self.isPhoneWord(s, wordBeforeRun) { keywordNumbers.append(current.groups.flatMap(\.digits)) }
                    runs.append(current)
                    current = Run()
                }
                lastWord = i..<j
                i = j
                gapStart = j
            } else {
                i += 1
            }
        }
        if !current.groups.isEmpty {
            if Self.isPhoneWord(s, wordBeforeRun) { keywordNumbers.append(current.groups.flatMap(\.digits)) }
            runs.append(current)
        }
        self.runs = runs.map(Self.finish)
        self.keywordNumbers = keywordNumbers
    }

    static let phoneWords: Set<String> = ["тел", "телефон", "телефона", "телефону", "моб", "мобильный", "сот", "сотовый",
                                          "tel", "phone", "mob", "mobile", "cell", "ph", "ватсап", "whatsapp", "вотсап",
                                          "вацап", "viber", "вайбер", "нөмірі", "нөмір", "телефоны"]

    /// Whether the word right before a run is a phone keyword; the word is made a String only
    /// when its first letter and length fit one.
    private static func isPhoneWord(_ s: [Unicode.Scalar], _ w: Range<Int>) -> Bool {
        guard let lengths = phoneWordShapes[NameScanner.lower(s[w.lowerBound])], lengths.contains(w.count) else { return false }
        return phoneWords.contains(String(String.UnicodeScalarView(s[w])).lowercased())
    }

    static let phoneWordShapes: [Unicode.Scalar: Set<Int>] = {
        var shapes: [Unicode.Scalar: Set<Int>] = [:]
        for k in phoneWords { shapes[k.unicodeScalars.first!, default: []].insert(k.unicodeScalars.count) }
        return shapes
    }()

    private static func finish(_ r: Run) -> Run {
        var r = r
        for (g, group) in r.groups.enumerated() {
            r.digits += group.digits
            r.groupOf += Array(repeating: g, count: group.digits.count)
        }
        let n = r.groups.count
        let len = r.groups.map(\.digits.count)
        // Only short groups can be a day, month, year or time; a long one must not overflow.
        let value = r.groups.map { $0.digits.count > 4 ? -1 : $0.digits.reduce(0) { $0 * 10 + $1 } }
        let sep: [Unicode.Scalar?] = r.gaps.map { $0.count == 1 ? $0[0] : nil }
        var covered = Array(repeating: false, count: n)
        for g in 0..<n {
            // dd.mm.yy / dd.mm.yyyy and yyyy-mm-dd
            if g + 2 < n, let a = sep[g], a == sep[g + 1], a == "." || a == "/" || a == "-" {
                let day = value[g], month = value[g + 1], year = value[g + 2]
                if len[g] <= 2, len[g + 1] <= 2, (1...31).contains(day), (1...12).contains(month),
                   len[g + 2] == 2 || (len[g + 2] == 4 && (1900...2099).contains(year)) {
                    covered[g] = true; covered[g + 1] = true; covered[g + 2] = true
                }
                if len[g] == 4, (1900...2099).contains(day), len[g + 1] <= 2, len[g + 2] <= 2,
                   (1...12).contains(month), (1...31).contains(year) {
                    covered[g] = true; covered[g + 1] = true; covered[g + 2] = true
                }
            }
            if g + 1 < n, let a = sep[g], len[g] <= 2, len[g + 1] == 2 || (a != ":" && len[g + 1] == 1) {
                let x = value[g], y = value[g + 1]
                // dd.mm or dd/mm
                if a == "." || a == "/", (1...31).contains(x), (1...12).contains(y), len[g + 1] <= 2 {
                    covered[g] = true; covered[g + 1] = true
                }
                // hh:mm or hh.mm
                if a == ":" || a == ".", (0...23).contains(x), (0...59).contains(y), len[g + 1] == 2 {
                    covered[g] = true; covered[g + 1] = true
                }
            }
        }
        r.covered = covered
        return r
    }

    /// Whether every digit of the window belongs to a date or a time.
    private static func excused(_ r: Run, _ start: Int, _ count: Int) -> Bool {
        (start..<start + count).allSatisfy { r.covered[r.groupOf[$0]] }
    }

    private static func startsGroup(_ r: Run, _ i: Int) -> Bool { i == 0 || r.groupOf[i - 1] != r.groupOf[i] }
    private static func endsGroup(_ r: Run, _ i: Int) -> Bool { i == r.digits.count - 1 || r.groupOf[i + 1] != r.groupOf[i] }

    /// The first IIN-shaped window, masked.
    func iin() -> [Int]? {
        for r in runs where r.digits.count >= 12 {
            for i in 0...(r.digits.count - 12) {
                let w = Array(r.digits[i..<i + 12])
                if IIN.isShaped(w), !Self.excused(r, i, 12) { return w }
            }
        }
        return nil
    }

    /// The first phone-number window. `typedAlone`: only a number written as a whole, with
    /// its prefix, between non-digits ("звонить 87012345678 2 раза") — checked before the IIN
    /// windows, which such a number and its neighbour can also form.
    func phone(typedAlone: Bool = false) -> [Int]? {
        for r in runs {
            if let w = Self.phone(in: r, typedAlone: typedAlone) { return w }
        }
        if typedAlone { return nil }
        for d in keywordNumbers where d.count >= 5 { return d }
        return nil
    }

    private static func phone(in r: Run, typedAlone: Bool) -> [Int]? {
        let d = r.digits
        let n = d.count
        func window(_ i: Int, _ k: Int) -> [Int] { Array(d[i..<i + k]) }
        func standalone(_ i: Int, _ k: Int) -> Bool { startsGroup(r, i) && endsGroup(r, i + k - 1) }
        // Kazakh and Russian numbers with the trunk or country prefix: 8 7xx…, +7 7xx…, 8 9xx…, +7 495….
        if n >= 11 {
            for i in 0...(n - 11) where d[i] == 7 || d[i] == 8 {
                guard !excused(r, i, 11) else { continue }
                let second = d[i + 1]
                if typedAlone {
                    if second == 7 || second == 9, standalone(i, 11) || startsGroup(r, i) && r.plusBefore[r.groupOf[i]] {
                        return window(i, 11)
                    }
                    continue
                }
                if second == 7 || second == 9, bounded(r, i, 11) { return window(i, 11) }
                if (3...8).contains(second), standalone(i, 11) || (startsGroup(r, i) && r.plusBefore[r.groupOf[i]]) {
                    return window(i, 11)
                }
            }
        }
        if typedAlone { return nil }
        // Kyrgyz (+996) and Uzbek (+998) numbers: country code and nine digits.
        if n >= 12 {
            for i in 0...(n - 12) where d[i] == 9 && d[i + 1] == 9 && (d[i + 2] == 6 || d[i + 2] == 8) {
                if startsGroup(r, i) || r.plusBefore[r.groupOf[i]] || (i >= 2 && d[i - 2] == 0 && d[i - 1] == 0),
                   !excused(r, i, 12) {
                    return window(i, 12)
                }
            }
        }
        // A Kazakh mobile or city number without the prefix: 701 234 56 78, (7272) 50-00-00.
        if n >= 10 {
            for i in 0...(n - 10) where d[i] == 7 && d[i + 1] <= 7 && standalone(i, 10) && !excused(r, i, 10) {
                return window(i, 10)
            }
        }
        // A city number written xxx-xx-xx.
        let g = r.groups
        if g.count >= 3 {
            for k in 0..<(g.count - 2) where g[k].digits.count == 3 && g[k + 1].digits.count == 2 && g[k + 2].digits.count == 2 {
                let gapsOK = [r.gaps[k], r.gaps[k + 1]].allSatisfy { gap in
                    !gap.isEmpty && gap.count <= 3 && gap.allSatisfy { $0 == " " || $0 == "-" }
                }
                if gapsOK, !(r.covered[k] && r.covered[k + 1] && r.covered[k + 2]) {
                    return g[k].digits + g[k + 1].digits + g[k + 2].digits
                }
            }
        }
        return nil
    }

    private static func bounded(_ r: Run, _ i: Int, _ k: Int) -> Bool {
        startsGroup(r, i) || endsGroup(r, i + k - 1)
    }
}
