import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

/// Stock → Enter: an item's lots with their expiry marks; F4 there writes off the chosen lot.
/// The sample store's naloxone lot NX-2291 expires in 25 days.
@Suite struct LotFlowTests {
    static let site = SampleData.mainPoint

    static func naloxoneLot(_ d: Driver) -> Lot? {
        d.ledger.level(site: site, item: "naloxone")?.lots.first { $0.lot == "NX-2291" }
    }

    @Test func enterShowsTheLotsWithTheirMarksAndEscGoesBack() throws {
        var d = Driver()
        d.login("bolat")
        d.press([.char("s"), .char("N"), .char("N")])
        #expect(Fixture.configuration.catalogue.items[d.model.stock.selection].id == "naloxone")
        d.press(.enter)
        #expect(d.model.stock.lotsItem == "naloxone")
        let screen = d.screen
        #expect(screen.contains("NX-2291") && screen.contains("expires in 25 days"), "\(screen)")
        #expect(screen.contains("F4 writes off the chosen lot"))
        // Letters do not jump while the lots are open; Esc goes back to the same level.
        d.press(.char("S"))
        #expect(d.model.stock.lotsItem == "naloxone")
        d.press(.escape)
        #expect(d.model.stock.lotsItem == nil && d.model.screen == .stock)
        #expect(Fixture.configuration.catalogue.items[d.model.stock.selection].id == "naloxone")
        // An item without lots says how a lot comes about.
        d.press([.char("N"), .enter])
        #expect(d.screen.contains("No lots for this item here"))
        // Leaving the screen closes them.
        d.press(.function(9))
        d.press(.char("s"))
        #expect(d.model.stock.lotsItem == nil)
    }

    /// Write-off of a chosen lot from Home: s, N, N, Enter, F4, the digits, F2.
    @Test func writeOffOfTheChosenLotInSixKeysPlusDigits() throws {
        var d = Driver()
        d.login("bolat")
        let before = try #require(Self.naloxoneLot(d)).remaining
        let level = d.ledger.level(site: Self.site, item: "naloxone")!.level
        let keys: [Key] = [.char("s"), .char("N"), .char("N"), .enter, .function(4)] + Key.typing("3") + [.function(2)]
        d.press(keys)
        print("keystrokes, write-off of a chosen lot: \(keys.count - 1) plus 1 digit")
        #expect(keys.count - 1 <= 6)
        #expect(d.model.dialog == nil)
        #expect(d.model.status?.message.key == "tui.stock.writtenOffLot")
        #expect(d.model.status?.message.args.last == "NX-2291")
        guard case .stockWrittenOff(let w) = d.store.events.last?.body else { Issue.record("no write-off"); return }
        #expect(w.lot == "NX-2291" && w.quantity == 3 && w.item == "naloxone")
        #expect(Self.naloxoneLot(d)?.remaining == before - 3)
        #expect(d.ledger.level(site: Self.site, item: "naloxone")?.level == level - 3)
    }

    /// More than the lot holds is refused in the form, with the reason; nothing is saved.
    @Test func tooMuchFromALotIsRefusedInTheForm() throws {
        var d = Driver(language: .ru)
        d.login("bolat")
        let left = try #require(Self.naloxoneLot(d)).remaining
        let count = d.store.events.count
        let naloxone = Fixture.configuration.catalogue.items.firstIndex { $0.id == "naloxone" }!
        d.press([.char("s")] + Array(repeating: Key.down, count: naloxone) + [.enter, .function(4)])
        d.type(String(left + 1))
        d.press(.function(2))
        guard case .form(let f)? = d.model.dialog else { Issue.record("form closed"); return }
        #expect(f.error?.key == "validate.lot.short")
        #expect(d.screen.contains("осталось \(left)"), "\(d.screen)")
        #expect(d.store.events.count == count)
    }

    /// F4 on the levels: the lot field starts on "first to expire" and follows the item.
    @Test func theLotFieldFollowsTheItem() throws {
        var d = Driver()
        d.login("bolat")
        d.press([.char("s"), .char("N"), .char("N"), .function(4)])
        guard case .form(var f)? = d.model.dialog else { Issue.record("no form"); return }
        #expect(f.value("item") == "naloxone" && f.value("lot") == "" && f.focus == 0)
        guard case .choice(let lots, _) = f.fields[2].value else { Issue.record("no lot choice"); return }
        #expect(lots.map(\.id) == ["", "NX-2291"])
        // Another item: its lots (none with a number) replace naloxone's.
        d.press(.right)
        guard case .form(let g)? = d.model.dialog, case .choice(let other, let i) = g.fields[2].value else { Issue.record("no form"); return }
        #expect(g.value("item") != "naloxone" && other.map(\.id) == [""] && i == 0)
        // FEFO write-off (no lot): saved without one, as before.
        d.press(.escape)
        d.press(.function(4))
        guard case .form(let h)? = d.model.dialog else { return }
        f = h
        d.press(.tab); d.type("2"); d.press(.function(2))
        guard case .stockWrittenOff(let w) = d.store.events.last?.body else { Issue.record("no write-off"); return }
        #expect(w.lot == nil && w.quantity == 2)
    }

    /// An expiry alert on Home opens the item's lots.
    @Test func anExpiryAlertOpensTheLots() throws {
        var d = Driver()
        d.login("bolat")
        let alerts = Queries.alerts(d.ledger, catalogue: Fixture.configuration.catalogue, site: Self.site, today: d.model.today)
        let i = try #require(alerts.firstIndex { if case .expiring = $0.kind { $0.item == "naloxone" } else { false } })
        d.model.home.focus = .alerts
        d.model.home.selection = i
        d.press(.enter)
        #expect(d.model.screen == .stock && d.model.stock.lotsItem == "naloxone")
    }

    /// Workers see the lots too but write nothing off.
    @Test func aWorkerSeesTheLots() {
        var d = Driver()
        d.login()
        d.press([.char("s"), .char("N"), .char("N"), .enter])
        #expect(d.screen.contains("NX-2291"))
        let count = d.store.events.count
        d.press(.function(4))
        #expect(d.model.dialog == nil && d.store.events.count == count)
    }
}
