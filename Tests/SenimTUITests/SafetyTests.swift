import Foundation
import SenimCore
import Testing
@testable import SenimTUI

/// Locking, unlocking, auto-lock, quitting, resizing.
@Suite struct SafetyTests {
    @Test(arguments: KeyMap.panicKeys)
    func panicKeyLocksFromInsideAFieldAndForgetsEverything(_ key: Key) {
        var d = Driver()
        d.login()
        d.press([.function(2)] + Key.typing("MAIV") + [.enter, .char("1"), .tab, .tab, .tab, .tab])
        d.type("half-typed")
        #expect(d.model.contact.section == .note)
        d.press(key)
        #expect(d.model.isLocked)
        #expect(d.effects.last == .lock)
        #expect(d.runner.backend == nil, "the session is closed")
        #expect(!d.model.contact.isDirty)
        let text = d.screen
        #expect(!text.contains("MAIV") && !text.contains("half-typed") && !text.contains("Today"))
        // Unlocking again starts clean, on the home screen.
        d.press(Key.typing("aigerim-pass") + [.enter])
        #expect(!d.model.isLocked && d.model.screen == .home && !d.model.contact.isDirty)
    }

    @Test func panicKeyWorksInDialogsAndHelp() {
        var d = Driver()
        d.login("bolat")
        d.press([.function(5), .function(2)])
        #expect(d.model.dialog != nil)
        d.press(.ctrl("l"))
        #expect(d.model.isLocked && d.model.dialog == nil)
        d.login("bolat")
        d.press(.function(1))
        #expect(d.model.help != nil)
        d.press(.function(12))
        #expect(d.model.isLocked && d.model.help == nil)
    }

    @Test func autoLockAfterIdleMinutes() {
        var d = Driver()
        d.login()
        d.send(.tick(Fixture.now + 4 * 60 + 59))
        #expect(!d.model.isLocked)
        d.press(.function(3))                        // activity resets the clock
        d.send(.tick(Fixture.now + 9 * 60))
        #expect(!d.model.isLocked)
        d.send(.tick(Fixture.now + 4 * 60 + 59 + 5 * 60))
        #expect(d.model.isLocked)
        #expect(d.model.status?.message.key == "tui.lock.auto")
        #expect(d.effects.last == .lock)
    }

    @Test func autoLockMinutesComeFromSettings() {
        var d = Driver()
        d.login()
        d.press([.function(8), .down, .down, .left, .left])   // 5 → 3 → 2 minutes
        #expect(d.model.autoLockMinutes == 2)
        d.send(.tick(Fixture.now + 2 * 60))
        #expect(d.model.isLocked)
    }

    @Test func wrongPassphrasesGetAGrowingDelay() {
        var d = Driver()
        for i in 1...UnlockState.freeTries {
            d.press(Key.typing("wrong\(i)") + [.enter])
            #expect(d.model.isLocked)
        }
        #expect(d.model.unlock.failures == UnlockState.freeTries)
        let first = d.model.unlock.retryAt
        #expect(first == Fixture.now + Int64(UnlockState.delay(afterFailures: UnlockState.freeTries)))
        // A try before the delay is over is refused without touching the store, even if right.
        let unlocks = d.effects.filter { if case .unlock = $0 { true } else { false } }.count
        d.press(Key.typing("aigerim-pass") + [.enter])
        #expect(d.model.isLocked)
        #expect(d.model.unlock.error?.key == "tui.unlock.wait")
        #expect(d.effects.filter { if case .unlock = $0 { true } else { false } }.count == unlocks)
        // After it, another wrong one doubles the delay; then the right one works.
        d.send(.tick(first!))
        d.press(Key.typing("wrong4") + [.enter])
        #expect(d.model.unlock.retryAt == first! + Int64(UnlockState.delay(afterFailures: UnlockState.freeTries + 1)))
        #expect(UnlockState.delay(afterFailures: 4) == 2 * UnlockState.delay(afterFailures: 3))
        d.send(.tick(d.model.unlock.retryAt!))
        d.press(Key.typing("aigerim-pass") + [.enter])
        #expect(!d.model.isLocked)
        #expect(UnlockState.delay(afterFailures: 40) == 300)
    }

    @Test func passphraseIsNeverShownOrKept() {
        var d = Driver()
        d.type("aigerim-pass")
        #expect(!d.screen.contains("aigerim-pass"))
        #expect(d.screen.contains("••••••••••••"))
        d.press(.enter)
        #expect(!String(describing: d.model).contains("aigerim-pass"))
    }

    @Test func quitAsksOnlyWhenAContactIsUnsavedAndDefaultsToNo() {
        var d = Driver()
        d.login()
        d.press([.function(2)] + Key.typing("MAIV"))
        d.press(.function(10))
        guard case .confirm(let c)? = d.model.dialog else { Issue.record("no question"); return }
        #expect(c.action == .quit && !c.yesFocused)
        d.press(.enter)
        #expect(!d.model.quitting)
        d.press(.function(10))
        d.press(.char("y"))
        #expect(d.model.quitting && d.effects.last == .quit)

        var e = Driver()
        e.login()
        e.press(.char("q"))
        #expect(e.model.quitting)
    }

    @Test func lettersGoIntoTextFieldsNotCommands() {
        var d = Driver()
        d.login()
        d.press([.function(2)] + Key.typing("q?jk/"))
        #expect(!d.model.quitting && d.model.help == nil)
        #expect(d.model.contact.code.text == "q?jk/")
        d.press(.function(1))
        #expect(d.model.help != nil, "F1 works inside a field")
    }

    @Test func resizeBelowTheMinimumSaysSoAndRecovers() {
        var d = Driver()
        d.login()
        d.send(.resize(width: 79, height: 24))
        #expect(d.screen.contains("too small"))
        d.press(.function(2))
        #expect(d.model.screen == .home, "keys other than quit and panic wait")
        d.send(.resize(width: 120, height: 40))
        #expect(d.screen.contains("Today's contacts"))
        let c = d.canvas
        #expect(c.width == 120 && c.height == 40)
        #expect(c.row(39).hasPrefix("1Help"))
        d.send(.resize(width: 20, height: 5))
        d.press(.ctrl("l"))
        #expect(d.model.isLocked)
    }

    @Test func languageSwitchesLive() {
        var d = Driver()
        d.login()
        d.press([.function(8), .right])
        #expect(d.model.language == .ru)
        #expect(d.screen.contains("Настройки"))
        d.press(.right)
        #expect(d.model.language == .kk)
        #expect(d.screen.contains("Баптаулар"))
        d.press(.function(9))
        #expect(d.screen.contains("Бүгінгі байланыстар"))
    }

    @Test func monochromeThemeKeepsSelectionFieldsAndErrorsDistinct() {
        let mono = Attr.allCases.map { Theme.look($0, colour: false) }
        for l in mono { #expect(l.fg == -1 && l.bg == -1, "no colour in monochrome") }
        #expect(Theme.look(.selected, colour: false) != Theme.look(.normal, colour: false))
        #expect(Theme.look(.fieldFocus, colour: false) != Theme.look(.field, colour: false))
        #expect(Theme.look(.error, colour: false) != Theme.look(.warning, colour: false))
        var m = Model(config: Fixture.configuration, language: .en, noColor: true)
        #expect(!m.usesColour)
        m.colour = true
        #expect(!m.usesColour, "NO_COLOR wins over the setting")
    }
}
