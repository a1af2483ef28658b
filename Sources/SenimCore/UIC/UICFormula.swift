import Foundation

/// The configurable client-code formula (`Config/uic.json`).
///
/// Default: first two letters of the mother's first name + first two of the father's first name
/// + a sex digit + the two-digit birth year, e.g. `MAIV185`.
public struct UICFormula: Sendable, Hashable {
    public enum QuestionKind: String, Sendable, Codable, Hashable { case name, sex, year }

    public struct Question: Sendable, Hashable, Codable {
        public var id: String
        public var kind: QuestionKind
        public var prompt: LocalizedText
    }

    public struct Part: Sendable, Hashable, Codable {
        public var question: String
        /// Letters taken from a name, or trailing digits of a year. Ignored for sex.
        public var take: Int?
    }

    public var questions: [Question]
    public var parts: [Part]
    /// Digit per sex answer, e.g. `{"m": "1", "f": "2"}`.
    public var sexDigits: [String: String]
    /// Filler letter when a name has fewer letters than the part takes.
    public var padding: String

    /// What each position of a code must be.
    public enum Slot: Sendable, Hashable { case letter, sexDigit, digit }
    public private(set) var slots: [Slot] = []
    public private(set) var sexPosition: Int?
    public private(set) var yearRange: Range<Int>?

    public var length: Int { slots.count }

    public static func load(json: Data, file: String = "uic.json") throws -> UICFormula {
        struct Raw: Codable {
            var version: Int?
            var questions: [Question]?
            var parts: [Part]?
            var sexDigits: [String: String]?
            var padding: String?
        }
        let raw: Raw
        do { raw = try JSONDecoder().decode(Raw.self, from: json) } catch {
            throw ConfigError(file: file, field: "(document)", problem: ConfigDecoding.describe(error))
        }
        guard let questions = raw.questions, !questions.isEmpty else {
            throw ConfigError(file: file, field: "questions", problem: "missing or empty")
        }
        guard let parts = raw.parts, !parts.isEmpty else {
            throw ConfigError(file: file, field: "parts", problem: "missing or empty")
        }
        var f = UICFormula(questions: questions, parts: parts,
                           sexDigits: raw.sexDigits ?? ["m": "1", "f": "2"],
                           padding: raw.padding ?? "X")
        try f.compile(file: file)
        return f
    }

    private mutating func compile(file: String) throws {
        var seen = Set<String>()
        for (i, q) in questions.enumerated() {
            guard !q.id.isEmpty, seen.insert(q.id).inserted else {
                throw ConfigError(file: file, field: "questions[\(i)].id", problem: "empty or repeated id '\(q.id)'")
            }
        }
        guard sexDigits.values.allSatisfy({ $0.count == 1 && $0.first!.isASCII && $0.first!.isNumber }),
              Set(sexDigits.values).count == sexDigits.count, !sexDigits.isEmpty else {
            throw ConfigError(file: file, field: "sexDigits", problem: "each sex needs its own single digit")
        }
        guard padding.count == 1, Letters.normaliseCode(padding) == padding else {
            throw ConfigError(file: file, field: "padding", problem: "must be one Latin capital letter")
        }
        slots = []
        sexPosition = nil
        yearRange = nil
        for (i, p) in parts.enumerated() {
            guard let q = questions.first(where: { $0.id == p.question }) else {
                throw ConfigError(file: file, field: "parts[\(i)].question", problem: "no question with id '\(p.question)'")
            }
            switch q.kind {
            case .name:
                guard let n = p.take, (1...6).contains(n) else {
                    throw ConfigError(file: file, field: "parts[\(i)].take", problem: "a name part takes 1 to 6 letters")
                }
                slots += Array(repeating: .letter, count: n)
            case .sex:
                sexPosition = slots.count
                slots.append(.sexDigit)
            case .year:
                guard let n = p.take, n == 2 || n == 4 else {
                    throw ConfigError(file: file, field: "parts[\(i)].take", problem: "a year part takes 2 or 4 digits")
                }
                yearRange = slots.count..<(slots.count + n)
                slots += Array(repeating: .digit, count: n)
            }
        }
    }

    public static let `default`: UICFormula = {
        var f = UICFormula(
            questions: [
                Question(id: "mother", kind: .name, prompt: LocalizedText(en: "Mother's first name", ru: "Имя матери", kk: "Анасының аты")),
                Question(id: "father", kind: .name, prompt: LocalizedText(en: "Father's first name", ru: "Имя отца", kk: "Әкесінің аты")),
                Question(id: "sex", kind: .sex, prompt: LocalizedText(en: "Sex (f/m)", ru: "Пол (ж/м)", kk: "Жынысы (ә/е)")),
                Question(id: "birthYear", kind: .year, prompt: LocalizedText(en: "Year of birth", ru: "Год рождения", kk: "Туған жылы")),
            ],
            parts: [Part(question: "mother", take: 2), Part(question: "father", take: 2),
                    Part(question: "sex", take: nil), Part(question: "birthYear", take: 2)],
            sexDigits: ["m": "1", "f": "2"], padding: "X")
        try! f.compile(file: "(built-in)")
        return f
    }()

