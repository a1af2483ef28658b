import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

/// Late entry in the TUI: the stock and referral forms and the stocktake sheet have a "When"
/// field that starts on now (left as it is, the record is made now); a time typed there is read
/// by `Clock.parseMoment` and bounded by `Validator.checkTime` (not before 2000-01-01, at most 10
/// minutes ahead), like the CLI's --at. Also: receiving a lot that is expired or expires within 30
/// days asks first; the Movements tab keeps voided movements with their history.
@Suite struct LateEntryFlowTests {
    static let offset = Fixture.utcOffset
    /// 2026-05-19 09:15 local: the morning before the fixture's "now".
    static let yesterdayMorning = Clock.start(of: Clock.dayNumber(year: 2026, month: 5, day: 19), offset) + 9 * 3600 + 15 * 60

    /// Opens the receive form on the Stock screen as bolat, with 500 typed into the quantity.
    static func openReceive(_ d: inout Driver) {
        d.login("bolat")
        d.press(.char("s"))
        d.press(.function(2))
        d.press(.tab)
        d.type("500")
    }

    /// Moves the focus of the open form to the field `id`.
    static func focus(_ d: inout Driver, _ id: String) {
        guard case .form(let f)? = d.model.dialog, let i = f.fields.firstIndex(where: { $0.id == id }) else { return }
        d.press(Array(repeating: Key.tab, count: (i - f.focus + f.fields.count) % f.fields.count))
    }

    /// Replaces the text of the focused field with `text`.
    static func retype(_ d: inout Driver, _ text: String) {
        d.press(.ctrl("u"))
        d.type(text)
    }

    @Test func parseMomentReadsADateWithOrWithoutATime() {
        let day = Clock.dayNumber(year: 2026, month: 5, day: 19)
        #expect(Clock.parseMoment("2026-05-19 09:15", Self.offset) == Self.yesterdayMorning)
        #expect(Clock.parseMoment(" 19.05.2026 9:15 ", Self.offset) == Self.yesterdayMorning)
        #expect(Clock.parseMoment("2026-05-19", Self.offset) == Clock.start(of: day, Self.offset))
        for bad in ["", "2026-05-19 24:00", "2026-05-19 09:60", "2026-02-30 10:00", "2026-05-19 9", "2026-05-19 09:15 x", "yesterday",
                    "2026-05-19 +9:15", "2026-05-19 ٠٩:١٥"] {
            #expect(Clock.parseMoment(bad, Self.offset) == nil, "\(bad)")
        }
        #expect(Clock.dateTime(Self.yesterdayMorning, Self.offset) == "2026-05-19 09:15")
    }

    @Test func theWhenFieldStartsOnNowAndLeftAloneRecordsNow() throws {
        var d = Driver()
        Self.openReceive(&d)
        guard case .form(let f)? = d.model.dialog else { Issue.record("no form"); return }
        #expect(f.value("at") == "2026-05-20 14:30")
        #expect(d.screen.contains("When YYYY-MM-DD HH:MM") && d.screen.contains("2026-05-20 14:30"), "\(d.screen)")
        d.press(.function(2))
        let mv = try #require(d.ledger.movements.last)
        #expect(mv.kind == .received && mv.delta == 500 && mv.at == Fixture.now)
        #expect(d.model.status?.message.key == "tui.stock.received")
    }

    @Test func aReceiptEnteredLateIsRecordedAtItsTimeAndRepairsThePast() throws {
        var d = Driver()
        Self.openReceive(&d)
        Self.focus(&d, "at")
        Self.retype(&d, "2026-05-19 09:15")
        d.press(.function(2))
        let mv = try #require(d.ledger.movements.first { $0.delta == 500 && $0.kind == .received })
        #expect(mv.at == Self.yesterdayMorning)
        #expect(d.model.status?.message.key == "tui.form.lateSaved")
        #expect(d.screen.contains("Recorded for 2026-05-19 09:15"), "\(d.screen)")
    }

    @Test func theWhenFieldHasTheCLIsBounds() {
        var d = Driver()
        Self.openReceive(&d)
        Self.focus(&d, "at")
        let events = d.ledger.eventCount
        for (text, key) in [("2026-05-20 14:41", "validate.time.future"), ("1999-12-31 23:59", "validate.time.early"),
                            ("tomorrow", "tui.form.badTime")] {
            Self.retype(&d, text)
            d.press(.function(2))
            guard case .form(let f)? = d.model.dialog else { Issue.record("form closed for \(text)"); return }
            #expect(f.error?.key == key, "\(text)")
            #expect(f.fields[f.focus].id == "at")
        }
        #expect(d.ledger.eventCount == events)
        // Ten minutes ahead (clock skew between laptops) is still accepted.
        Self.retype(&d, "2026-05-20 14:40")
        d.press(.function(2))
        #expect(d.model.dialog == nil && d.ledger.eventCount == events + 1)
    }

    @Test func transferAndWriteOffTakeALateTimeToo() throws {
        var d = Driver()
        d.login("bolat")
        d.press(.char("s"))
        d.press(.function(3))                           // transfer
        d.press(.tab); d.type("5")
        Self.focus(&d, "at"); Self.retype(&d, "2026-05-19 09:15")
        d.press(.function(2))
        #expect(d.ledger.movements.contains { $0.kind == .transferOut && $0.delta == -5 && $0.at == Self.yesterdayMorning })
        d.press(.function(4))                           // write-off
        d.press(.tab); d.type("3")
        Self.focus(&d, "at"); Self.retype(&d, "19.05.2026 09:15")
        d.press(.function(2))
        #expect(d.ledger.movements.contains { $0.kind == .writtenOff && $0.delta == -3 && $0.at == Self.yesterdayMorning })
    }

