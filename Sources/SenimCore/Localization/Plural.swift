/// Numbers agree with their words: a unit in the catalogue may list its forms separated by
/// "|" — Russian "one|few|many" ("доза|дозы|доз"), English "one|other" ("dose|doses"); Kazakh
/// needs one form (a noun after a numeral stays singular: "2 доза").
public enum Plural {
    public static func form(_ n: Int64, _ forms: String, _ language: Language) -> String {
        let f = forms.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard f.count > 1 else { return forms }
        let a = n.magnitude
        switch language {
        case .ru:
            let d = a % 10, h = a % 100
            if d == 1 && h != 11 { return f[0] }
            if (2...4).contains(d) && !(12...14).contains(h) { return f[min(1, f.count - 1)] }
            return f[min(2, f.count - 1)]
        case .en, .kk:
            return a == 1 ? f[0] : f[min(1, f.count - 1)]
        }
    }

    public static func form(_ n: Int, _ forms: String, _ language: Language) -> String { form(Int64(n), forms, language) }

    /// "2 дозы": the number and the agreeing form.
    public static func count(_ n: Int, _ forms: String, _ language: Language) -> String { "\(n) \(form(n, forms, language))" }
}
