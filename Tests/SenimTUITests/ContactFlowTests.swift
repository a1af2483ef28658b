import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

/// The new-contact flow, driven key by key through the pure update with real effects on an
/// in-memory store.
@Suite struct ContactFlowTests {
    /// Returning client, standard pack, after login: F2, four letters of the code, Enter
    /// (takes the live match), 1 (injecting pack), Enter (save).
    @Test func returningClientInEightKeys() {
        var d = Driver()
        d.login()
        let before = d.ledger.contacts.count
        let keys: [Key] = [.function(2)] + Key.typing("MAIV") + [.enter, .char("1"), .enter]
        d.press(keys)
        #expect(keys.count <= 8)
        print("keystrokes, returning client with a standard pack: \(keys.count)")
        #expect(d.ledger.contacts.count == before + 1)
        let c = d.ledger.contacts.last!
        #expect(d.ledger.clients[Int(c.client)].uic.code == SampleData.returningClient)
        let items = d.ledger.lines(of: c).map { (d.ledger.items[$0.item], $0.quantity) }
        let pack = Fixture.configuration.catalogue.pack("injecting")!.sortedItems.map { ($0.item, $0.quantity) }
        #expect(items.map(\.0) == pack.map(\.0) && items.map(\.1) == pack.map(\.1))
        #expect(d.model.status?.message.key == "tui.contact.saved")
        // The form is ready for the next client.
        #expect(d.model.contact.code.isEmpty && d.model.contact.section == .code && !d.model.contact.isDirty)
    }

    /// A new client through the code builder (mother, father, sex, year), confirmed as new,
    /// profile skipped (Esc), standard pack, saved.
    @Test func newClientWithBuilderInAtMostTwentyFiveKeys() {
        var d = Driver()
        d.login()
        let keys: [Key] = [.function(2), .function(3)] + Key.typing("Anna") + [.tab] + Key.typing("Ivan") + [.tab]
            + Key.typing("f") + [.tab] + Key.typing("1990") + [.enter, .char("y"), .escape, .char("1"), .enter]
        d.press(keys)
        print("keystrokes, new client via the code builder with a standard pack: \(keys.count)")
        #expect(keys.count <= 25)
        let u = UIC(normalised: "ANIV290")
        #expect(d.ledger.client(u) != nil)
        #expect(d.ledger.contacts(of: u).count == 1)
        #expect(d.model.status?.message.key == "tui.contact.savedNew")
        // The answers were never kept anywhere in the model.
        let dump = String(describing: d.model)
        #expect(!dump.contains("Anna") && !dump.contains("Ivan"))
        #expect(d.model.dialog == nil)
    }

    @Test func newClientTypingTheCodeTakesTwelveKeys() {
        var d = Driver()
        d.login()
        let keys: [Key] = [.function(2)] + Key.typing("ZZTT201") + [.enter, .char("y"), .char("1"), .enter]
        d.press(keys)
        print("keystrokes, new client typing the full code: \(keys.count)")
        #expect(keys.count == 12)
        #expect(d.ledger.client(UIC(normalised: "ZZTT201")) != nil)
    }

    @Test func unknownCodeWithSimilarOnesDefaultsToNo() {
        var d = Driver()
        d.login()
        d.press(.function(2))
        d.type("ASBE290")
        d.press(.enter)
        guard case .confirm(let c)? = d.model.dialog, case .newClient(let u, _) = c.action else {
            Issue.record("expected the new-client question"); return
        }
        #expect(u.code == "ASBE290")
        #expect(!c.yesFocused)
        #expect(c.lines.first?.args.first?.contains("ASBA290") ?? false)
        d.press(.enter)   // Enter takes the focused answer: No
        #expect(d.model.dialog == nil && d.model.contact.resolved == nil && d.model.contact.section == .code)
        #expect(d.ledger.client(u) == nil)
    }

    @Test func liveMatchesNarrowAsYouType() {
        var d = Driver()
        d.login()
        d.press(.function(2))
        d.type("AS")
        #expect(d.model.contact.matches.map(\.code).contains("ASBO290"))
        #expect(d.model.contact.matches.map(\.code).contains("ASBA290"))
        d.type("BA")
        #expect(d.model.contact.matches.map(\.code) == ["ASBA290"])
        // Cyrillic typed on a Russian keyboard normalises the same way.
        d.press([.ctrl("u")])
        d.type("мaiv")
        #expect(d.model.contact.matches.map(\.code) == ["MAIV185"])
        d.press(.down)
        d.press(.enter)
        #expect(d.model.contact.resolved?.code == "MAIV185")
    }

