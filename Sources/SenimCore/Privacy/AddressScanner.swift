/// Finds e-mail addresses, messenger handles and profile links in folded text, including
/// the forms people use to get them past a filter: "aigul @ mail.kz", "aigul at mail dot kz",
/// "aigul(at)mail(dot)kz", "айгуль собака мейл точка ру", "t . me / aigul".
struct AddressScanner {
    enum Token: Equatable {
        case word(String)           // letters, digits, '_', '-', '+', '%' (lower-cased)
        case at(AtMark)             // '@', or "at" / "собака"
        case dot(literal: Bool)     // '.', or "dot" / "точка"
        case space
        case other(Unicode.Scalar)
    }

    enum AtMark: Equatable {
        case sign           // '@' as typed
        case spelled        // собака, (at), [@]
        case englishWord    // " at " between words: the weakest sign
    }

    let tokens: [Token]

    init(_ folded: FoldedText) {
        var raw: [Token] = []
        let s = folded.scalars
        var i = 0
        while i < s.count {
            let c = s[i]
            if Self.isWordScalar(c) {
                var j = i
                while j < s.count, Self.isWordScalar(s[j]) { j += 1 }
                let w = String(String.UnicodeScalarView(s[i..<j])).lowercased()
                if w.unicodeScalars.contains(where: { FoldedText.isLetter($0) || FoldedText.isDigit($0) }) {
                    raw.append(.word(w))
                } else {
                    raw += s[i..<j].map { .other($0) }
                }
                i = j
                continue
            }
            if c == " " {
                if raw.last != .space { raw.append(.space) }
            } else if c == "@" {
                raw.append(.at(.sign))
            } else if c == "." {
                raw.append(.dot(literal: true))
            } else {
                raw.append(.other(c))
            }
            i += 1
        }
        // Spelled-out markers, bare or in brackets: at, (at), [at], {at}, <at>, (@), собака, dot, (точка)…
        var out: [Token] = []
        var k = 0
        let open: [Unicode.Scalar: Unicode.Scalar] = ["(": ")", "[": "]", "{": "}", "<": ">"]
        while k < raw.count {
            if case .other(let o) = raw[k], let close = open[o], k + 2 < raw.count, raw[k + 2] == .other(close) {
                switch raw[k + 1] {
                case .word(let w) where Self.atWords.contains(w) || w == "at": out.append(.at(.spelled)); k += 3; continue
                case .word(let w) where Self.dotWords.contains(w): out.append(.dot(literal: false)); k += 3; continue
                case .at: out.append(.at(.spelled)); k += 3; continue
                case .dot: out.append(.dot(literal: false)); k += 3; continue
                default: break
                }
            }
            if case .word(let w) = raw[k] {
                let spaced = k > 0 && raw[k - 1] == .space && k + 1 < raw.count && raw[k + 1] == .space
                if Self.atWords.contains(w) { out.append(.at(.spelled)); k += 1; continue }
                if w == "at" && spaced { out.append(.at(.englishWord)); k += 1; continue }
                if Self.dotWords.contains(w) && spaced { out.append(.dot(literal: false)); k += 1; continue }
            }
            out.append(raw[k])
            k += 1
        }
        tokens = out
    }

