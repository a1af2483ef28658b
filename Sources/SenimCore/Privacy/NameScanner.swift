/// Finds a person's name given with a Russian or Kazakh patronymic: "Иван Петрович",
/// "Петровичу", "Айгуль Сериковна", "Ержан Серікұлы", "Асан қызы Жанар", "Ivanovich".
///
/// A patronymic is a strong sign of a real name; a bare first name or surname is not
/// looked for (too many ordinary words are also names).
struct NameScanner {
    /// A word: letters only, as a range of the folded text (made a String only when it could matter).
    struct Word {
        var range: Range<Int>
        var capitalised: Bool
    }

    let scalars: [Unicode.Scalar]
    let words: [Word]

    init(_ folded: FoldedText) {
        scalars = folded.scalars
        var words: [Word] = []
        var i = 0
        while i < scalars.count {
            guard FoldedText.isLetter(scalars[i]) else { i += 1; continue }
            var j = i
            while j < scalars.count, FoldedText.isLetter(scalars[j]) { j += 1 }
            let first = scalars[i]
            words.append(Word(range: i..<j, capitalised: Self.lower(first) != first))
            i = j
        }
        self.words = words
    }

    func text(_ w: Word) -> String { String(String.UnicodeScalarView(scalars[w.range])) }

    /// Masked: first letter, bullets, the patronymic's ending.
    func patronymic() -> String? {
        for (i, w) in words.enumerated() {
            if isPatronymic(w) { return Self.mask(text(w)) }
            // Kazakh, as a separate word after the father's name: "Серік ұлы", "Асан қызы".
            if (3...4).contains(w.range.count), i > 0, Self.separateKazakh.contains(text(w).lowercased()) {
                let father = words[i - 1]
                let fatherLower = text(father).lowercased()
                if father.capitalised, father.range.count >= 3, !Self.notAName.contains(fatherLower),
                   !Self.genitive.contains(where: { fatherLower.hasSuffix($0) }) {
                    return Self.mask(text(father) + " " + text(w))
                }
            }
        }
        return nil
    }

    /// Lower case of one letter: by arithmetic for Latin, Russian and Kazakh letters.
    static func lower(_ s: Unicode.Scalar) -> Unicode.Scalar {
        let v = s.value
        switch v {
        case 0x41...0x5A, 0x410...0x42F: return Unicode.Scalar(v + 0x20)!
        case 0x400...0x40F: return Unicode.Scalar(v + 0x50)!
        case 0x460...0x481, 0x48A...0x4BF, 0x4D0...0x4FF: return v % 2 == 0 ? Unicode.Scalar(v + 1)! : s
        case 0..<0x80, 0x430...0x45F: return s
        default: return s.properties.lowercaseMapping.unicodeScalars.first ?? s
        }
    }

    static func mask(_ s: String) -> String {
        let c = Array(s)
        guard c.count > 4 else { return String(c.prefix(1)) + "•••" }
        return String(c[0]) + "•••" + String(c.suffix(3))
    }

    /// One way a patronymic ends: the letters, how many letters must come before them, and
    /// whether only a capitalised word counts.
    struct Ending {
        var minStem: Int
        var capitalisedOnly: Bool
    }

    /// Every patronymic ending by its length in letters, built once.
    static let endings: [Int: [String: Ending]] = {
        var table: [String: Ending] = [:]
        func add(_ suffix: String, _ minStem: Int, capitalisedOnly: Bool = false) {
            if let old = table[suffix], !old.capitalisedOnly || capitalisedOnly { return }
            table[suffix] = Ending(minStem: minStem, capitalisedOnly: capitalisedOnly)
        }
        // Masculine -ович/-евич in every case: no ordinary Russian word ends so.
        for stem in ["ович", "евич", "ovich", "evich", "ovych", "evych"] {
            for ending in ["", "а", "у", "ем", "е", "a", "u", "em"] { add(stem + ending, 2) }
        }
        // Feminine: the nominative any case, unless it is a short adjective ("условна", "виновна",
        // listed below); the other cases only capitalised ("основной" is an adjective).
        let oblique = ["ы", "е", "у", "ой", "ою", "oy", "oj", "e", "u", "y"]
        for stem in ["овн", "евн", "ovn", "evn", "иничн", "итичн", "ввичн"] {
            add(stem + (stem.unicodeScalars.first!.isASCII ? "a" : "а"), 2)
            for ending in oblique { add(stem + ending, 2, capitalisedOnly: true) }
        }
        // The few -ич patronymics: Ильич, Кузьмич, Лукич, Фомич, Никитич, Саввич.
        for name in ["ильич", "кузьмич", "лукич", "фомич", "никитич", "саввич", "ilyich", "ilich"] {
            for ending in ["", "а", "у", "ем", "е"] { add(name + ending, 0) }
        }
        // Kazakh, glued: Серікұлы, Асанқызы, Serikuly, Asankyzy.
        for suffix in ["ұлы", "улы", "қызы", "кызы", "uly", "ulı", "kyzy", "qyzy", "kizi", "qızı"] { add(suffix, 3) }
        var byLength: [Int: [String: Ending]] = [:]
        for (suffix, e) in table { byLength[suffix.count, default: [:]][suffix] = e }
        return byLength
    }()

    static let lengths = endings.keys.sorted()
    static let finalLetters: Set<Unicode.Scalar> = Set(endings.values.flatMap { $0.keys.compactMap(\.unicodeScalars.last) })

    func isPatronymic(_ w: Word) -> Bool {
        guard w.range.count >= 5, Self.finalLetters.contains(Self.lower(scalars[w.range.upperBound - 1])) else { return false }
        let l = text(w).lowercased()
        guard !Self.notPatronymic.contains(l) else { return false }
        let count = l.count
        for k in Self.lengths where k <= count {
            guard let e = Self.endings[k]?[String(l.suffix(k))] else { continue }
            if count - k >= e.minStem, !e.capitalisedOnly || w.capitalised { return true }
        }
        return false
    }

    static let separateKazakh: Set<String> = ["ұлы", "улы", "қызы", "кызы", "uly", "kyzy", "qyzy"]
    /// Words that end like a patronymic and are not one.
    static let notPatronymic: Set<String> = [
        "условна", "безусловна", "виновна", "невиновна", "греховна", "духовна", "бездуховна", "бескровна",
        "церковна", "любовна", "плачевна", "напевна", "верховна", "полюбовна", "крестовна",
        // Russian nouns in -ула/-ул, whose plural ends like a Kazakh patronymic written without ұ.
        "ампулы", "капсулы", "гранулы", "формулы", "скулы", "акулы", "мулы", "фистулы", "пустулы", "папулы",
        "везикулы", "стимулы", "тарантулы", "канюлы", "пилюлы", "модулы", "шкатулы", "клаузулы", "фибулы",
        "посулы", "гулы", "смуглы", "сутулы", "разгулы", "загулы", "прогулы", "аулы", "караулы", "баулы",
    ]
    /// Capitalised words that are not a father's name before "ұлы"/"қызы" ("Оның қызы" — his daughter).
    static let notAName: Set<String> = ["оның", "менің", "сенің", "біздің", "сіздің", "олардың", "клиент", "клиенттің",
                                        "бір", "екі", "үш", "ең", "кіші", "үлкен", "ортаншы", "жалғыз",
                                        "бұл", "бул", "ол", "өте", "тым", "аса"]
    static let genitive = ["ның", "нің", "дың", "дің", "тың", "тің"]
}
