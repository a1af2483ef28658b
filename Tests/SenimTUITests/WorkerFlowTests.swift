import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

/// The outreach worker's shift: referrals saved with the contact, typed quantities, picking a
/// similar code, the Clients search, the home panels, Home/End in lists, the contact type
/// from the point, "due" meaning today or overdue.
@Suite struct WorkerFlowTests {
    static let cat = Fixture.configuration.catalogue

    /// Returning client, standard pack, one referral to the first service, one save.
    @Test func contactWithOneReferralWithinTwelveKeys() {
        var d = Driver()
        d.login()
        let contacts = d.ledger.contacts.count, referrals = d.ledger.referralList.count
        let keys: [Key] = [.function(2)] + Key.typing("MAIV") + [.enter, .char("1"), .tab, .char("r"), .enter]
        d.press(keys)
        print("keystrokes, returning client + pack + referral (HIV test): \(keys.count)")
        #expect(keys.count <= 12)
        #expect(d.ledger.contacts.count == contacts + 1)
        #expect(d.ledger.referralList.count == referrals + 1)
        let r = d.ledger.referralList.last!
        #expect(r.client.code == SampleData.returningClient && r.service == "hiv-test" && r.status == .issued)
        #expect(r.due == d.model.today + 7)
        // The referral is not also recorded as a service given today.
        let c = d.ledger.contacts.last!
        #expect(d.ledger.services(of: c).isEmpty)
        #expect(r.issuedAt == c.at)
        #expect(d.model.status?.message.key == "tui.contact.savedReferrals")
        #expect(!d.model.contact.isDirty)
    }

    /// A letter jumps to the service whose name starts with it, in the user's language.
    @Test(arguments: [(Language.en, "p"), (.ru, "р"), (.kk, "тт")])
    func referralToThePeerPsychologistByItsInitial(_ language: Language, _ letter: String) {
        var d = Driver(language: language)
        d.login()
        let keys: [Key] = [.function(2)] + Key.typing("MAIV") + [.enter, .char("1"), .tab] + Key.typing(letter) + [.char("r"), .enter]
        d.press(keys)
        print("keystrokes, returning client + pack + referral (peer psychologist, \(language)): \(keys.count)")
        #expect(keys.count <= 12)
        #expect(d.ledger.referralList.last?.service == "peer-psychologist")
        #expect(d.ledger.referralList.last?.client.code == SampleData.returningClient)
    }

    @Test func givenTodayAndReferredLookDifferent() {
        var d = Driver()
        d.login()
        d.press([.function(2)] + Key.typing("MAIV") + [.enter, .tab, .char(" "), .down, .char("r")])
        #expect(d.model.contact.services[0] && !d.model.contact.referred[0])
        #expect(d.model.contact.referred[1] && !d.model.contact.services[1])
        let screen = d.screen
        #expect(screen.contains("[✓] HIV test"))
        #expect(screen.contains("[→] HCV test"))
        #expect(screen.contains("Given 1 · referred 1"))
        // Space on a referred service makes it "given" instead: one state per service.
        d.press(.char(" "))
        #expect(d.model.contact.services[1] && !d.model.contact.referred[1])
        d.press(.enter)
        let c = d.ledger.contacts.last!
        #expect(d.ledger.services(of: c).map { d.ledger.services[$0] } == ["hiv-test", "hcv-test"])
    }

    /// A failed save keeps the form and records neither the contact nor its referral.
    @Test func referralIsAllOrNothingWithTheContact() {
        var d = Driver()
        d.login()
        let before = d.store.events.count
        d.store.failNextSave = Message("tui.error.write", "disk full")
        d.press([.function(2)] + Key.typing("MAIV") + [.enter, .char("1"), .tab, .char("r"), .enter])
        #expect(d.store.events.count == before)
        #expect(d.model.contact.referred[0] && d.model.contact.isDirty)
        d.press(.enter)
        #expect(d.store.events.count == before + 2)
    }

    /// A new client referred in the same save: registered, contact, referral.
    @Test func newClientReferredInTheSameSave() {
        var d = Driver()
        d.login()
        d.press([.function(2)] + Key.typing("ZZTT201") + [.enter, .char("y"), .char("1"), .char("r"), .char("r"), .enter])
        let u = UIC(normalised: "ZZTT201")
        #expect(d.ledger.client(u) != nil)
        #expect(d.ledger.referralList.last?.client == u)
    }