    @Test func iinPhoneAndEmailInTheNoteAreRefusedWithTheReason() {
        for (note, key) in [("ИИН 900101300126", "privacy.iin"), ("call +7 701 123 45 67", "privacy.phone"),
                            ("mail a.b@example.kz", "privacy.email")] {
            var d = Driver()
            d.login()
            let before = d.store.events.count
            d.press([.function(2)] + Key.typing("MAIV") + [.enter, .char("1"), .tab, .tab, .tab, .tab])
            #expect(d.model.contact.section == .note)
            d.type(note)
            // The reason shows while typing, before any save attempt.
            #expect(d.screen.contains(d.model.text(PrivacyGuard.check(note)!.message).prefix(20)))
            d.press(.enter)
            #expect(d.model.status?.message.key == key, "\(note)")
            #expect(d.store.events.count == before, "nothing may be saved")
            #expect(!d.effects.contains { if case .save = $0 { true } else { false } })
            #expect(d.model.contact.note.text == note, "the note is kept for correction")
            // Remove it and the same contact saves.
            d.press(.ctrl("u"))
            d.type("ok")
            d.press(.enter)
            #expect(d.store.events.count == before + 1)
        }
    }

    @Test func quantitiesServicesOverdoseAndTypeReachTheEvent() {
        var d = Driver()
        d.login()
        d.press([.function(2)] + Key.typing("MAIV") + [.enter])
        d.press([.char("5"), .down, .char("+"), .char("+"), .pageUp, .char("-")])   // naloxone kit, syringe-2ml 2+2+10-1
        d.press([.tab, .down, .char(" ")])                                            // HCV test
        d.press([.tab, .right])                                                       // first overdose outcome
        d.press([.tab, .right, .right])                                               // street
        d.press(.function(2))
        guard case .contactLogged(let c)? = d.store.events.last?.body else { Issue.record("no contact saved"); return }
        #expect(c.items.first { $0.item == "syringe-2ml" }?.quantity == 13)
        #expect(c.items.first { $0.item == "naloxone" }?.quantity == 2)
        #expect(c.services == ["hcv-test"])
        #expect(c.overdose == "reversed-naloxone")
        #expect(c.type == "street")
        #expect(c.packs == ["naloxone"])
    }

    @Test func reducingAPackItemToZeroDropsThePackButKeepsTheRest() {
        var d = Driver()
        d.login()
        d.press([.function(2)] + Key.typing("MAIV") + [.enter, .char("4")])   // condom 10, lubricant 5, leaflet 1
        let leaflet = Fixture.configuration.catalogue.itemPosition("leaflet")!
        d.press(Array(repeating: Key.down, count: leaflet) + [.char("-")])
        d.press(.enter)
        guard case .contactLogged(let c)? = d.store.events.last?.body else { Issue.record("no contact saved"); return }
        #expect(c.packs.isEmpty)
        #expect(c.items.map(\.item) == ["condom", "lubricant"])
    }

    @Test func emptyContactIsRefused() {
        var d = Driver()
        d.login()
        let before = d.store.events.count
        d.press([.function(2)] + Key.typing("MAIV") + [.enter, .enter])
        #expect(d.model.status?.message.key == "validate.contact.empty")
        #expect(d.store.events.count == before)
    }

    @Test func saveFailureKeepsTheFormForARetry() {
        var d = Driver()
        d.login()
        d.store.failNextSave = Message("store.error.noSpace", "/tmp/store")
        d.press([.function(2)] + Key.typing("MAIV") + [.enter, .char("1"), .enter])
        #expect(d.model.status?.kind == .error)
        #expect(d.model.status?.message.key == "store.error.noSpace")
        #expect(d.model.contact.resolved?.code == "MAIV185" && d.model.contact.isDirty)
        let before = d.store.events.count
        d.press(.function(2))
        #expect(d.store.events.count == before + 1)
        #expect(d.model.status?.message.key == "tui.contact.saved")
    }

    @Test func invalidCodeGivesTheValidatorsReason() {
        var d = Driver()
        d.login()
        d.press([.function(2)] + Key.typing("ZZ9") + [.enter])
        #expect(d.model.status?.message.key == "validate.uic.invalid")
        #expect(d.model.contact.section == .code)
    }

    @Test func builderShowsWhichAnswerIsWrong() {
        var d = Driver()
        d.login()
        d.press([.function(2), .function(3)] + Key.typing("Anna") + [.tab] + Key.typing("Ivan") + [.tab]
                + Key.typing("x") + [.tab] + Key.typing("90") + [.enter])
        guard case .builder(let b)? = d.model.dialog else { Issue.record("builder closed"); return }
        #expect(b.error?.key == "uic.sex")
        #expect(b.focus == 2)
        d.press(.escape)
        #expect(d.model.dialog == nil && d.model.contact.code.isEmpty)
    }

    @Test func clientCardStartsAContactForThatClient() {
        var d = Driver()
        d.login()
        d.press([.function(3), .char("/")] + Key.typing("MAIV") + [.enter, .enter])
        #expect(d.model.clients.card?.code == "MAIV185")
        #expect(d.screen.contains("Contacts (7)"))
        d.press([.function(2), .char("1"), .enter])
        #expect(d.ledger.contacts(of: UIC(normalised: "MAIV185")).count == 8)
    }
}
