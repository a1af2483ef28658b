import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

/// Referrals, stock, users, reports: each action through keys, checked in the store.
@Suite struct ScreenFlowTests {
    @Test func referralStatusUpdateIsSaved() {
        var d = Driver()
        d.login()
        d.press(.function(4))
        let first = Screens.referralList(d.model).first!
        d.press([.function(2), .right])          // the status after the preselected one
        guard case .form(let f)? = d.model.dialog else { Issue.record("no form"); return }
        let chosen = ReferralStatus(rawValue: f.value("status"))!
        #expect(chosen != first.status)
        d.press(.tab)
        d.type("went together")
        d.press(.function(2))
        let r = d.ledger.referrals[first.id]!
        #expect(r.status == chosen)
        #expect(r.history.last?.note == "went together")
        #expect(d.model.dialog == nil)
    }

    @Test func referralNoteIsPrivacyChecked() {
        var d = Driver()
        d.login()
        d.press([.function(4), .function(2), .tab])
        d.type("tel 87011234567")
        let before = d.store.events.count
        d.press(.function(2))
        guard case .form(let f)? = d.model.dialog else { Issue.record("form closed"); return }
        #expect(f.error?.key == "privacy.phone")
        #expect(d.store.events.count == before)
    }

    @Test func conflictIsMarkedInListAndDetail() {
        var d = Driver()
        d.login()
        d.press([.function(4), .char("f")])      // open → all
        let list = Screens.referralList(d.model)
        let i = list.firstIndex { $0.conflict }!
        #expect(d.screen.split(separator: "\n").contains { $0.contains(list[i].id.short) && $0.contains("⚠") })
        d.press(Array(repeating: Key.down, count: i) + [.enter])
        #expect(d.screen.contains("Conflict: two changes were made"))
    }

    @Test func onlyPsychologistsSeeConfidentialNotes() {
        func detail(_ user: String) -> (String, Driver) {
            var d = Driver()
            d.login(user)
            d.press(.function(4))
            let list = Screens.referralList(d.model)
            let i = list.firstIndex { !$0.confidentialNotes.isEmpty }!
            d.press(Array(repeating: Key.down, count: i) + [.enter])
            return (d.screen, d)
        }
        let (psy, pd) = detail("dana")
        #expect(psy.contains("Client wants weekly sessions"))
        #expect(pd.effects.contains { if case .openNotes = $0 { true } else { false } })
        for user in ["aigerim", "bolat"] {
            let (text, d) = detail(user)
            #expect(!text.contains("weekly sessions"))
            #expect(!text.contains("Confidential"), "others do not even see that notes exist")
            #expect(!d.effects.contains { if case .openNotes = $0 { true } else { false } })
            #expect(KeyMap.bindings(.referrals, role: d.model.role).allSatisfy { $0.command != .addNote })
        }
    }

    @Test func psychologistWritesASealedNote() {
        var d = Driver()
        d.login("dana")
        d.press([.function(4), .enter, .function(3)])
        d.type("Prefers evening sessions")
        d.press(.enter)
        guard case .referralNoteAdded(let n)? = d.store.events.last?.body else { Issue.record("no note"); return }
        #expect(!String(decoding: n.sealed, as: UTF8.self).contains("evening"), "only sealed bytes are stored")
        #expect(d.screen.contains("Prefers evening sessions"), "re-opened after saving")
    }

    @Test func newReferralFromTheClientCard() {
        var d = Driver()
        d.login()
        d.press([.function(3), .char("/")] + Key.typing("ZAKA") + [.enter, .enter, .function(3)])
        guard case .form(let f)? = d.model.dialog else { Issue.record("no form"); return }
        #expect(f.value("client") == "ZAKA192")
        d.press([.right, .right, .function(2)])  // third service
        let r = d.ledger.referralList.last!
        #expect(r.client.code == "ZAKA192")
        #expect(r.service == Fixture.configuration.catalogue.services[2].id)
        #expect(r.due == d.model.today + 7)
    }