    @Test func referralsIssuedAndUpdatedLate() throws {
        var d = Driver()
        d.login()
        d.press(.char("r"))
        d.press(.function(6))                           // new referral
        d.type(SampleData.returningClient)
        Self.focus(&d, "at"); Self.retype(&d, "2026-05-19 09:15")
        d.press(.function(2))
        let r = try #require(d.ledger.referralList.first { $0.issuedAt == Self.yesterdayMorning })
        #expect(r.client == UIC(normalised: SampleData.returningClient))
        // Its status change, entered late as well (the list is open referrals, due first).
        d.model.referrals.selection = Screens.referralList(d.model).firstIndex { $0.id == r.id } ?? 0
        d.press(.function(2))
        Self.focus(&d, "at"); Self.retype(&d, "2026-05-19 11:00")
        d.press(.function(2))
        let h = try #require(d.ledger.referrals[r.id]?.history.last)
        #expect(h.at == Self.yesterdayMorning + 105 * 60)
    }

    @Test func aStocktakeCanBeDatedFromTheLineAboveTheItems() throws {
        var d = Driver()
        d.login("bolat")
        d.press(.char("s"))
        d.press(.function(5))
        guard case .stocktake(let s)? = d.model.dialog else { Issue.record("no sheet"); return }
        #expect(s.at.text == "2026-05-20 14:30" && s.cursor == 0)
        d.type("4801")
        d.press(.up)                                    // the "When" line
        #expect({ if case .stocktake(let s)? = d.model.dialog { return s.cursor == -1 }; return false }())
        Self.retype(&d, "2030-01-01 10:00")
        d.press(.function(2))
        guard case .stocktake(let bad)? = d.model.dialog else { Issue.record("sheet closed"); return }
        #expect(bad.error?.key == "validate.time.future" && bad.cursor == -1)
        Self.retype(&d, "2026-05-19 09:15")
        d.press(.function(2))
        #expect(d.model.dialog == nil)
        #expect(d.ledger.movements.contains { $0.kind == .adjusted && $0.at == Self.yesterdayMorning })
        #expect(!d.ledger.movements.contains { $0.kind == .adjusted && $0.at == Fixture.now })
    }

    @Test func receivingALotExpiringWithin30DaysAsksFirstStartingOnNo() throws {
        var d = Driver()
        Self.openReceive(&d)
        Self.focus(&d, "expires")
        d.type("2026-06-09")                            // in 20 days
        let events = d.ledger.eventCount
        d.press(.function(2))
        guard case .confirm(let c)? = d.model.dialog, !c.yesFocused else { Issue.record("no confirmation on No"); return }
        #expect(d.screen.contains("expires on 2026-06-09, in 20 days"), "\(d.screen)")
        d.press(.enter)                                 // No: back in the form, on the expiry date
        guard case .form(let f)? = d.model.dialog else { Issue.record("form lost"); return }
        #expect(f.fields[f.focus].id == "expires" && f.value("quantity") == "500")
        #expect(d.ledger.eventCount == events && d.model.status?.message.key == "tui.stock.lotExpiry.no")
        d.press(.function(2))
        d.press(.char("y"))
        #expect(d.model.dialog == nil && d.ledger.eventCount == events + 1)
        #expect(d.ledger.movements.last?.delta == 500)
    }

    @Test func anExpiredLotSaysSoAndALaterOneDoesNotAsk() {
        var d = Driver()
        Self.openReceive(&d)
        Self.focus(&d, "expires")
        d.type("2026-05-19")
        d.press(.function(2))
        guard case .confirm? = d.model.dialog else { Issue.record("no confirmation"); return }
        #expect(d.screen.contains("expired on 2026-05-19"))
        d.press(.char("n"))
        Self.retype(&d, "2026-06-20")                   // in 31 days: no question
        let events = d.ledger.eventCount
        d.press(.function(2))
        #expect(d.model.dialog == nil && d.ledger.eventCount == events + 1)
    }

    @Test func aVoidedMovementStaysOnTheMovementsTabWithItsHistory() throws {
        var d = Driver()
        d.login("bolat")
        d.press(.char("s"))
        d.press(.tab)                                   // movements
        let site = d.model.session!.point
        let rows = Queries.movementRows(d.ledger, site: site)
        let first = try #require(rows.first)
        d.press(.char("x"))
        d.press([.right, .function(2), .char("y")])     // duplicate entry
        #expect(d.model.status?.message.key == "tui.amend.voided")
        let after = Queries.movementRows(d.ledger, site: site)
        #expect(after.count == rows.count)
        let voided = try #require(after.first { $0.id == first.id })
        #expect(voided.voided && voided.history?.changes.first?.reason == .duplicate)
        #expect(!d.ledger.movements.contains { $0.id == first.id })
        #expect(d.screen.contains("voided by bolat 20.05 14:30 (Duplicate entry)"), "\(d.screen)")
        // Voiding it again is refused with the reason.
        d.model.stock.selection = after.firstIndex { $0.id == first.id }!
        d.press(.char("x"))
        #expect(d.model.dialog == nil && d.model.status?.kind == .error)
    }
}
