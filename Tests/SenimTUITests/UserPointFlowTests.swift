import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

/// Users have a trust point: a column on the Users screen, a field when adding a user, and
/// the site and default contact type of what that user records.
@Suite struct UserPointFlowTests {
    static let mobile = "almaty-mobile"

    @Test func aNewUserGetsThePointChosenInTheForm() throws {
        var d = Driver()
        d.login("bolat")
        d.press([.char("u"), .function(2)])
        guard case .form(let f)? = d.model.dialog else { Issue.record("no form"); return }
        // The store's point comes first.
        #expect(f.value("point") == SampleData.mainPoint)
        d.type("timur")
        d.press([.tab, .tab])
        let points = Fixture.configuration.points.points.map(\.id)
        while case .form(let g)? = d.model.dialog, g.value("point") != Self.mobile, points.contains(g.value("point")) { d.press(.right) }
        d.press(.tab); d.type("timur-pass-1"); d.press(.tab); d.type("timur-pass-1"); d.press(.function(2))
        #expect(d.model.dialog == nil)
        #expect(d.store.accounts["timur"]?.role == .worker)
        #expect(d.ledger.userPoints["timur"] == Self.mobile)
        guard case .userPointSet(let name, let p) = d.store.events.last?.body else { Issue.record("no point event"); return }
        #expect(name == "timur" && p == Self.mobile)
        // The column shows it; others show the store's point.
        let screen = d.screen
        #expect(screen.contains("Trust point"))
        let row = try #require(screen.split(separator: "\n").first { $0.contains("timur") })
        #expect(row.contains("Almaty, mobile"), "\(row)")
        let bolat = try #require(screen.split(separator: "\n").first { $0.contains("bolat") })
        #expect(bolat.contains("Almaty, central"), "\(bolat)")
    }

    @Test func theStoresPointRecordsNoEvent() throws {
        var d = Driver()
        d.login("bolat")
        let count = d.store.events.count
        d.press([.char("u"), .function(2)])
        d.type("timur"); d.press([.tab, .tab, .tab]); d.type("timur-pass-1"); d.press(.tab); d.type("timur-pass-1"); d.press(.function(2))
        #expect(d.store.accounts["timur"] != nil)
        #expect(d.store.events.count == count + 1)   // user-added only
        #expect(d.ledger.userPoints["timur"] == nil)
    }

    /// A worker whose point is the mobile one: mobile contacts at the mobile point, their stock.
    @Test func aMobileWorkersContactsAreMobileAtTheMobilePoint() throws {
        let store = Fixture.store()
        store.append([Event(id: EventID(high: 1, low: 99), at: Fixture.now - 86_400 * 40, author: "bolat", device: store.device,
                            site: SampleData.mainPoint, body: .userPointSet(name: "aigerim", point: Self.mobile))])
        var d = Driver(store: store)
        d.login()
        #expect(d.model.session?.point == Self.mobile && d.model.session?.storePoint == SampleData.mainPoint)
        #expect(d.screen.contains("Almaty, mobile"))
        d.press(.function(2))
        let type = Fixture.configuration.catalogue.contactTypes[d.model.contact.type].id
        #expect(type == "mobile")
        d.type("MAIV"); d.press([.enter, .char("1"), .function(2)])
        guard case .contactLogged(let c)? = d.store.events.last?.body else { Issue.record("no contact"); return }
        #expect(c.type == "mobile" && d.store.events.last?.site == Self.mobile)
    }
}
