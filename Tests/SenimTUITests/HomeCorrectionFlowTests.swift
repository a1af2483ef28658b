import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

/// Fixing a mistake from Home's list of today's contacts (Tab focuses it): e edits the picked
/// contact in the contact form, x voids it; both ask why (mistake, duplicate entry, wrong client,
/// test entry, other) with an optional note. Saving goes back to Home.
@Suite struct HomeCorrectionFlowTests {
    /// Logs a contact with `n` Syringe 1 ml and returns to Home with today's contacts focused on it.
    static func logAndFocus(_ d: inout Driver, syringes n: Int) {
        CorrectionFlowTests.logContact(&d, syringes: n)
        if case .confirm? = d.model.dialog { d.press(.char("y")) }   // above the usual maximum
        d.press(.function(9))
        d.press(.tab)                                                // today's contacts, newest first
    }

    static func syringes(_ d: Driver, _ id: EventID) -> Int32? {
        d.ledger.contactIndex(id).flatMap { d.ledger.lines(of: d.ledger.contacts[$0]).first { d.ledger.items[$0.item] == "syringe-1ml" }?.quantity }
    }

    /// "Today: 2026-05-20 · N contacts, …" as the Home heading shows it.
    static func todayCount(_ d: Driver) -> Int {
        Queries.contacts(d.ledger, site: d.model.session!.point, day: d.model.today, utcOffset: d.model.utcOffset).count
    }

    @Test func correctingHundredToTenFromHomeWithAReasonAndANote() throws {
        var d = Driver()
        d.login()
        Self.logAndFocus(&d, syringes: 100)
        let id = try #require(d.ledger.contacts.last?.id)
        #expect(d.model.home.focus == .contacts && d.screen.contains("Syringe 1 ml 100"))
        #expect(d.screen.contains("e edit · x void"))
        d.press(.char("e"))
        #expect(d.model.screen == .contact && d.model.contact.correcting == id && d.model.contact.quantities[0] == 100)
        d.press(Array(repeating: Key.pageDown, count: 9))
        d.press(.function(2))
        guard case .form(let f)? = d.model.dialog, f.kind == .correctionReason else { Issue.record("no reason form"); return }
        #expect(d.screen.contains("Why is it corrected?") && d.screen.contains("‹ Mistake ›"))
        d.press([.right, .right])                       // wrong client
        d.press(.tab)
        d.type("typed 100 for 10")
        d.press(.function(2))
        #expect(d.model.status?.message.key == "tui.amend.corrected", "\(String(describing: d.model.status))")
        #expect(d.model.screen == .home)
        #expect(Self.syringes(d, id) == 10)
        let change = try #require(d.ledger.history(of: id)?.changes.first)
        #expect(change.reason == .wrongClient && change.note == "typed 100 for 10" && change.author == "aigerim")
        #expect(d.screen.contains("Syringe 1 ml 10") && !d.screen.contains("Syringe 1 ml 100"), "\(d.screen)")
        #expect(d.model.contact.correcting == nil)
    }

    /// The shortest way: ↓↑ picks the item, so the digits type its quantity afresh.
    @Test func hundredToTenInEightKeys() throws {
        var d = Driver()
        d.login()
        Self.logAndFocus(&d, syringes: 100)
        let id = try #require(d.ledger.contacts.last?.id)
        let keys: [Key] = [.char("e"), .down, .up, .char("1"), .char("0"), .function(2), .function(2)]
        d.press(keys)                                   // + the Tab that focused the list: 8 keys
        #expect(Self.syringes(d, id) == 10 && d.model.screen == .home)
    }

    @Test func voidingFromHomeStartsOnNoAndTakesTheContactOutOfToday() throws {
        var d = Driver()
        d.login()
        Self.logAndFocus(&d, syringes: 7)
        let id = try #require(d.ledger.contacts.last?.id)
        let before = Self.todayCount(d)
        d.press(.char("x"))
        guard case .form(let f)? = d.model.dialog, case .void(id) = f.kind else { Issue.record("no void form"); return }
        d.press([.right, .right, .right])               // test entry
        d.press(.function(2))
        guard case .confirm(let c)? = d.model.dialog, !c.yesFocused else { Issue.record("no confirmation on No"); return }
        #expect(d.screen.contains("Reason: Test entry"))
        d.press(.enter)                                 // No
        #expect(d.ledger.contactIndex(id) != nil && Self.todayCount(d) == before)
        d.press(.delete)                                // Delete works like x
        d.press([.right, .right, .right, .function(2), .char("y")])
        #expect(d.model.status?.message.key == "tui.amend.voided")
        #expect(d.ledger.contactIndex(id) == nil && Self.todayCount(d) == before - 1)
        #expect(d.ledger.history(of: id)?.changes.first?.reason == .test)
        #expect(d.screen.contains(": \(before - 1) contacts"), "\(d.screen)")
    }

