/// Finds a person's name given with a Russian or Kazakh patronymic: "Иван Петрович",
/// "Петровичу", "Айгуль Сериковна", "Ержан Серікұлы", "Асан қызы Жанар", "Ivanovich".
///
/// A patronymic is a strong sign of a real name; a bare first name or surname is not
/// looked for (too many ordinary words are also names).
struct NameScanner {
    struct Word {
        var text: String        // as typed (folded)
        var lower: String
        var capitalised: Bool
    }

    let words: [Word]

    init(_ folded: FoldedText) {
        var words: [Word] = []
        var current: [Unicode.Scalar] = []
        func flush() {
            guard !current.isEmpty else { return }
            let text = String(String.UnicodeScalarView(current))
            let first = current[0]
            words.append(Word(text: text, lower: text.lowercased(),
                              capitalised: first.properties.isUppercase || first.properties.generalCategory == .titlecaseLetter))
            current = []
        }
        for s in folded.scalars {
            if FoldedText.isLetter(s) { current.append(s) } else { flush() }
        }
        flush()
        self.words = words
    }

    /// Masked: first letter, bullets, the patronymic's ending.
    func patronymic() -> String? {
        for (i, w) in words.enumerated() {
            if Self.isPatronymic(w) { return Self.mask(w.text) }
            // Kazakh, as a separate word after the father's name: "Серік ұлы", "Асан қызы".
            if Self.separateKazakh.contains(w.lower), i > 0 {
                let father = words[i - 1]
                if father.capitalised, father.text.count >= 3, !Self.notAName.contains(father.lower),
                   !Self.genitive.contains(where: { father.lower.hasSuffix($0) }) {
                    return Self.mask(father.text + " " + w.text)
                }
            }
        }
        return nil
    }

    static func mask(_ s: String) -> String {
        let c = Array(s)
        guard c.count > 4 else { return String(c.prefix(1)) + "•••" }
        return String(c[0]) + "•••" + String(c.suffix(3))
    }

    /// Russian patronymics in every case, Latin transliterations, Kazakh -ұлы/-қызы glued.
    static func isPatronymic(_ w: Word) -> Bool {
        let l = w.lower
        guard l.count >= 5, !notPatronymic.contains(l) else { return false }
        // Masculine: -ович/-евич and their case forms; no ordinary Russian word ends so.
        for stem in ["ович", "евич", "ovich", "evich", "ovych", "evych"] {
            for ending in ["", "а", "у", "ем", "е", "a", "u", "em"] where l.hasSuffix(stem + ending) {
                if l.count - stem.count - ending.count >= 2 { return true }
            }
        }
        // Feminine -овна/-евна: the nominative unless it is a short adjective ("условна",
        // "виновна"); the other cases only capitalised ("основной" is an adjective).
        for stem in ["овн", "евн", "ovn", "evn", "ичн"] {
            let stemOK = stem != "ичн" || ["иничн", "итичн", "ввичн", "ьинич"].contains(where: { l.contains($0) })
            guard stemOK else { continue }
            if l.hasSuffix(stem + "а") || l.hasSuffix(stem + "a"), l.count - stem.count - 1 >= 2 { return true }
            for ending in ["ы", "е", "у", "ой", "ою", "oy", "oj", "e", "u", "y"] where w.capitalised && l.hasSuffix(stem + ending) {
                if l.count - stem.count - ending.count >= 2 { return true }
            }
        }
        // The few -ич patronymics: Ильич, Кузьмич, Лукич, Фомич, Никитич, Саввич.
        for name in ["ильич", "кузьмич", "лукич", "фомич", "никитич", "саввич", "ilyich", "ilich"] {
            for ending in ["", "а", "у", "ем", "е"] where l == name + ending || (w.capitalised && l.hasSuffix(name + ending)) {
                return true
            }
        }
        // Kazakh, glued: Серікұлы, Асанқызы, Serikuly, Asankyzy.
        for suffix in ["ұлы", "улы", "қызы", "кызы", "uly", "ulı", "kyzy", "qyzy", "kizi", "qızı"] where l.hasSuffix(suffix) {
            if l.count - suffix.count >= 3 { return true }
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