    @Test func coordinatorReceivesStockWithExpiry() {
        var d = Driver()
        d.login("bolat")
        let site = SampleData.mainPoint
        let before = d.ledger.level(site: site, item: "naloxone")!.level
        let pos = Fixture.configuration.catalogue.itemPosition("naloxone")!
        d.press([.function(5)] + Array(repeating: Key.down, count: pos) + [.function(2), .tab])
        d.type("40")
        d.press([.tab, .tab])
        d.type("2026-13-01")
        d.press(.function(2))                           // (Enter goes on to the "When" field)
        guard case .form(let f)? = d.model.dialog else { Issue.record("form closed"); return }
        #expect(f.error?.key == "tui.form.badDate")
        d.press(Array(repeating: Key.backspace, count: 10))
        d.type("2027-01-31")
        d.press([.enter, .enter])                       // past "When" (now), then save
        let lvl = d.ledger.level(site: site, item: "naloxone")!
        #expect(lvl.level == before + 40)
        #expect(lvl.lots.contains { $0.expires == Clock.dayNumber(year: 2027, month: 1, day: 31) && $0.remaining == 40 })
    }

    @Test func workersHaveNoStockCorrectionsButConfirmArrivals() {
        var d = Driver()
        d.login()
        d.press([.function(5), .function(2)])
        #expect(d.model.dialog == nil)
        #expect(KeyMap.bar(KeyMap.bindings(.stock, role: .worker)).map(\.1).contains(.arrived))
        let before = d.ledger.level(site: SampleData.mainPoint, item: "naloxone")!.level
        d.press(.function(6))
        #expect(d.ledger.level(site: SampleData.mainPoint, item: "naloxone")!.level == before + 10)
        #expect(d.ledger.transfersInTransit.allSatisfy { d.ledger.sites[$0.to] != SampleData.mainPoint })
        d.press(.function(6))
        #expect(d.model.status?.message.key == "tui.stock.noArrivals")
    }

    @Test func transferAndWriteOffAndStocktake() {
        var d = Driver()
        d.login("bolat")
        let l0 = d.ledger.level(site: SampleData.mainPoint, item: "syringe-1ml")!.level
        d.press([.function(5), .function(3), .tab]); d.type("100"); d.press(.function(2))
        #expect(d.ledger.level(site: SampleData.mainPoint, item: "syringe-1ml")!.level == l0 - 100)
        #expect(d.ledger.transfersInTransit.contains { d.ledger.items[$0.item] == "syringe-1ml" && $0.quantity == 100 })
        d.press([.function(4), .tab]); d.type("7"); d.press([.tab, .right, .function(2)])   // damaged
        #expect(d.ledger.level(site: SampleData.mainPoint, item: "syringe-1ml")!.level == l0 - 107)
        d.press([.function(5)]); d.type("500"); d.press(.function(2))   // the stocktake sheet opens on the selected item
        #expect(d.ledger.level(site: SampleData.mainPoint, item: "syringe-1ml")!.level == 500)
        // Absurd quantities are refused with the validator's message.
        d.press([.function(2), .tab]); d.type("999999999"); d.press(.function(2))
        guard case .form(let f)? = d.model.dialog else { Issue.record("form closed"); return }
        #expect(f.error?.key == "validate.quantity.absurd")
    }

