import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

/// Fixing mistakes in the TUI: edit a contact from the client card (the form comes prefilled;
/// saving records a correction), void one (reason, then a confirmation that starts on No),
/// and the confirmation above an item's usual maximum.
@Suite struct CorrectionFlowTests {
    /// Logs a contact of the returning client with `n` of the first item (Syringe 1 ml).
    static func logContact(_ d: inout Driver, syringes n: Int) {
        d.press(.function(2))
        d.type("MAIV")
        d.press(.enter)
        d.press(Array(repeating: Key.pageUp, count: n / 10) + Array(repeating: Key.char("+"), count: n % 10))
        d.press(.function(2))
    }

    static func openCard(_ d: inout Driver) {
        d.press(.function(9))
        d.press(.char("c"))
        d.press(.char("/"))
        d.type("MAIV")
        d.press([.enter, .enter])
    }

    @Test func correctingHundredToTenFromTheClientCard() throws {
        var d = Driver()
        d.login()
        Self.logContact(&d, syringes: 100)
        let id = try #require(d.ledger.contacts.last?.id)
        #expect(d.ledger.lines(of: d.ledger.contacts.last!).first?.quantity == 100)
        Self.openCard(&d)
        #expect(d.model.clients.card == UIC(normalised: SampleData.returningClient))
        #expect(d.screen.contains("› "))
        d.press(.char("e"))
        #expect(d.model.screen == .contact && d.model.contact.correcting == id)
        #expect(d.model.contact.quantities[0] == 100)            // prefilled
        d.press(Array(repeating: Key.pageDown, count: 9))
        d.press(.function(2))
        guard case .form(let why)? = d.model.dialog, why.kind == .correctionReason else { Issue.record("no reason form"); return }
        #expect(why.value("reason") == "mistake")        // the default reason
        d.press(.function(2))
        #expect(d.model.status?.message.key == "tui.amend.corrected", "\(String(describing: d.model.status))")
        let i = try #require(d.ledger.contactIndex(id))
        #expect(d.ledger.lines(of: d.ledger.contacts[i]).first?.quantity == 10)
        #expect(d.ledger.history(of: id)?.changes.first?.author == "aigerim")
        #expect(d.model.screen == .clients)
        #expect(d.screen.contains("corrected by aigerim") && d.screen.contains("Syringe 1 ml 100 → 10"), "\(d.screen)")
        #expect(d.model.contact.correcting == nil)
    }

    @Test func voidingAsksWhyThenConfirmsWithNoAsTheDefault() throws {
        var d = Driver()
        d.login()
        Self.logContact(&d, syringes: 5)
        let id = try #require(d.ledger.contacts.last?.id)
        Self.openCard(&d)
        d.press(.char("x"))
        guard case .form(let f)? = d.model.dialog, case .void(id) = f.kind else { Issue.record("no void form"); return }
        d.press(.right)                                 // reason: duplicate entry
        d.press(.function(2))
        guard case .confirm(let c)? = d.model.dialog, !c.yesFocused else { Issue.record("no confirmation on No"); return }
        d.press(.enter)                                 // No
        #expect(d.ledger.contactIndex(id) != nil)
        #expect(d.model.status?.message.key == "tui.amend.void.no")
        d.press(.char("x"))
        d.press(.right)
        d.press(.function(2))
        d.press(.char("y"))
        #expect(d.model.status?.message.key == "tui.amend.voided")
        #expect(d.ledger.contactIndex(id) == nil)
        #expect(d.ledger.history(of: id)?.changes.first?.reason == .duplicate)
    }

    @Test func othersContactsAreNotEditableByAWorker() {
        var d = Driver()
        d.login()
        Self.openCard(&d)
        // Find a contact of the card not made by aigerim (sample data: bolat makes a third).
        let u = UIC(normalised: SampleData.returningClient)
        let list = Array(d.ledger.contacts(of: u).reversed())
        guard let n = list.firstIndex(where: { d.ledger.workers[d.ledger.contacts[$0].worker] != "aigerim" }) else { return }
        d.press(Array(repeating: Key.down, count: n))
        d.press(.char("e"))
        #expect(d.model.screen == .clients)
        #expect(d.model.status?.kind == .error)
        d.press(.char("x"))
        #expect(d.model.dialog == nil)
    }

    @Test func aboveTheUsualMaximumTheTUIAsks() {
        var d = Driver()
        d.login()
        let before = d.ledger.contacts.count
        Self.logContact(&d, syringes: 250)
        guard case .confirm(let c)? = d.model.dialog, c.action == .largeQuantities, !c.yesFocused else {
            Issue.record("no confirmation"); return
        }
        #expect(d.screen.contains("usual maximum of 200"))
        d.press(.enter)                                 // No: back to the items
        #expect(d.ledger.contacts.count == before && d.model.contact.section == .items)
        d.press(.function(2))
        d.press(.char("y"))
        #expect(d.ledger.contacts.count == before + 1)
        #expect(d.ledger.lines(of: d.ledger.contacts.last!).first?.quantity == 250)
    }

    @Test func aCoordinatorVoidsAStockMovement() {
        var d = Driver()
        d.login("bolat")
        d.press(.char("s"))
        d.press(.tab)                                   // movements
        let site = d.model.session!.point
        let first = Queries.movements(d.ledger, site: site).first!
        let level = d.ledger.level(site: site, item: d.ledger.items[first.item])!.level
        d.press(.char("x"))
        d.press(.function(2))
        d.press(.char("y"))
        #expect(!d.ledger.movements.contains { $0.id == first.id })
        #expect(d.ledger.level(site: site, item: d.ledger.items[first.item])!.level == level - first.delta)
    }
}
