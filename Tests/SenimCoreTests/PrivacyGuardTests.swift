import Testing
import SenimCore

@Suite struct PrivacyGuardTests {
    /// Builds a checksum-valid IIN from its first 11 digits.
    static func validIIN(_ first11: String) -> String? {
        let d = first11.compactMap { $0.wholeNumberValue }
        guard let c = IIN.checkDigit(d + [0]) else { return nil }
        return first11 + String(c)
    }

    @Test func checksumRule() {
        // Worked by hand: 8 5 0 1 0 1 3 0 0 1 2 → Σ i·dᵢ = 8+10+0+4+0+6+21+0+0+10+22 = 81; 81 mod 11 = 4.
        #expect(IIN.checkDigit([8, 5, 0, 1, 0, 1, 3, 0, 0, 1, 2, 0]) == 4)
        #expect(IIN.isValid("850101300124"))
        #expect(!IIN.isValid("850101300125"))
        #expect(!IIN.isValid("851301300124"))  // month 13
    }

    @Test func secondWeightsAreUsedWhenTheFirstSumGivesTen() {
        // Find an 11-digit prefix whose first sum is 10 mod 11 and check the rule by hand.
        var found = false
        for n in 0..<100 {
            let d = [9, 0, 0, 2, 1, 5, 4, 0, 0, n / 10, n % 10]
            let s1 = zip(d, 1...11).reduce(0) { $0 + $1.0 * $1.1 }
            guard s1 % 11 == 10 else { continue }
            let w = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
            let s2 = zip(d, w).reduce(0) { $0 + $1.0 * $1.1 } % 11
            #expect(IIN.checkDigit(d + [0]) == (s2 == 10 ? nil : s2))
            found = true
        }
        #expect(found)
    }

    @Test(arguments: [
        "client said his number is 850101300124",
        "ИИН 850101 300 124",
        "iin: 850101-300-124.",
        "８５０１０１３００１２４",   // full-width digits
        "x850101300124y",
    ])
    func validIINsAreRefused(text: String) {
        guard let f = PrivacyGuard.check(text), f.kind == .iin else {
            Issue.record("not refused: \(text)"); return
        }
        #expect(f.masked == "85••••••••24")
        #expect(!f.masked.contains("0101"))
    }

    @Test func anIINWithAMistypedCheckDigitIsStillRefused() {
        #expect(!IIN.isValid("850101300125"))
        #expect(IIN.isShaped([8, 5, 0, 1, 0, 1, 3, 0, 0, 1, 2, 5]))
        #expect(PrivacyGuard.check("lot 850101300125 arrived")?.kind == .iin)
    }

    @Test func twelveDigitNumbersThatAreNotIINShapedAreAllowed() {
        // Month 34, month 00, day 32, century digit 0 and 7: no one is born so.
        for n in ["123456789012", "250032100045", "240532400012", "240115012345", "240115712345"] {
            #expect(!IIN.isShaped(n.map { $0.wholeNumberValue! }), "\(n)")
            #expect(PrivacyGuard.check("invoice \(n)") == nil, "\(n)")
        }
    }

    @Test(arguments: [
        "+7 701 123 45 67", "8 (701) 123-45-67", "87011234567", "77011234567", "7011234567",
        "call +7 (727) 250-00-00", "тел. 8 777 000 11 22",
    ])
    func phonesAreRefused(text: String) {
        #expect(PrivacyGuard.check(text)?.kind == .phone, "\(text)")
    }

    @Test(arguments: ["ivan.petrov@mail.kz", "write to a_b+c@gmail.com please", "почта: иван@пример.рф"])
    func emailsAreRefused(text: String) {
        #expect(PrivacyGuard.check(text)?.kind == .email, "\(text)")
    }

    @Test(arguments: [
        "gave 10 syringes, 5 wipes", "came back after 2 weeks, HIV test 12.03", "@ the park", "a@b",
        "Клиент просил 100 шприцев в неделю", "score 2024", "1 000 000",
    ])
    func ordinaryNotesPass(text: String) {
        #expect(PrivacyGuard.check(text) == nil)
    }