    /// Whether the text could hold an address at all: an '@' or a slash, or a word that can
    /// stand for '@' or name a messenger. Most notes have none, and the full scan is skipped.
    static func mayContainAddress(_ folded: FoldedText) -> Bool {
        let s = folded.scalars
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == "@" || c == "/" || c == "\\" || c == "\u{2044}" { return true }
            guard FoldedText.isLetter(c) else { i += 1; continue }
            var j = i
            while j < s.count, FoldedText.isLetter(s[j]) { j += 1 }
            if let lengths = keywordShapes[NameScanner.lower(c)], lengths.contains(j - i),
               keywords.contains(String(String.UnicodeScalarView(s[i..<j])).lowercased()) {
                return true
            }
            i = j
        }
        return false
    }

    /// Every word that can start an address or a handle, and their (first letter, length) shapes.
    static let keywords: Set<String> = atWords.union(["at"]).union(messengers)
    static let keywordShapes: [Unicode.Scalar: Set<Int>] = {
        var shapes: [Unicode.Scalar: Set<Int>] = [:]
        for k in keywords { shapes[k.unicodeScalars.first!, default: []].insert(k.unicodeScalars.count) }
        return shapes
    }()

    static func isWordScalar(_ c: Unicode.Scalar) -> Bool {
        FoldedText.isLetter(c) || FoldedText.isDigit(c) || c == "_" || c == "-" || c == "+" || c == "%"
    }

    static let atWords: Set<String> = ["собака", "собачка", "sobaka"]
    static let dotWords: Set<String> = ["dot", "точка", "tochka", "нүкте", "нукте", "дот"]
    /// Domains written out after "собака"/"at": the last label must be one of these when the
    /// address is obfuscated (a plain `a@b.xyz` is refused with any top-level domain).
    static let topLevel: Set<String> = [
        "kz", "ru", "com", "net", "org", "kg", "uz", "ua", "by", "su", "info", "biz", "io", "me", "edu", "gov",
        "рф", "қаз", "каз", "рус", "кз", "ру", "ком", "бел", "укр", "de", "tr", "cn", "us", "uk", "co", "online", "mail",
    ]
    /// Mail providers: "aigul at gmail" is an address even without its domain.
    static let providers: Set<String> = ["gmail", "googlemail", "yandex", "yahoo", "hotmail", "outlook", "icloud",
                                         "гмейл", "гмайл", "джимейл", "яндекс", "mail", "мейл", "майл", "мэйл",
                                         "inbox", "list", "bk", "rambler", "рамблер", "protonmail", "proton"]
    static let strongProviders: Set<String> = ["gmail", "googlemail", "yandex", "yahoo", "hotmail", "outlook", "icloud",
                                               "гмейл", "гмайл", "джимейл", "яндекс", "protonmail", "rambler", "рамблер"]

    // MARK: E-mail

    /// The first e-mail address: its first letter, for the mask.
    func email() -> String? {
        let t = tokens
        for (k, tok) in t.enumerated() {
            guard case .at(let mark) = tok else { continue }
            var obfuscated = mark != .sign
            // The local part: a word right before (one space allowed around a spelled or spaced '@').
            var l = k - 1
            if l >= 0, t[l] == .space { l -= 1; obfuscated = true }
            guard l >= 0, case .word(let local) = t[l] else { continue }
            // The domain: labels joined by dots.
            var r = k + 1
            if r < t.count, t[r] == .space { r += 1; obfuscated = true }
            guard r < t.count, case .word(let first) = t[r] else { continue }
            var labels = [first]
            r += 1
            while r < t.count {
                var q = r
                let spaceBefore = t[q] == .space
                if spaceBefore { q += 1 }
                guard q < t.count, case .dot(let literalDot) = t[q] else { break }
                q += 1
                let spaceAfter = q < t.count && t[q] == .space
                if spaceAfter { q += 1 }
                // "home. Next" is the end of a sentence, not "home.next".
                if literalDot && spaceAfter && !spaceBefore { break }
                guard q < t.count, case .word(let label) = t[q] else { break }
                if !literalDot || spaceBefore || spaceAfter { obfuscated = true }
                labels.append(label)
                r = q + 1
            }
            // "aigul at mail kz": a spelled '@' and a top-level domain after a space.
            if mark != .sign, r + 1 < t.count, t[r] == .space, case .word(let tld) = t[r + 1], tld != "mail",
               Self.topLevel.contains(tld) {
                labels.append(tld)
                obfuscated = true
            }
            if labels.count >= 2 {
                let tld = labels.last!
                let lettersOnly = tld.unicodeScalars.allSatisfy(FoldedText.isLetter) && tld.count >= 2
                if (!obfuscated && lettersOnly) || Self.topLevel.contains(tld) { return local }
            } else if Self.strongProviders.contains(first) || (Self.providers.contains(first) && mark != .englishWord) {
                // "aigul at gmail", "айгуль собака мейл": a provider's name stands for its domain.
                return local
            }
        }
        return nil
    }

    // MARK: Handles and links

    /// A messenger or social-network handle: `@aigul_88`, or a name after "telegram:".
    func handle() -> String? {
        let t = tokens
        for (k, tok) in t.enumerated() {
            // '@name' not glued to a word before it (that is an address, checked above).
            if tok == .at(.sign), k + 1 < t.count, case .word(let w) = t[k + 1],
               k == 0 || { if case .word = t[k - 1] { return false } else { return true } }() {
                if w.count >= 3, w.unicodeScalars.contains(where: FoldedText.isLetter) { return "@" + w }
            }
            // telegram: aigul_88, инста aigul.88, тг @aigul
            if case .word(let w) = tok, Self.messengers.contains(w) {
                var q = k + 1
                var marked = false
                while q < t.count {
                    switch t[q] {
                    case .space: q += 1; continue
                    case .other(let o) where o == ":" || o == "-" || o == "—": marked = true; q += 1; continue
                    case .at(.sign): marked = true; q += 1; continue
                    default: break
                    }
                    break
                }
                // The name: words and dots with no space between.
                var name = ""
                while q < t.count {
                    if case .word(let part) = t[q] { name += part } else if case .dot(literal: true) = t[q] { name += "." } else { break }
                    q += 1
                }
                while name.hasSuffix(".") { name.removeLast() }
                let ascii = name.unicodeScalars.allSatisfy { $0.isASCII }
                let hasLetter = name.unicodeScalars.contains(where: FoldedText.isLetter)
                let marks = name.contains(where: { $0.isNumber || $0 == "_" || $0 == "." })
                if ascii, hasLetter, name.count >= 3, marked || marks, !Self.messengers.contains(name) { return name }
            }
        }
        return nil
    }

    static let messengers: Set<String> = [
        "telegram", "телеграм", "телеграмм", "телега", "тг", "tg", "instagram", "инстаграм", "инстаграмм", "инста",
        "инсту", "insta", "inst", "инст", "ig", "вк", "vk", "вконтакте", "vkontakte", "whatsapp", "ватсап", "вотсап",
        "вацап", "ватсапп", "вотсапп", "facebook", "фейсбук", "fb", "tiktok", "тикток", "skype", "скайп", "viber",
        "вайбер", "threads", "twitter", "твиттер", "snapchat", "одноклассники", "ok",
        "телеге", "телегу", "телеграме", "телеграмме", "телеграму", "инсте", "инстаграме", "инстаграмме", "вотсапе",
        "ватсапе", "вацапе", "вайбере", "скайпе", "тиктоке", "фейсбуке", "вконтакте", "ник", "ника", "нику", "nick",
        "nickname", "username", "логин", "юзернейм", "аккаунт", "акк", "account",
    ]

    /// Profile links, with the dots and slashes possibly spelled out or spaced.
    static let hosts = ["t.me", "telegram.me", "telegram.dog", "wa.me", "whatsapp.com", "instagram.com", "instagr.am",
                        "vk.com", "vk.ru", "vkontakte.ru", "ok.ru", "facebook.com", "fb.com", "fb.me", "tiktok.com",
                        "twitter.com", "threads.net", "snapchat.com", "linkedin.com", "youtube.com"]

    static let hostScalars: [[Unicode.Scalar]] = hosts.map { Array(($0 + "/").unicodeScalars) }

    func link() -> String? {
        // A compact form: spaces around dots and slashes removed, spelled dots as '.'.
        var compact: [Unicode.Scalar] = []
        var pendingSpace = false
        for tok in tokens {
            switch tok {
            case .space: pendingSpace = true; continue
            case .word(let w):
                if pendingSpace, let last = compact.last, last != ".", last != "/" { compact.append(" ") }
                compact += w.unicodeScalars
            case .dot: compact.append(".")
            case .at: compact.append("@")
            case .other(let o):
                if o == "/" || o == "\\" || o == "⁄" { compact.append("/") } else {
                    if pendingSpace { compact.append(" ") }
                    compact.append(o)
                }
            }
            pendingSpace = false
        }
        for i in compact.indices {
            // Not inside a longer name ("chat.me/" is not "t.me/").
            if i > 0 {
                let before = compact[i - 1]
                if FoldedText.isLetter(before) || FoldedText.isDigit(before) || before == "-" { continue }
            }
            for host in Self.hostScalars where host[0] == compact[i] && i + host.count < compact.count {
                guard compact[i..<i + host.count].elementsEqual(host) else { continue }
                let c = compact[i + host.count]
                if FoldedText.isLetter(c) || FoldedText.isDigit(c) || c == "_" || c == "+" || c == "@" {
                    return String(String.UnicodeScalarView(host))
                }
            }
        }
        return nil
    }
}
