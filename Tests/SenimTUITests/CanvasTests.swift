import SenimCore
import Testing
@testable import SenimTUI

@Suite struct CanvasTests {
    @Test func wideCharactersTakeTwoCellsAndKeepColumns() {
        var c = Canvas(width: 10, height: 1)
        let w = c.put("注射x", x: 1, y: 0)
        #expect(w == 5)
        #expect(c[1, 0].text == "注" && c[2, 0].isContinuation && c[3, 0].text == "射" && c[5, 0].text == "x")
        #expect(c.row(0) == " 注射x    ")
        #expect(Width.of(c.row(0)) == 10)
    }

    @Test func wideCharacterThatDoesNotFitBecomesASpace() {
        var c = Canvas(width: 4, height: 1)
        c.put("ab注", x: 1, y: 0)
        #expect(c.row(0) == " ab ")
        var d = Canvas(width: 10, height: 1)
        d.put("ab注", x: 0, y: 0, limit: 3)
        #expect(d.row(0) == "ab…       ")
    }

    /// Text cut by a limit says so with "…"; padding cut away does not.
    @Test func cutTextEndsInAnEllipsis() {
        var c = Canvas(width: 12, height: 1)
        c.put("Almaty, central", x: 0, y: 0, limit: 8)
        #expect(c.row(0) == "Almaty,…    ")
        var d = Canvas(width: 12, height: 1)
        d.put("Almaty      ", x: 0, y: 0, limit: 8)
        #expect(d.row(0) == "Almaty      ")
        var e = Canvas(width: 6, height: 1)
        e.put("Almaty, central", x: 0, y: 0)   // the canvas edge alone cuts silently
        #expect(e.row(0) == "Almaty")
    }

    @Test func overwritingHalfAWideCharacterClearsTheOtherHalf() {
        var c = Canvas(width: 6, height: 1)
        c.put("注射", x: 0, y: 0)
        c.put("x", x: 1, y: 0)           // lands on the continuation of 注
        #expect(c.row(0) == " x射  ")
        c.put("y", x: 2, y: 0)           // lands on the head of 射
        #expect(c.row(0) == " xy   ")
        #expect(Width.of(c.row(0)) == 6)
    }

    @Test func kazakhAndCyrillicAlignInColumns() {
        var c = Canvas(width: 30, height: 2)
        c.put(Width.pad("Қайнатқыш қасық", to: 20) + "|", x: 0, y: 0)
        c.put(Width.pad("Cooker", to: 20) + "|", x: 0, y: 1)
        #expect(c.row(0).firstIndex(of: "|").map { c.row(0).distance(from: c.row(0).startIndex, to: $0) } == 20)
        #expect(c.row(1).firstIndex(of: "|").map { c.row(1).distance(from: c.row(1).startIndex, to: $0) } == 20)
        var d = Canvas(width: 30, height: 1)
        d.put(Width.pad("注射器", to: 20) + "|", x: 0, y: 0)
        #expect(Width.of(String(d.row(0).prefix { $0 != "|" })) == 20)
    }

    @Test func combiningMarksJoinThePreviousCell() {
        var c = Canvas(width: 5, height: 1)
        c.put("e\u{301}x", x: 0, y: 0)
        #expect(c[0, 0].text == "e\u{301}" && c[1, 0].text == "x")
    }

    @Test func truncateAndPadUseDisplayWidth() {
        #expect(Width.truncate("Инъекционный набор", to: 10) == "Инъекцион…")
        #expect(Width.of(Width.truncate("注射器注射器", to: 5)) <= 5)
        #expect(Width.pad("ab", to: 5, .right) == "   ab")
        #expect(Width.pad("ab", to: 6, .center) == "  ab  ")
    }

    @Test func meterIsReadableWithoutColour() {
        var c = Canvas(width: 10, height: 1)
        c.meter(x: 0, y: 0, columns: 10, fraction: 0.3)
        #expect(c.row(0) == "███░░░░░░░")
        c.meter(x: 0, y: 0, columns: 10, fraction: 0.001)
        #expect(c.row(0).hasPrefix("█░"), "a tiny non-zero level still shows")
        c.meter(x: 0, y: 0, columns: 10, fraction: .nan)
        #expect(c.row(0) == "░░░░░░░░░░")
    }

    @Test func wrapBreaksOnWordsByWidth() {
        #expect(View.wrap("one two three", width: 7) == ["one two", "three"])
        #expect(View.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
    }
}

@Suite struct TextFieldTests {
    @Test func editingKeys() {
        var t = TextField("hello world")
        #expect(t.handle(.ctrl("w")) && t.text == "hello ")
        _ = t.handle(.home); _ = t.handle(.char(">"))
        #expect(t.text == ">hello " && t.cursor == 1)
        _ = t.handle(.ctrl("k"))
        #expect(t.text == ">")
        _ = t.handle(.backspace); _ = t.handle(.backspace)
        #expect(t.text.isEmpty)
        #expect(!t.handle(.function(2)) && !t.handle(.enter) && !t.handle(.ctrl("l")))
    }

    @Test func maxLengthAndMasking() {
        var t = TextField(maxLength: 3, masked: true)
        for c in "secret" { _ = t.handle(.char(c)) }
        #expect(t.text == "sec")
        #expect(t.visible(columns: 10).text == "•••")
    }

    @Test func visibleWindowFollowsTheCursor() {
        let t = TextField(String(repeating: "a", count: 30) + "XYZ")
        let v = t.visible(columns: 10)
        #expect(v.text.hasSuffix("XYZ") && v.cursor <= 9)
    }
}

@Suite struct ClockTests {
    @Test func civilRoundTrip() {
        for day in stride(from: DayNumber(-1000), through: 40_000, by: 37) {
            let c = Clock.civil(day)
            #expect(Clock.dayNumber(year: c.year, month: c.month, day: c.day) == day)
        }
        #expect(Clock.isoDate(0) == "1970-01-01")
        #expect(Clock.isoDate(Clock.dayNumber(year: 2028, month: 2, day: 29)) == "2028-02-29")
    }

    @Test func localDayAndTimeUseTheOffset() {
        // 2026-05-19 20:30 UTC is 2026-05-20 01:30 in Almaty (UTC+5).
        let t = Clock.start(of: Clock.dayNumber(year: 2026, month: 5, day: 19), 0) + 20 * 3600 + 1800
        #expect(Clock.isoDate(Clock.day(t, 5 * 3600)) == "2026-05-20")
        #expect(Clock.time(t, 5 * 3600) == "01:30")
        #expect(Clock.time(-1, 0) == "23:59")
    }

    @Test func parseDateRefusesImpossibleDates() {
        #expect(Clock.parseDate("2026-02-28") == Clock.dayNumber(year: 2026, month: 2, day: 28))
        #expect(Clock.parseDate("28.02.2026") == Clock.dayNumber(year: 2026, month: 2, day: 28))
        for bad in ["2026-02-30", "2026-13-01", "26-01-01", "", "soon", "2026-1-1x"] {
            #expect(Clock.parseDate(bad) == nil, "\(bad)")
        }
    }

    @Test func monthsBack() {
        let jan15 = Clock.dayNumber(year: 2026, month: 1, day: 15)
        let m = Clock.month(containing: jan15, monthsBack: 1)
        #expect(m.year == 2025 && m.month == 12)
        #expect(m.start == Clock.dayNumber(year: 2025, month: 12, day: 1) && m.end == Clock.dayNumber(year: 2026, month: 1, day: 1))
    }
}
