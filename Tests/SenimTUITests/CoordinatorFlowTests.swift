import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

/// The coordinator's stocktake sheet, type-to-find in the items, and report breakdowns.
@Suite struct CoordinatorFlowTests {
    static let items = Fixture.configuration.catalogue.items

    /// Every catalogue item counted on one sheet and saved once.
    @Test func stocktakeOfEveryItemWithinSixtyKeysPlusDigits() throws {
        var d = Driver()
        d.login("bolat")
        let site = SampleData.mainPoint
        let counted = Self.items.indices.map { 10 + $0 * 3 }
        var keys: [Key] = [.char("s"), .function(5)]
        var digits = 0
        for n in counted {
            keys += Key.typing(String(n)) + [.enter]
            digits += String(n).count
        }
        keys.append(.function(2))
        let before = d.store.events.count
        d.press(keys)
        print("keystrokes, stocktake of \(Self.items.count) items: \(keys.count - digits) plus \(digits) digits")
        #expect(keys.count - digits <= 60)
        #expect(d.model.dialog == nil)
        #expect(d.store.events.count == before + Self.items.count)
        for (item, n) in zip(Self.items, counted) {
            #expect(d.ledger.level(site: site, item: item.id)?.level == Int64(n), "\(item.id)")
        }
        #expect(d.model.status?.message.key == "tui.stocktake.saved")
        #expect(d.model.status?.message.args.first == String(Self.items.count))
    }

    /// Blank lines are not counted; a letter finds an item; Esc with numbers typed asks first.
    @Test func stocktakeSheetKeys() throws {
        var d = Driver()
        d.login("bolat")
        d.press([.char("s"), .function(5)])
        guard case .stocktake? = d.model.dialog else { Issue.record("no sheet"); return }
        #expect(d.screen.contains("Stocktake"))
        d.press(.char("N"))   // Needle
        guard case .stocktake(let s)? = d.model.dialog else { return }
        #expect(Self.items[s.cursor].id == "needle")
        let needle = d.ledger.level(site: SampleData.mainPoint, item: "needle")!.level
        d.type(String(needle - 4))
        #expect(d.screen.contains("-4"))
        d.press(.escape)
        #expect(d.model.dialog != nil)
        d.press(.function(2))
        #expect(d.model.dialog == nil)
        #expect(d.ledger.level(site: SampleData.mainPoint, item: "needle")?.level == needle - 4)
        #expect(d.model.status?.message.args == ["1", "1"])
        // Nothing typed: F2 says so and saves nothing; Esc leaves at once.
        let before = d.store.events.count
        d.press([.function(5), .function(2)])
        guard case .stocktake(let empty)? = d.model.dialog else { Issue.record("sheet closed"); return }
        #expect(empty.error?.key == "tui.stocktake.empty")
        d.press(.escape)
        #expect(d.model.dialog == nil && d.store.events.count == before)
        // Typed numbers and two Esc: discarded.
        d.press([.function(5), .char("5"), .escape, .escape])
        #expect(d.model.dialog == nil && d.store.events.count == before)
    }

    /// A save that fails keeps the sheet and the numbers, with the reason in it.
    @Test func aFailedStocktakeKeepsTheSheet() {
        var d = Driver()
        d.login("bolat")
        d.press([.char("s"), .function(5), .char("7")])
        d.store.failNextSave = Message("tui.error.write", "disk full")
        d.press(.function(2))
        guard case .stocktake(let s)? = d.model.dialog else { Issue.record("sheet closed"); return }
        #expect(s.counted[0].text == "7" && s.error?.key == "tui.error.write")
    }

    @Test func aLetterFindsAnItemInTheStockList() {
        var d = Driver()
        d.login("bolat")
        d.press([.char("s"), .char("N")])
        #expect(Self.items[d.model.stock.selection].id == "needle")
        d.press(.char("S"))
        #expect(Self.items[d.model.stock.selection].names[.en].hasPrefix("S"))
    }

    /// F5 cycles the breakdowns; the table shows their columns and the figures add up.
    @Test func reportBreakdowns() throws {
        var d = Driver()
        d.login("bolat")
        d.press([.char("p"), .function(5)])
        #expect(d.model.reports.by == .sex)
        let screen = d.screen
        #expect(screen.contains("Women") && screen.contains("Men"))
        let lines = ReportScreen.lines(d.model, try #require(ReportScreen.report(d.model)))
        // Each split adds up to the total where all cells are numbers.
        var checked = 0
        for case .row(_, let value, _, let split) in lines {
            // Counts only (ratios and percentages do not add up).
            guard let total = Int(value), !split.isEmpty else { continue }
            let parts = split.compactMap { Int($0) }
            guard parts.count == split.count else { continue }
            #expect(parts.reduce(0, +) == total)
            checked += 1
        }
        #expect(checked > 0)
        for want in [Disaggregation.age, .point, .worker, .type, .gender, .substance] {
            d.press(.function(5))
            #expect(d.model.reports.by == want)
            for y in 0..<d.canvas.height { #expect(Width.of(d.canvas.row(y)) == 80) }
        }
        d.press(.function(5))
        #expect(d.model.reports.by == nil)
    }
}