    @Test func usersAddAndRemoveWithConfirmation() {
        var d = Driver()
        d.login("bolat")
        d.press(.function(7))
        #expect(d.model.users.accounts.map(\.name) == ["aigerim", "bolat", "dana"])
        d.press(.function(2)); d.type("timur"); d.press([.tab, .tab]); d.type("short"); d.press(.function(2))
        guard case .form(let f)? = d.model.dialog else { Issue.record("form closed"); return }
        #expect(f.error?.key == "tui.users.passShort")
        d.press(Array(repeating: Key.backspace, count: 5)); d.type("timur-pass"); d.press(.tab); d.type("timur-pass"); d.press(.enter)
        #expect(d.model.users.accounts.map(\.name).contains("timur"))
        #expect(d.ledger.users["timur"] == .worker)
        // Removing: the question starts on No.
        let i = d.model.users.accounts.firstIndex { $0.name == "timur" }!
        d.press([.home] + Array(repeating: Key.down, count: i) + [.delete])
        d.press(.enter)
        #expect(d.model.users.accounts.map(\.name).contains("timur"))
        d.press([.function(8), .char("y")])
        #expect(!d.model.users.accounts.map(\.name).contains("timur"))
        d.press(.char("n"))   // the re-key offered next is RekeyFlowTests' business
        // Removing yourself is refused.
        let me = d.model.users.accounts.firstIndex { $0.name == "bolat" }!
        d.press([.home] + Array(repeating: Key.down, count: me) + [.function(8)])
        #expect(d.model.dialog == nil && d.model.status?.message.key == "tui.users.removeSelf")
    }

    @Test func onlyCoordinatorsReachUsers() {
        var d = Driver()
        d.login()
        d.press(.char("u"))
        #expect(d.model.screen == .home)
        d.press(.function(7))
        #expect(d.model.screen == .home)
    }

    @Test func changeOwnPassphrase() throws {
        var d = Driver()
        d.login()
        d.press([.function(8), .function(3)]); d.type("aigerim-pass"); d.press(.tab)
        d.type("new-passphrase"); d.press(.tab); d.type("new-passphrase"); d.press(.enter)
        #expect(d.model.status?.message.key == "tui.users.passChanged")
        _ = try d.store.open(user: "aigerim", passphrase: "new-passphrase")
    }

    @Test func reportsUseTheIndicatorEngineWithPeriodsScopesAndExport() throws {
        var d = Driver()
        d.login("bolat")
        d.press(.function(6))
        #expect(d.screen.contains("Period 2026-05 (month) · all points"))
        #expect(d.screen.contains("Exact figures"))
        let report = try #require(ReportScreen.report(d.model))
        #expect(!report.suppressed)
        let may = Clock.month(containing: d.model.today, monthsBack: 0)
        let from = Clock.start(of: may.start, Fixture.utcOffset)
        #expect(report.value("contacts") == Double(d.ledger.contacts.filter { $0.at >= from }.count))
        // Export: CSV with small cells suppressed, exactly what the report engine renders.
        d.press([.function(2), .function(2)])
        let (name, content) = try #require(d.exports.last)
        #expect(name == "senim-2026-05-all.csv")
        let expected = try Reports.render(report, format: .csv, suppress: true, configuration: Fixture.configuration, language: .en)
        #expect(content == expected)
        #expect(d.model.status?.message.key.hasPrefix("tui.reports.exported") ?? false)
        // Periods: back a month, then a quarter, then typed.
        d.press(.left)
        #expect(d.screen.contains("Period 2026-04 (month)"))
        d.press(.function(3))
        #expect(d.screen.contains("(quarter)"))
        d.press([.function(4), .ctrl("u")]); d.type("2026W20"); d.press(.enter)
        #expect(d.screen.contains("Period 2026-W20"))
        d.press([.function(4), .ctrl("u")]); d.type("someday"); d.press(.enter)
        guard case .form(let f)? = d.model.dialog else { Issue.record("bad period accepted"); return }
        #expect(f.error?.key == "report.period.invalid")
        d.press(.escape)
        // Scope: all points, then each point.
        d.press(.function(8))
        #expect(ReportScreen.scope(d.model) == Fixture.configuration.points.points[0].id)
        // Workers see their own point with small counts hidden, and cannot export.
        var w = Driver()
        w.login()
        w.press(.function(6))
        let wr = try #require(ReportScreen.report(w.model))
        #expect(wr.suppressed && wr.point == SampleData.mainPoint)
        #expect(w.screen.contains("are hidden"))
        w.press(.function(2))
        #expect(w.exports.isEmpty && w.model.dialog == nil)
    }
}
