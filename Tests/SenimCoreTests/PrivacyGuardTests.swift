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
        guard case .iin(let masked) = PrivacyGuard.check(text) else {
            Issue.record("not refused: \(text)"); return
        }
        #expect(masked == "85••••••••24")
        #expect(!masked.contains("0101"))
    }

    @Test func twelveDigitNumbersWithAWrongCheckDigitAreAllowed() {
        #expect(PrivacyGuard.check("lot 850101300125 arrived") == nil)
        #expect(PrivacyGuard.check("box 123456789012") == nil || IIN.isValid("123456789012"))
    }

    @Test(arguments: [
        "+7 701 123 45 67", "8 (701) 123-45-67", "87011234567", "77011234567", "7011234567",
        "call +7 (727) 250-00-00", "тел. 8 777 000 11 22",
    ])
    func phonesAreRefused(text: String) {
        guard case .phone = PrivacyGuard.check(text) else { Issue.record("not refused: \(text)"); return }
    }

    @Test(arguments: ["ivan.petrov@mail.kz", "write to a_b+c@gmail.com please", "почта: иван@пример.рф"])
    func emailsAreRefused(text: String) {
        guard case .email = PrivacyGuard.check(text) else { Issue.record("not refused: \(text)"); return }
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
}
