import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

/// The coordinator's duplicate finder and what a merge changes on the Clients screen.
@Suite struct DuplicateFlowTests {
    /// From the home screen: Clients, Duplicates, Merge, Yes.
    @Test func reviewAndMergeOnePairWithinSixKeys() throws {
        var d = Driver()
        d.login("bolat")
        let pairs = DuplicateFinder.pairs(in: d.ledger, formula: Fixture.configuration.uic)
        let first = try #require(pairs.first)
        let keys: [Key] = [.char("c"), .function(4), .function(2), .char("y")]
        d.press(Array(keys.prefix(2)))
        #expect(d.model.screen == .duplicates)
        // Side by side: both codes, which one stays.
        let screen = d.screen
        #expect(screen.contains(first.a.code) && screen.contains(first.b.code))
        #expect(screen.contains("stays") && screen.contains("merges into"))
        #expect(screen.contains("Contacts") && screen.contains("Last seen") && screen.contains("Usual items"))
        let dir = DuplicatesScreen.direction(d.model, first)
        d.press(Array(keys.dropFirst(2)))
        print("keystrokes, review and merge one duplicate pair: \(keys.count)")
        #expect(keys.count <= 6)
        #expect(d.ledger.survivor(dir.from) == dir.into)
        #expect(d.model.status?.message.key == "tui.dup.merged")
        // The pair is gone from the list; the person counts both codes' contacts.
        #expect(!DuplicatesScreen.pairs(d.model).contains(first))
        let p = try #require(d.ledger.person(dir.into))
        #expect(p.codes.contains(dir.from))
        #expect(p.contacts == d.ledger.contacts(of: dir.into).count)
    }

    /// The merge question starts on "No"; F3 swaps which code survives.
    @Test func mergeAsksFirstAndTheSurvivorCanBeSwapped() throws {
        var d = Driver()
        d.login("bolat")
        d.press([.char("c"), .function(4)])
        let first = try #require(DuplicatesScreen.pairs(d.model).first)
        let suggested = DuplicatesScreen.direction(d.model, first)
        d.press(.function(3))
        let swapped = DuplicatesScreen.direction(d.model, first)
        #expect(swapped.from == suggested.into && swapped.into == suggested.from)
        let before = d.store.events.count
        d.press([.function(2), .enter])      // Enter on the focused "No"
        #expect(d.store.events.count == before)
        d.press([.function(2), .char("y")])
        #expect(d.ledger.survivor(swapped.from) == swapped.into)
    }

    @Test func workersCannotOpenTheFinder() {
        var d = Driver()
        d.login()
        d.press([.char("c"), .function(4)])
        #expect(d.model.screen == .clients)
        var m = d.model
        _ = Screens.go(&m, .duplicates)
        #expect(m.screen == .clients && m.status?.message.key == "policy.denied")
    }

    /// After a merge: one row with both codes' contacts and the latest visit, the old code
    /// finds the person, the card lists every code.
    @Test func mergedCodesShowAsOnePerson() throws {
        var d = Driver()
        d.login("bolat")
        let (a, b) = (UIC(normalised: SampleData.nearPair.0), UIC(normalised: SampleData.nearPair.1))
        let ca = d.ledger.client(a)!, cb = d.ledger.client(b)!
        d.press([.char("c"), .function(4)])
        let i = try #require(DuplicatesScreen.pairs(d.model).firstIndex { Set([$0.a, $0.b]) == Set([a, b]) })
        d.press(Array(repeating: Key.down, count: i))
        if DuplicatesScreen.direction(d.model, DuplicatesScreen.pairs(d.model)[i]).into != b { d.press(.function(3)) }
        d.press([.function(2), .char("y"), .escape])
        #expect(d.model.screen == .clients)
        let rows = Queries.clients(d.ledger, search: a.code)
        #expect(rows.count == 1 && rows[0].uic == b)
        #expect(rows[0].contacts == Int(ca.contacts + cb.contacts))
        #expect(rows[0].lastSeen == max(ca.lastSeen, cb.lastSeen))
        d.press([.char("/")] + Key.typing(a.code) + [.enter])
        #expect(d.screen.contains(b.code + "+"))
        d.press(.enter)
        #expect(d.model.clients.card == b)
        let card = d.screen
        #expect(card.contains("Known by the codes: \(b.code), \(a.code)"))
        #expect(card.contains("\(ca.contacts + cb.contacts) contacts"))
    }
}