    @Test func digitsOnAChosenItemTypeItsQuantity() {
        var d = Driver()
        d.login()
        d.press([.function(2)] + Key.typing("MAIV") + [.enter])
        // Before an item is chosen, digits are pack keys.
        d.press(.char("1"))
        #expect(d.model.contact.packs == ["injecting"])
        let i = Self.cat.itemPosition("syringe-2ml")!
        d.press(Array(repeating: Key.down, count: i - d.model.contact.itemCursor))
        d.press(Key.typing("25"))
        #expect(d.model.contact.quantities[i] == 25)
        #expect(d.model.contact.packs == ["injecting"])
        d.press(.backspace)
        #expect(d.model.contact.quantities[i] == 2)
        // Moving on and typing again replaces rather than appends.
        d.press([.down, .up] + Key.typing("7"))
        #expect(d.model.contact.quantities[i] == 7)
        #expect(d.screen.contains("[7] pcs"))
        // Typed quantities are capped like +/−.
        d.press(Key.typing("99999"))
        #expect(d.model.contact.quantities[i] == Self.cat.limits.maxQuantityPerContact)
        // A letter jumps to the item that starts with it.
        d.press(.char("N"))
        #expect(Self.cat.items[d.model.contact.itemCursor].id == "needle")
    }

    @Test func aDigitPicksTheSuggestedSimilarCode() {
        var d = Driver()
        d.login()
        d.press([.function(2)] + Key.typing("ASBE290") + [.enter])
        guard case .confirm(let c)? = d.model.dialog, case .newClient(_, let similar) = c.action else {
            Issue.record("expected the new-client question"); return
        }
        #expect(similar.map(\.code).contains("ASBA290"))
        #expect(d.screen.contains("1 " + similar[0].code))
        d.press(.char("1"))
        #expect(d.model.dialog == nil)
        #expect(d.model.contact.resolved == similar[0] && !d.model.contact.isNew)
        #expect(d.model.contact.section == .items)
        // A digit without a suggestion does nothing.
        var e = Driver()
        e.login()
        e.press([.function(2)] + Key.typing("ZZTT201") + [.enter, .char("1")])
        #expect(e.model.dialog != nil)
    }

    @Test func clientsSearchStartsAfreshAndEscClearsIt() {
        var d = Driver()
        d.login()
        d.press([.char("c"), .char("/")] + Key.typing("AIUL") + [.enter])
        #expect(d.model.clients.search.text == "AIUL")
        d.press([.char("/")] + Key.typing("ZAKA"))
        #expect(d.model.clients.search.text == "ZAKA")
        #expect(Queries.clients(d.ledger, search: d.model.clients.search.text).map(\.uic.code) == ["ZAKA192"])
        d.press(.escape)
        #expect(d.model.clients.search.isEmpty && !d.model.clients.searching)
        #expect(d.model.screen == .clients)
        // A search left behind is forgotten when leaving the screen.
        d.press([.char("/")] + Key.typing("ZAKA") + [.enter, .function(9), .char("c")])
        #expect(d.model.clients.search.isEmpty)
        #expect(d.screen.contains(Queries.clients(d.ledger, search: "")[0].uic.code))
    }

    /// A store with many referrals due: the panel says how many it cannot show, can be focused
    /// and opens the chosen referral.
    @Test func homePanelsShowMoreAndOpenWithEnter() {
        let set = SampleData.make(configuration: Fixture.configuration, now: Fixture.now, utcOffset: Fixture.utcOffset)
        var events = set.events
        let today = Clock.day(Fixture.now, Fixture.utcOffset)
        for n in 0..<12 {
            events.append(Event(id: EventID(high: 99, low: UInt64(n)), at: Fixture.now - 3600, author: "aigerim", device: DeviceID(1),
                                site: SampleData.mainPoint,
                                body: .referralIssued(ReferralIssue(client: UIC(normalised: "ZAKA192"), service: "legal-aid", due: today - 1))))
        }
        let store = InMemoryStore(configuration: Fixture.configuration, point: SampleData.mainPoint, events: events,
                                  accounts: set.accounts, clock: { Fixture.now })
        var d = Driver(store: store)
        d.login()
        let due = Queries.referralsDue(d.ledger, today: d.model.today, role: .worker)
        #expect(due.count >= 14)
        let screen = d.screen
        #expect(screen.contains("Referrals due (\(due.count))"))
        #expect(screen.contains("+\(due.count - HomeTestSupport.visibleDueRows(d)) more"))
        // Tab, Tab: the referrals panel; End: the last; Enter opens it on the Referrals screen.
        d.press([.tab, .tab])
        #expect(d.model.home.focus == .referrals)
        d.press(.end)
        #expect(d.model.home.selection == due.count - 1)
        #expect(d.screen.contains("▶ Referrals due"))
        d.press(.enter)
        #expect(d.model.screen == .referrals)
        #expect(d.model.referrals.detail == due.last!.id)
        // Back home: nothing focused, the menu letters work again.
        d.press(.function(9))
        #expect(d.model.home.focus == nil)
        d.press([.tab, .enter])
        #expect(d.model.screen == .clients && d.model.clients.card != nil)
        d.press([.function(9), .backTab, .enter])
        #expect(d.model.screen == .stock)
    }