    @Test func editAndVoidNeedAPickedContactOfToday() {
        var d = Driver()
        d.login()
        d.press(.char("e"))
        #expect(d.model.screen == .home && d.model.status?.message.key == "tui.amend.pickToday")
        d.press(.char("x"))
        #expect(d.model.dialog == nil && d.model.status?.message.key == "tui.amend.pickToday")
        d.press([.tab, .tab])                           // referrals due: not contacts
        d.press(.char("e"))
        #expect(d.model.screen == .home && d.model.status?.message.key == "tui.amend.pickToday")
    }

    @Test func leavingAnEditWithEscChangesNothingAndTheNextContactIsNew() throws {
        var d = Driver()
        d.login()
        Self.logAndFocus(&d, syringes: 3)
        let id = try #require(d.ledger.contacts.last?.id)
        let events = d.ledger.eventCount
        d.press(.char("e"))
        d.press(.char("+"))
        d.press(.escape)
        #expect(d.model.screen == .home && d.model.status?.message.key == "tui.amend.editLeft")
        #expect(d.model.contact.correcting == nil && !d.model.contact.isDirty)
        #expect(d.ledger.eventCount == events && Self.syringes(d, id) == 3)
        d.press(.char("n"))
        #expect(d.model.screen == .contact && d.model.contact.code.isEmpty && d.model.contact.correcting == nil)
    }

    @Test func aCorrectedContactTypeDoesNotStickToTheNextContact() throws {
        var d = Driver()
        d.login()
        Self.logAndFocus(&d, syringes: 2)
        let id = try #require(d.ledger.contacts.last?.id)
        let usual = d.model.contact.type
        d.press(.char("e"))
        d.press([.tab, .tab, .tab, .char("+")])         // items → services → overdose → type, next type
        #expect(d.model.contact.section == .type && d.model.contact.type != usual)
        d.press([.function(2), .function(2)])
        let i = try #require(d.ledger.contactIndex(id))
        #expect(d.ledger.contactTypes[d.ledger.contacts[i].type] != Fixture.configuration.catalogue.contactTypes[usual].id)
        d.press(.char("n"))
        #expect(d.model.contact.type == usual && d.model.contact.correcting == nil)
    }

    @Test func anUnchangedCorrectionIsRefusedBeforeAskingWhy() throws {
        var d = Driver()
        d.login()
        Self.logAndFocus(&d, syringes: 4)
        d.press(.char("e"))
        d.press(.function(2))
        #expect(d.model.dialog == nil)
        #expect(d.model.status?.kind == .error && d.model.status?.message.key == "validate.amend.unchanged")
    }

    @Test func theReasonNoteGoesThroughThePrivacyGuardAndEscKeepsTheEdit() throws {
        var d = Driver()
        d.login()
        Self.logAndFocus(&d, syringes: 4)
        let id = try #require(d.ledger.contacts.last?.id)
        d.press(.char("e"))
        d.press(.char("+"))
        d.press(.function(2))
        d.press(.tab)
        d.type("ИИН 900101300126")
        d.press(.function(2))
        guard case .form(let f)? = d.model.dialog, f.kind == .correctionReason, f.error != nil else { Issue.record("note not refused"); return }
        #expect(d.ledger.history(of: id) == nil)
        d.press(.escape)                                // back in the contact form, still editing
        #expect(d.model.dialog == nil && d.model.screen == .contact && d.model.contact.correcting == id)
        d.press([.function(2), .function(2)])
        #expect(Self.syringes(d, id) == 5 && d.ledger.history(of: id)?.changes.first?.reason == .mistake)
    }

    @Test func anotherWorkersContactOnHomeIsRefusedWithTheReason() throws {
        // bolat (coordinator) logs a contact; aigerim (worker) may not edit it.
        let store = Fixture.store()
        var b = Driver(user: "bolat", store: store)
        b.login("bolat")
        CorrectionFlowTests.logContact(&b, syringes: 2)
        let id = try #require(b.ledger.contacts.last?.id)
        var d = Driver(store: store)
        d.login()
        d.press(.tab)
        let list = Queries.contacts(d.ledger, site: d.model.session!.point, day: d.model.today, utcOffset: d.model.utcOffset)
        let n = try #require(list.firstIndex { d.ledger.contacts[$0].id == id })
        d.press(Array(repeating: Key.down, count: n))
        d.press(.char("e"))
        #expect(d.model.screen == .home && d.model.status?.kind == .error)
        d.press(.char("x"))
        #expect(d.model.dialog == nil && d.model.status?.kind == .error)
    }
}
