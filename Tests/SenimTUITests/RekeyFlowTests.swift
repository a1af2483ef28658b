import Foundation
import SenimCore
import Testing
@testable import SenimTUI

/// Removing a user offers to re-key the store at once; the Users screen can re-key any time.
@Suite struct RekeyFlowTests {
    @Test func removingAUserOffersARekeyStartingOnYes() throws {
        var d = Driver()
        d.login("bolat")
        d.press(.char("u"))
        let i = try #require(d.model.users.accounts.firstIndex { $0.name == "aigerim" })
        d.press(Array(repeating: Key.down, count: i - d.model.users.selection) + [.function(8), .char("y")])
        #expect(!d.model.users.accounts.contains { $0.name == "aigerim" })
        guard case .confirm(let c)? = d.model.dialog, case .rekey = c.action else {
            Issue.record("no re-key question"); return
        }
        #expect(c.yesFocused)
        #expect(d.screen.contains("Re-key the store now?"))
        d.press(.enter)
        #expect(d.store.rekeys == 1)
        #expect(d.model.status?.message.key == "tui.users.rekeyed")
    }

    @Test func declinedRekeyChangesNothingAndF5RekeysLater() throws {
        var d = Driver()
        d.login("bolat")
        d.press(.char("u"))
        let i = try #require(d.model.users.accounts.firstIndex { $0.name == "dana" })
        d.press(Array(repeating: Key.down, count: i - d.model.users.selection) + [.function(8), .char("y"), .char("n")])
        #expect(d.store.rekeys == 0 && d.model.dialog == nil)
        // F5 asks first, starting on No.
        d.press([.function(5), .enter])
        #expect(d.store.rekeys == 0)
        d.press([.function(5), .char("y")])
        #expect(d.store.rekeys == 1)
    }

    @Test func workersHaveNoRekeyKey() {
        var d = Driver()
        d.login()
        d.press([.function(7)])
        #expect(!KeyMap.bindings(.users, role: .worker).contains { $0.command == .rekey })
    }
}
