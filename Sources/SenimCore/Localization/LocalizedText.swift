/// The three languages every user-facing string exists in.
public enum Language: String, CaseIterable, Sendable, Codable, Hashable {
    case en, ru, kk

    /// Picks the language from a POSIX locale name such as `ru_KZ.UTF-8`; English otherwise.
    public static func fromLocale(_ name: String?) -> Language {
        guard let name, name.count >= 2 else { return .en }
        return Language(rawValue: String(name.prefix(2)).lowercased()) ?? .en
    }
}

/// A name or label in en, ru and kk.
public struct LocalizedText: Hashable, Sendable, Codable {
    public var en: String
    public var ru: String
    public var kk: String

    public init(en: String, ru: String, kk: String) {
        self.en = en
        self.ru = ru
        self.kk = kk
    }

    public subscript(_ lang: Language) -> String {
        switch lang {
        case .en: en
        case .ru: ru
        case .kk: kk
        }
    }
}