    @Test func everyFreeTextFieldIsGuarded() throws {
        let v = Fixtures.validator
        let iin = "850101300124"
        let ctx = Fixtures.ctx(.coordinator)
        let known: (UIC) -> Bool = { _ in true }
        #expect(throws: Message.self) {
            try v.contact(.init(client: "MAIV285", packs: ["injecting"], note: "IIN \(iin)"), ctx: ctx,
                          known: known, nearDuplicates: { _ in [] }, newClient: false)
        }
        #expect(throws: Message.self) {
            try v.issueReferral(client: "MAIV285", service: "hiv-test", due: nil, note: "+7 701 123 45 67", ctx: ctx, known: known)
        }
        #expect(throws: Message.self) {
            try v.receive(item: "needle", quantity: 10, lot: "a@b.kz", expires: nil, ctx: ctx)
        }
        let issue = try v.issueReferral(client: "MAIV285", service: "hiv-test", due: nil, note: nil, ctx: ctx, known: known)
        let r = LedgerState.fold([issue]).referrals[issue.id]
        #expect(r != nil)
        #expect(throws: Message.self) {
            try v.updateReferral(r, idText: "1", status: .attended, note: "tel 87011234567", ctx: ctx)
        }
        #expect(throws: Message.self) {
            try v.confidentialNote(r, idText: "1", plaintext: iin, ctx: Fixtures.ctx(.psychologist), seal: { Array($0.utf8) })
        }
    }

    // MARK: v2 — spacing, Unicode tricks and other shapes

    @Test(arguments: [
        "ИИН 850101   300124", "ИИН 850101/300/124", "ИИН 850101_300124", "ИИН 850101\u{2013}300\u{2013}124",
        "ИИН 850101\t300124", "ИИН 850,101,300,124", "ИИН 850\u{200B}101\u{200B}300124", "ИИН 8501\u{200D}01300124",
        "ИИН 850101\u{00AD}300124", "ИИН 8\u{0301}50101300124", "ИИН \u{200F}850101300124", "ИИН ٨٥٠١٠١٣٠٠١٢٤",
        "ИИН 85O1O13OO124",
    ])
    func iinsWrittenAroundTheFilterAreRefused(text: String) {
        let f = PrivacyGuard.check(text)
        #expect(f?.kind == .iin, "\(text.debugDescription)")
        #expect(f?.masked == "85••••••••24")
    }

    @Test func datesAndTimesDoNotMakeAnIIN() {
        // 01.12.2026 14.00 reads 011220261400: born 2001-12-20, century digit 2 — excused as a date and a time.
        for text in ["01.12.2026 14.00 выдано 30", "приходил 01.12, 15.12, 20.12", "15.12.26-31.12.26 отпуск",
                     "2026-12-01 08:00 — 2026-12-01 20:00"] {
            #expect(PrivacyGuard.check(text) == nil, "\(text)")
        }
        // …but a date does not hide an IIN written after it.
        #expect(PrivacyGuard.check("01.12.2026 850101300124")?.kind == .iin)
        #expect(PrivacyGuard.check("01.12 87012345678")?.kind == .phone)
    }

    @Test(arguments: [
        "звонить 87012345678 2 раза", "01.12 87012345678", "87011234567 87017654321", "8/701/2345678",
        "8 701 - 234 - 56 - 78", "250-00-00", "+996 555 123 456", "+998 90 123 45 67", "+7 916 123-45-67",
        "(7272) 50-00-00", "тел 2500000", "87О1 234 56 78",
    ])
    func phonesInOtherShapesAreRefused(text: String) {
        #expect(PrivacyGuard.check(text)?.kind == .phone, "\(text)")
    }

    @Test(arguments: [
        "aigul @ mail.kz", "aigul at mail dot kz", "aigul(at)mail(dot)kz", "aigul[at]mail[dot]kz",
        "aigul@mail．kz", "aigul\u{200B}@mail.kz", "айгуль собака мейл точка ру", "aigul at gmail",
    ])
    func obfuscatedEmailsAreRefused(text: String) {
        #expect(PrivacyGuard.check(text)?.kind == .email, "\(text)")
    }

    @Test func handlesLinksAndNames() {
        #expect(PrivacyGuard.check("@aigul_88")?.kind == .handle)
        #expect(PrivacyGuard.check("телеграм: aigul88")?.kind == .handle)
        #expect(PrivacyGuard.check("t.me/aigul_88")?.kind == .link)
        #expect(PrivacyGuard.check("wa.me/77011234567")?.kind == .phone)   // the number is the worse part
        #expect(PrivacyGuard.check("instagram.com/aigerim.s")?.kind == .link)
        #expect(PrivacyGuard.check("Иван Петрович обещал прийти")?.kind == .name)
        #expect(PrivacyGuard.check("Айгуль Сериковна")?.kind == .name)
        #expect(PrivacyGuard.check("Ержан Серікұлы")?.kind == .name)
        #expect(PrivacyGuard.check("Жанар Асан қызы")?.kind == .name)
        // Words that end like a patronymic or sit where a marker would.
        for text in ["основной пакет выдан", "эта схема условна", "она не виновна", "ампулы налоксона 2 шт",
                     "Оның қызы келді", "пришёл с собакой, точка у вокзала", "met at the park at 6",
                     "stayed at home. Russian speaker", "@ the park", "a@b", "whatsapp group with other clients"] {
            #expect(PrivacyGuard.check(text) == nil, "\(text)")
        }
    }

    @Test(arguments: ["\u{1B}[31mred", "bell\u{07}", "nul\u{00}", "c1\u{85}next", "csi\u{9B}2J", "rtl\u{202E}gnp.exe",
                      "iso\u{2066}x\u{2069}", "zw\u{200B}sp", "bom\u{FEFF}", "tag\u{E0041}", "two\nlines", "tab\there",
                      "del\u{7F}", "line\u{2028}sep"])
    func controlAndInvisibleCharactersAreRefused(text: String) {
        let f = PrivacyGuard.check(text)
        #expect(f?.kind == .control, "\(text.debugDescription)")
        #expect(f?.masked.hasPrefix("U+") == true)
        #expect(f?.message.key == "privacy.control")
        #expect(f.map { !$0.masked.unicodeScalars.contains(where: { $0.value < 0x20 || $0.properties.generalCategory == .format }) } ?? false)
    }

    @Test func longDigitRunsDoNotTrap() {
        let long = String(repeating: "9", count: 40)
        for text in ["\(long).01.2026", "01.\(long).2026", "01.12.\(long)", "\(long):30", "\(long) \(long)",
                     String(repeating: "1.", count: 1_000), String(repeating: "@a ", count: 500)] {
            _ = PrivacyGuard.check(text)
            _ = PrivacyGuard.echo(text)
        }
    }

    @Test func controlDefinitionIsShared() {
        for v: UInt32 in [0x00, 0x09, 0x0A, 0x1B, 0x7F, 0x85, 0x9B, 0xAD, 0x200B, 0x200D, 0x200E, 0x202E, 0x2066, 0x2028, 0xFEFF, 0xE0041] {
            #expect(PrivacyGuard.isControlOrInvisible(Unicode.Scalar(v)!), "\(v)")
        }
        for c in "aЖқ7 .-🙂" { #expect(!c.unicodeScalars.contains(where: PrivacyGuard.isControlOrInvisible), "\(c)") }
    }

    @Test func ordinaryUnicodeIsNotAControlCharacter() {
        for text in ["Қазақстан, Әлия, Ұлан", "café", "cafe\u{0301}", "ёлка", "🙂 10 шт", "№ 5", "«стандарт» — 2 шт"] {
            #expect(PrivacyGuard.check(text) == nil, "\(text)")
        }
    }

    @Test func echoMasksOnlyIdentifiers() {
        #expect(PrivacyGuard.echo("900101300017") == "90••••••••17")
        #expect(PrivacyGuard.echo("+7 701 123 45 67") == "77•••••••67")
        #expect(PrivacyGuard.echo("MAIV285") == "MAIV285")
        #expect(PrivacyGuard.echo("2026-11") == "2026-11")
        #expect(!PrivacyGuard.echo("aigul@mail.kz").contains("aigul"))
    }

    @Test func userNamesDifferingOnlyByInvisibleCharactersAreTheSame() {
        let key = PrivacyGuard.nameKey("aigul")
        for variant in ["ai\u{200D}gul", "aigul\u{200B}", "ａｉｇｕｌ", "AIGUL", "ai\u{00AD}gul"] {
            #expect(PrivacyGuard.nameKey(variant) == key, "\(variant.debugDescription)")
        }
        #expect(PrivacyGuard.nameKey("aigül") != key)   // a different letter is a different name
        #expect(!Validator.isValidUserName("ai\u{200D}gul"))
        #expect(!Validator.isValidUserName("aigul\u{202E}"))
        #expect(Validator.isValidUserName("aigul"))
        #expect(Validator.isValidUserName("Әлия.К"))
        #expect(Validator.isValidUserName("и\u{0306}ошкар"))   // й typed as и + breve: composes to one letter
    }

    @Test func everyKindHasAMessageInEveryLanguage() {
        let s = Fixtures.configuration.strings
        for kind in PrivacyGuard.Kind.allCases {
            let m = PrivacyGuard.Finding(kind: kind, masked: "85••••••••24").message
            for lang in Language.allCases {
                #expect(s.tables[lang]?[m.key] != nil, "\(m.key) \(lang)")
                #expect(m.text(s, lang).contains("85••••••••24"), "\(m.key) \(lang)")
            }
        }
    }

    @Test func syncImportRechecksUserNames() {
        let e = Event(id: EventID(high: 1, low: 1), at: 1, author: "a", device: DeviceID(0), site: "s",
                      body: .userAdded(name: "ai\u{202E}gul", role: .worker))
        #expect(e.freeTexts.contains("ai\u{202E}gul"))
    }
}
