import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

/// The contact form's details (`d`): an overdose's kind and who came, a rapid test's result and
/// the confirmatory referral it proposes, and the profile asked in the code-builder flow.
@Suite struct ContactDetailFlowTests {
    /// A returning client on the contact form, items section.
    static func start(_ d: inout Driver) {
        d.login()
        d.press([.function(2)] + Key.typing("MAIV") + [.enter])
    }

    @Test func anOverdoseRecordsItsKindAndWhoCame() {
        var d = Driver()
        Self.start(&d)
        // Tab Tab: services → overdose; → picks the first outcome; d opens the details.
        d.press([.tab, .tab, .right, .char("d")])
        guard case .form(let f)? = d.model.dialog, f.kind == .overdoseDetail else { Issue.record("no overdose form"); return }
        // Kind: not recorded → opioid → stimulant; ambulance called: no; refused: yes; police: yes.
        d.press([.right, .right, .tab, .tab, .right, .tab, .right, .function(2)])
        #expect(d.model.dialog == nil)
        #expect(d.model.contact.overdoseKind == OverdoseKind.allCases.firstIndex(of: .stimulant))
        #expect(d.model.contact.responders == [false, true, true])
        #expect(d.screen.contains("stimulant · amb. refused · police"))
        let before = d.ledger.contacts.count
        d.press(.function(2))
        #expect(d.ledger.contacts.count == before + 1)
        let c = d.ledger.contactContent(d.ledger.contacts.count - 1)!
        #expect(c.overdose == Fixture.configuration.catalogue.overdoseOutcomes[0].id)
        #expect(c.detail == ContactDetail(overdoseKind: .stimulant, responders: [.ambulanceRefused, .policeCame]))
        // The client card's timeline shows them (newest contact first).
        d.press([.escape, .function(3), .char("/")] + Key.typing("MAIV") + [.enter, .enter])
        #expect(d.screen.contains("⚑ stimulant · amb. refused · police"))
    }

    /// Editing a contact from the client card starts from its details: saving it unchanged is
    /// refused as unchanged (not recorded as a correction that drops them).
    @Test func editingKeepsTheDetails() {
        var d = Driver()
        Self.start(&d)
        d.press([.tab, .char(" "), .char("d"), .right, .right, .right, .function(2)])          // HIV test invalid
        d.press([.tab, .right, .char("d"), .right, .tab, .tab, .tab, .right, .function(2), .function(2)])
        let saved = d.ledger.contactContent(d.ledger.contacts.count - 1)!
        #expect(saved.detail == ContactDetail(overdoseKind: .opioid, responders: [.policeCame],
                                              results: [ServiceResult(service: "hiv-test", result: .invalid)]))
        CorrectionFlowTests.openCard(&d)
        d.press(.char("e"))
        #expect(d.model.contact.correcting != nil)
        #expect(d.model.contact.detail(Fixture.configuration.catalogue) == saved.detail)
        d.press(.function(2))
        #expect(d.model.status?.message.key == "validate.amend.unchanged")
    }

    @Test func detailsNeedAnOutcomeOrATickedTest() {
        var d = Driver()
        Self.start(&d)
        d.press([.tab, .tab, .char("d")])                       // overdose line, no outcome
        #expect(d.model.dialog == nil)
        #expect(d.model.status?.message.key == "tui.contact.detailHint")
        d.press([.backTab, .char("d")])                         // HIV test not ticked
        #expect(d.model.dialog == nil)
        let tb = Fixture.configuration.catalogue.services.firstIndex { $0.id == "tb-screening" }!
        d.press(Array(repeating: Key.down, count: tb) + [.char(" "), .char("d")])   // ticked, not a rapid test
        #expect(d.model.dialog == nil)
        // An outcome cleared again drops its kind from what is saved.
        d.press([.tab, .right, .char("d"), .right, .function(2), .left])
        #expect(d.model.contact.overdose == -1)
        #expect(d.model.contact.detail(Fixture.configuration.catalogue).isEmpty)
    }

    @Test func aReactiveTestOpensTheConfirmatoryReferral() {
        var d = Driver()
        Self.start(&d)
        let referrals = d.ledger.referralOrder.count
        // Services: HIV test (first) ticked, d, result → non-reactive → reactive, F2.
        d.press([.tab, .char(" "), .char("d")])
        guard case .form(let f)? = d.model.dialog, f.kind == .testResult(0) else { Issue.record("no result form"); return }
        d.press([.right, .right, .function(2)])
        #expect(d.screen.contains("HIV test: reactive"))
        d.press(.function(2))                                   // save the contact
        let c = d.ledger.contactContent(d.ledger.contacts.count - 1)!
        #expect(c.detail.results == [ServiceResult(service: "hiv-test", result: .reactive)])
        // The referral form is open on the same client and service.
        guard case .form(let r)? = d.model.dialog, r.kind == .issueReferral else { Issue.record("no referral form"); return }
        #expect(r.value("client") == SampleData.returningClient)
        #expect(r.value("service") == "hiv-test")
        #expect(r.title == "tui.form.confirmatory.title")
        d.press(.function(2))
        #expect(d.model.dialog == nil)
        #expect(d.ledger.referralOrder.count == referrals + 1)
        #expect(d.ledger.referrals[d.ledger.referralOrder.last!]?.service == "hiv-test")
        d.press([.escape, .function(3), .char("/")] + Key.typing("MAIV") + [.enter, .enter])
        #expect(d.screen.contains("HIV test: reactive"))
    }

    @Test func aNonReactiveTestOpensNothingAndEscSkipsTheReferral() {
        var d = Driver()
        Self.start(&d)
        d.press([.tab, .char(" "), .char("d"), .right, .function(2), .function(2)])
        #expect(d.model.dialog == nil)
        #expect(d.ledger.contactContent(d.ledger.contacts.count - 1)?.detail.results.first?.result == .nonReactive)
        let referrals = d.ledger.referralOrder.count
        d.press([.function(2)] + Key.typing("MAIV") + [.enter, .tab, .char(" "), .char("d"), .right, .right, .function(2), .function(2)])
        #expect(d.model.dialog != nil)
        d.press(.escape)
        #expect(d.model.dialog == nil && d.ledger.referralOrder.count == referrals)
    }

    @Test func theCodeBuilderAsksANewClientsProfile() {
        var d = Driver()
        d.login()
        d.press([.function(2), .function(3)] + Key.typing("Anna") + [.tab] + Key.typing("Ivan") + [.tab]
                + Key.typing("f") + [.tab] + Key.typing("1990") + [.enter, .char("y")])
        guard case .form(let f)? = d.model.dialog, case .newClientProfile(let u) = f.kind else { Issue.record("no profile form"); return }
        #expect(u.code == "ANIV290")
        // Routes: injecting, smoking (yes); substances: opioids, stimulants (yes).
        d.press([.tab, .right, .tab, .tab, .tab, .tab, .right, .function(2)])
        #expect(d.model.dialog == nil)
        #expect(d.model.status?.message.key == "tui.profile.pending")
        d.press([.char("1"), .enter])
        #expect(d.ledger.client(u) != nil)
        let p = d.ledger.profile(of: u)
        #expect(p?.routes == [.smoking])
        #expect(p?.substances == [.stimulants])
        // Saved at the contact's time: the contact counts as not injecting.
        #expect(p?.injects == false)
    }
}
