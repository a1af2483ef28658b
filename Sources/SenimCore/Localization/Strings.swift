/// User-facing strings in en, ru and kk, loaded from `Config/locales/<lang>/*.json`.
/// Placeholders are `{0}`, `{1}`, … in the order of the arguments.
public struct Strings: Sendable {
    public var tables: [Language: [String: String]]

    public init(tables: [Language: [String: String]]) { self.tables = tables }

    /// The string for `key` in `lang`; English if missing there; the key itself as a last resort
    /// (a test makes sure that never happens for shipped keys).
    public func t(_ key: String, _ lang: Language, _ args: [String] = []) -> String {
        var s = tables[lang]?[key] ?? tables[.en]?[key] ?? key
        for (i, a) in args.enumerated() {
            s = s.replacingOccurrences(of: "{\(i)}", with: a)
        }
        return s
    }

    public func has(_ key: String) -> Bool { tables[.en]?[key] != nil }

    public struct Missing: Sendable, Equatable { public var language: Language; public var key: String }

    /// Keys present in some language but absent from another.
    public func missingKeys() -> [Missing] {
        let all = Set(tables.values.flatMap { $0.keys })
        var out: [Missing] = []
        for lang in Language.allCases {
            let have = tables[lang] ?? [:]
            for k in all.sorted() where have[k] == nil { out.append(Missing(language: lang, key: k)) }
        }
        return out
    }
}

/// A message for the user: a key into `Strings` plus arguments. Errors carry these so that
/// the CLI and the TUI can show them in the user's language.
public struct Message: Sendable, Hashable, Error, CustomStringConvertible {
    public var key: String
    public var args: [String]
    public init(_ key: String, _ args: String...) {
        self.key = key
        self.args = args
    }
    public init(key: String, args: [String]) {
        self.key = key
        self.args = args
    }
    public func text(_ strings: Strings, _ lang: Language) -> String { strings.t(key, lang, args) }
    public var description: String { args.isEmpty ? key : "\(key)(\(args.joined(separator: ", ")))" }
}
