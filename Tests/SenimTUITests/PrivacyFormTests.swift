import Foundation
import SenimCore
import Testing
@testable import SenimTUI

/// The privacy guard in TUI forms: an identifier or an invisible character in a user name or a
/// referral note keeps the form open with the guard's reason, and the value is never shown in full.
@Suite struct PrivacyFormTests {
    @Test func userNameThatIsAnIINOrHidesACharacterIsRefused() {
        var d = Driver()
        d.login("bolat")
        d.press(.function(7))
        for (name, key) in [("900101300017", "privacy.iin"), ("ti\u{200D}mur", "privacy.control")] {
            d.press(.function(2)); d.type(name); d.press([.tab, .tab]); d.type("timur-pass"); d.press(.tab)
            d.type("timur-pass"); d.press(.function(2))
            guard case .form(let f)? = d.model.dialog else { Issue.record("form closed for \(name)"); return }
            #expect(f.error?.key == key, "\(name.debugDescription)")
            #expect(f.error.map { !$0.args.joined().contains("900101300017") } ?? false)
            d.press(.escape)
        }
        #expect(!d.model.users.accounts.map(\.name).contains { PrivacyGuard.nameKey($0) == "timur" || $0.contains("9001") })
    }

    @Test func referralNoteWithAHandleIsRefused() {
        var d = Driver()
        d.login()
        d.press(.function(4))
        let first = Screens.referralList(d.model).first!
        let before = d.ledger.referrals[first.id]!.history.count
        d.press([.function(2), .right, .tab])
        d.type("пиши ей в телеграм @aigul_88")
        d.press(.function(2))
        guard case .form(let f)? = d.model.dialog else { Issue.record("form closed"); return }
        #expect(f.error?.key == "privacy.handle")
        #expect(d.ledger.referrals[first.id]!.history.count == before)
    }
}