    @Test func homeAndEndWorkInEveryList() {
        var d = Driver()
        d.login("bolat")
        d.press([.function(2)] + Key.typing("MAIV") + [.enter, .end])
        #expect(d.model.contact.itemCursor == Self.cat.items.count - 1)
        d.press(.char("g"))
        #expect(d.model.contact.itemCursor == 0)
        d.press([.tab, .char("G")])
        #expect(d.model.contact.serviceCursor == Self.cat.services.count - 1)
        d.press(.home)
        #expect(d.model.contact.serviceCursor == 0)
        // In the code field Home/End still move the text cursor.
        d.press([.function(4), .char("y")])
        d.type("MAIV")
        d.press(.home)
        #expect(d.model.contact.code.text == "MAIV" && d.model.contact.section == .code)
        d.press([.function(9), .char("s"), .end])
        #expect(d.model.stock.selection == Self.cat.items.count - 1)
        d.press([.function(9), .char("u"), .end])
        #expect(d.model.users.selection == d.model.users.accounts.count - 1)
        d.press([.function(9), .char("c"), .end])
        #expect(d.model.clients.selection == Queries.clients(d.ledger, search: "").count - 1)
        d.press([.enter, .end])
        #expect(d.model.clients.cardScroll == ClientsView.cardLineCount(d.model) - 1)
        d.press(.char("g"))
        #expect(d.model.clients.cardScroll == 0)
    }

    @Test func aMobilePointsContactsDefaultToMobile() {
        let set = SampleData.make(configuration: Fixture.configuration, now: Fixture.now, utcOffset: Fixture.utcOffset)
        let store = InMemoryStore(configuration: Fixture.configuration, point: "almaty-mobile", events: set.events,
                                  accounts: set.accounts, clock: { Fixture.now })
        var d = Driver(store: store)
        d.login()
        #expect(Self.cat.contactTypes[d.model.contact.type].id == "mobile")
        d.press([.function(2)] + Key.typing("MAIV") + [.enter, .char("1"), .enter])
        #expect(d.ledger.contactTypes[d.ledger.contacts.last!.type] == "mobile")
        // Still mobile for the next contact and after locking and unlocking.
        #expect(Self.cat.contactTypes[d.model.contact.type].id == "mobile")
        d.press(.function(12))
        d.login()
        #expect(Self.cat.contactTypes[d.model.contact.type].id == "mobile")
    }

    @Test func dueMeansTodayOrOverdue() {
        var d = Driver()
        d.login()
        let due = Queries.referralsDue(d.ledger, today: d.model.today, role: .worker)
        #expect(!due.isEmpty)
        #expect(due.allSatisfy { ($0.due ?? .max) <= d.model.today })
        // The sample has open referrals due tomorrow: they wait.
        #expect(d.ledger.referralList.contains { $0.due == d.model.today + 1 && !$0.status.isClosed })
    }

    @Test func longPointNamesEndInAnEllipsis() {
        var d = Driver(language: .ru)
        d.login()
        d.press(.function(5))
        let title = d.canvas.row(0)
        // "Алматы, центральный пункт доверия" does not fit beside the user and clock.
        #expect(title.contains("…"))
    }
}

enum HomeTestSupport {
    /// Rows the referrals-due panel shows at the driver's size (its box minus the borders).
    static func visibleDueRows(_ d: Driver) -> Int {
        let top = 2, bottom = d.model.height - 2
        let contactsH = max(4, (bottom - top) / 2 + 1)
        return bottom - (top + contactsH) - 2
    }
}
