import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

/// Undoing a merge in the TUI: merged codes are listed below the likely pairs in the finder
/// (F5 or u there), and a merged person's card offers `u`; both ask first (No focused).
@Suite struct UnmergeFlowTests {
    /// Merges the sample store's near pair through the finder; returns (merged away, survivor).
    static func merge(_ d: inout Driver) throws -> (UIC, UIC) {
        d.press([.char("c"), .function(4)])
        let first = try #require(DuplicatesScreen.pairs(d.model).first)
        let dir = DuplicatesScreen.direction(d.model, first)
        d.press([.function(2), .char("y")])
        #expect(d.ledger.survivor(dir.from) == dir.into)
        return dir
    }

    @Test func theFinderListsMergedCodesAndUndoesOneAfterAQuestion() throws {
        var d = Driver()
        d.login("bolat")
        let (from, into) = try Self.merge(&d)
        // The merged pair is listed below the likely pairs (none left) and selected.
        let rows = DuplicatesScreen.rows(d.model)
        #expect(rows.count == 1)
        guard case .merged(let f, let i)? = rows.first else { Issue.record("no merged row"); return }
        #expect(f == from && i == into)
        #expect(d.screen.contains("0 likely duplicate pairs · merged codes below: 1"), "\(d.screen)")
        #expect(d.screen.contains("\(from.code) → \(into.code)"))
        // Merging it again says it is merged; F5 asks, No keeps it, Yes undoes it.
        d.press(.function(2))
        #expect(d.model.status?.message.key == "tui.dup.alreadyMerged" && d.model.dialog == nil)
        let before = d.store.events.count
        d.press([.function(5), .enter])
        #expect(d.store.events.count == before && d.ledger.survivor(from) == into)
        d.press([.char("u"), .char("y")])
        #expect(d.ledger.survivor(from) == from)
        #expect(d.model.status?.message.key == "tui.dup.unmerged")
        guard case .clientUnmerged(let u) = d.store.events.last?.body else { Issue.record("no unmerge event"); return }
        #expect(u == from)
        // The pair is a likely duplicate again.
        #expect(DuplicatesScreen.pairs(d.model).contains { Set([$0.a, $0.b]) == Set([from, into]) })
    }

    @Test func f5OnALikelyPairSaysToPickAMergedCode() throws {
        var d = Driver()
        d.login("bolat")
        d.press([.char("c"), .function(4), .function(5)])
        #expect(d.model.dialog == nil && d.model.status?.message.key == "tui.dup.pickMerged")
    }

    @Test func theCardOfAMergedPersonOffersUnmerge() throws {
        var d = Driver(language: .kk)
        d.login("bolat")
        let (from, into) = try Self.merge(&d)
        d.press([.escape, .char("/")])
        d.type(into.code)
        d.press([.enter, .enter])
        #expect(d.model.clients.card == into)
        d.press(.char("u"))
        guard case .confirm(let c)? = d.model.dialog, case .unmerge(let f, let i) = c.action else { Issue.record("no question"); return }
        #expect(f == from && i == into && !c.yesFocused)
        d.press(.char("y"))
        #expect(d.ledger.survivor(from) == from)
        // A card with nothing merged says so.
        d.press(.char("u"))
        #expect(d.model.dialog == nil && d.model.status?.message.key == "tui.card.notMerged")
    }

    @Test func workersHaveNoUnmergeKey() {
        #expect(KeyMap.command(for: .char("u"), in: KeyMap.bindings(.clients, role: .worker), inField: false) == nil)
        #expect(KeyMap.command(for: .char("u"), in: KeyMap.bindings(.clients, role: .coordinator), inField: false) == .unmerge)
    }
}
