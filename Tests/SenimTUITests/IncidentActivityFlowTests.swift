import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

/// The rights-violation and group-activity forms on the home screen.
@Suite struct IncidentActivityFlowTests {
    @Test func anIncidentTakesAtMostTenKeys() {
        var d = Driver()
        d.login()
        let before = d.ledger.incidents.count
        // i opens the form, → twice picks "detention", F2 saves: 4 keys.
        let keys: [Key] = [.char("i"), .right, .right, .function(2)]
        #expect(keys.count <= 10)
        d.press(keys)
        #expect(d.model.dialog == nil)
        #expect(d.ledger.incidents.count == before + 1)
        let i = d.ledger.incidents.last!
        #expect(i.kind == .detention)
        #expect(i.client == nil)
        #expect(d.ledger.sites[i.site] == SampleData.mainPoint)
        #expect(d.model.status?.message.key == "tui.incident.saved")
    }

    @Test func anIncidentCanNameAKnownCodeAndIsPrivacyChecked() {
        var d = Driver()
        d.login()
        d.press([.char("i"), .tab])
        d.type("ZZZZ199")
        d.press(.function(2))
        guard case .form(let f)? = d.model.dialog else { Issue.record("form closed"); return }
        #expect(f.error?.key == "validate.uic.unknown")
        let known = d.ledger.clients[0].uic.code
        d.press(Array(repeating: Key.backspace, count: 7))
        d.type(known)
        d.press(.tab)
        d.type("ИИН 900101300126")
        d.press(.function(2))
        guard case .form(let g)? = d.model.dialog else { Issue.record("form closed"); return }
        #expect(g.error?.key.hasPrefix("privacy.") == true)
        d.press(Array(repeating: Key.backspace, count: 16))
        d.type("near the market")
        d.press(.function(2))
        #expect(d.model.dialog == nil)
        #expect(d.ledger.incidents.last?.client.map { d.ledger.clients[Int($0)].uic.code } == known)
        #expect(d.ledger.incidents.last?.note == "near the market")
    }

    @Test func anActivityNeedsItsParticipants() {
        var d = Driver()
        d.login()
        d.press([.char("t"), .right, .function(2)])
        guard case .form(let f)? = d.model.dialog else { Issue.record("form closed"); return }
        #expect(f.error?.key == "tui.form.needParticipants")
        d.type("12")
        d.press(.function(2))
        #expect(d.model.dialog == nil)
        let a = d.ledger.activities.last!
        #expect(a.kind == .training)
        #expect(a.participants == 12)
        // Escape cancels without saving.
        d.press([.char("t"), .tab])
        d.type("5")
        d.press(.escape)
        #expect(d.ledger.activities.count == 1)
    }

    @Test func theHomeMenuListsBothForms() {
        var d = Driver()
        d.login()
        #expect(d.screen.contains("Record a rights violation"))
        #expect(d.screen.contains("Record a group activity"))
    }
}

/// The client profile form on the clients screen (F5).
@Suite struct ProfileFormFlowTests {
    @Test func routesAndOATAreSetFromTheClientCard() {
        var d = Driver()
        d.login()
        d.press([.function(3), .enter])
        guard let u = d.model.clients.card else { Issue.record("no card open"); return }
        #expect(d.ledger.profile(of: u) == nil)
        #expect(d.screen.contains("counts as injecting"))
        // F5, Tab to "smoking", → yes; Tab ×7 to OAT, → yes; F2.
        d.press([.function(5), .tab, .right] + Array(repeating: Key.tab, count: 7) + [.right, .function(2)])
        #expect(d.model.dialog == nil)
        let p = d.ledger.profile(of: u)
        #expect(p?.routes == [.smoking])
        #expect(p?.oat == .yes)
        #expect(p?.injects == false)
        #expect(d.model.status?.message.key == "tui.profile.saved")
        // The form opens with the profile as it is now.
        d.press(.function(5))
        guard case .form(let f)? = d.model.dialog else { Issue.record("no form"); return }
        #expect(f.value("route.smoking") == "yes")
        #expect(f.value("route.injecting") == "no")
        #expect(f.value("oat") == "yes")
    }
}