    private init(questions: [Question], parts: [Part], sexDigits: [String: String], padding: String) {
        self.questions = questions
        self.parts = parts
        self.sexDigits = sexDigits
        self.padding = padding
    }

    public enum BuildError: Error, Equatable, Sendable {
        case missingAnswer(question: String)
        case noLetters(question: String)
        case unknownSex(String)
        case badYear(String)
    }

    /// Builds a code from answers keyed by question id. The answers are not kept anywhere.
    /// Sex answers accept m/f in Latin and Cyrillic (м/ж, е/ә for Kazakh ер/әйел).
    public func build(answers: [String: String]) throws(BuildError) -> UIC {
        var code = ""
        for p in parts {
            guard let q = questions.first(where: { $0.id == p.question }) else { continue }
            let answer = (answers[q.id] ?? "").trimmingCharacters(in: .whitespaces)
            guard !answer.isEmpty else { throw .missingAnswer(question: q.id) }
            switch q.kind {
            case .name:
                let ls = Letters.letters(of: answer)
                guard !ls.isEmpty else { throw .noLetters(question: q.id) }
                let n = p.take ?? 2
                var taken = String(ls.prefix(n))
                while taken.count < n { taken += padding }
                code += taken
            case .sex:
                guard let s = Self.sexKey(answer), let d = sexDigits[s] else { throw .unknownSex(answer) }
                code += d
            case .year:
                let digits = answer.filter { $0.isASCII && $0.isNumber }
                guard digits.count == 4, digits == answer, let y = Int(digits), (1900...2100).contains(y) else {
                    throw .badYear(answer)
                }
                code += String(digits.suffix(p.take ?? 2))
            }
        }
        return UIC(normalised: code)
    }

    static func sexKey(_ answer: String) -> String? {
        switch answer.lowercased() {
        case "m", "male", "м", "муж", "мужской", "е", "ер", "1": "m"
        case "f", "female", "ж", "жен", "женский", "ә", "әйел", "2": "f"
        default: nil
        }
    }

    /// Normalises and validates a typed code. Returns nil if it does not fit the formula.
    public func parse(_ typed: String) -> UIC? {
        let code = Letters.normaliseCode(typed)
        guard isValid(code) else { return nil }
        return UIC(normalised: code)
    }

    /// Whether a normalised code fits the formula's shape.
    public func isValid(_ code: String) -> Bool {
        let chars = Array(code.utf8)
        guard chars.count == slots.count else { return false }
        let sexSet = Set(sexDigits.values.map { $0.utf8.first! })
        for (c, slot) in zip(chars, slots) {
            switch slot {
            case .letter: if !(65...90).contains(c) { return false }
            case .digit: if !(48...57).contains(c) { return false }
            case .sexDigit: if !sexSet.contains(c) { return false }
            }
        }
        return true
    }

    /// The sex key ("m"/"f") encoded in a code, if the formula has one.
    public func sex(of uic: UIC) -> String? {
        guard let p = sexPosition else { return nil }
        let chars = Array(uic.code)
        guard p < chars.count else { return nil }
        return sexDigits.first(where: { $0.value == String(chars[p]) })?.key
    }

    /// The birth year encoded in a code. Two-digit years are read as the latest year not after
    /// `referenceYear` (so in 2026, "85" is 1985 and "05" is 2005).
    public func birthYear(of uic: UIC, referenceYear: Int) -> Int? {
        guard let r = yearRange else { return nil }
        let chars = Array(uic.code)
        guard r.upperBound <= chars.count, let v = Int(String(chars[r])) else { return nil }
        if r.count == 4 { return v }
        let century = (referenceYear / 100) * 100
        let y = century + v
        return y > referenceYear ? y - 100 : y
    }

    /// Codes that are one edit away, with the same sex digit and birth year: likely the same
    /// person with a typo. `candidates` is any sequence of known codes.
    public func nearDuplicates<S: Sequence>(of uic: UIC, among candidates: S) -> [UIC] where S.Element == UIC {
        let key = stableDigits(uic.code)
        var out: [UIC] = []
        for c in candidates where c != uic {
            if stableDigits(c.code) == key, UIC.withinOneEdit(c.code, uic.code) { out.append(c) }
        }
        return out.sorted()
    }

    private func stableDigits(_ code: String) -> String {
        // Sex digit and year digits; compared from the end so an inserted/deleted letter
        // does not shift them.
        let digitsCount = slots.count - (slots.firstIndex(where: { $0 != .letter }) ?? slots.count)
        return String(code.suffix(digitsCount))
    }
}

enum ConfigDecoding {
    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx):
            return "missing field '\(path(ctx.codingPath + [key]))'"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "wrong type at '\(path(ctx.codingPath))': \(ctx.debugDescription)"
        case DecodingError.dataCorrupted(let ctx):
            return "not valid JSON at '\(path(ctx.codingPath))': \(ctx.debugDescription)"
        default:
            return "\(error)"
        }
    }

    static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            .replacingOccurrences(of: ".[", with: "[")
    }
}
