import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

/// First sign-in, passphrase changes, granting notes access, the last holder, and what other
/// roles never see.
@Suite struct NotesAccessTUITests {
    /// A psychologist "saule" created by bolat the day before, who has chosen her own passphrase
    /// but holds no notes key yet.
    static func addWaitingPsychologist(_ store: InMemoryStore) {
        store.accounts["saule"] = (.psychologist, "saule-pass")
        store.createdBy["saule"] = ("bolat", Fixture.now - 86_400)
        store.notesHolders.remove("saule")
    }

    @Test func aOneTimePassphraseMustBeReplacedBeforeAnythingElse() {
        var d = Driver()
        d.store.oneTime.insert("aigerim")
        d.login()
        guard case .form(let f)? = d.model.dialog else { Issue.record("no passphrase form"); return }
        #expect(f.kind == .changePassphrase && f.title == "tui.form.passphrase.firstTitle")
        #expect(f.fields.map(\.id) == ["current", "pass", "repeat"])
        // Esc does not leave, and no screen key gets through.
        d.press(.escape)
        guard case .form(let g)? = d.model.dialog else { Issue.record("Esc closed the form"); return }
        #expect(g.error?.key == "tui.passphrase.mustChange")
        d.press([.function(3), .function(4), .function(9)])
        #expect(d.model.screen == .home)
        #expect(d.effects.allSatisfy { if case .unlock = $0 { return true }; return false })
        #expect(d.screen.contains("Choose your own passphrase"))
        // A wrong one-time passphrase is refused by the store.
        d.type("wrong-pass"); d.press(.tab); d.type("aigerim-own-1"); d.press(.tab); d.type("aigerim-own-1"); d.press(.enter)
        guard case .form(let h)? = d.model.dialog else { Issue.record("form closed after a wrong passphrase"); return }
        #expect(h.error?.key == "store.passphrase.currentWrong")
        #expect(d.store.oneTime.contains("aigerim"))
        // The right one: the form closes and the screens open.
        d.send(.key(.escape))
        d.model.dialog = .form(Forms.changePassphrase(d.model))
        d.type("aigerim-pass"); d.press(.tab); d.type("aigerim-own-1"); d.press(.tab); d.type("aigerim-own-1"); d.press(.enter)
        #expect(d.model.dialog == nil && d.model.session?.mustChangePassphrase == false)
        #expect(!d.store.oneTime.contains("aigerim"))
        d.press(.function(3))
        #expect(d.model.screen == .clients)
    }

    @Test func changingYourPassphraseNeedsTheCurrentOne() throws {
        var d = Driver()
        d.login()
        d.press([.function(8), .function(3)])
        d.press(.tab); d.type("taken-over"); d.press(.tab); d.type("taken-over"); d.press(.enter)
        guard case .form(let f)? = d.model.dialog else { Issue.record("form closed"); return }
        #expect(f.error?.key == "tui.users.needCurrent")
        d.press(.escape)
        d.press(.function(3)); d.type("not-mine"); d.press(.tab); d.type("taken-over"); d.press(.tab); d.type("taken-over"); d.press(.enter)
        guard case .form(let g)? = d.model.dialog else { Issue.record("form closed"); return }
        #expect(g.error?.key == "store.passphrase.currentWrong")
        #expect(throws: Message.self) { _ = try d.store.open(user: "aigerim", passphrase: "taken-over") }
        _ = try d.store.open(user: "aigerim", passphrase: "aigerim-pass")
    }

    @Test func aHolderGrantsOnlyAfterSeeingTheFingerprintAndSayingYes() throws {
        var d = Driver()
        // bolat creates a psychologist: one-time passphrase, no key.
        d.login("bolat")
        d.press(.function(7)); d.press(.function(2)); d.type("saule"); d.press([.tab, .right, .tab, .tab]); d.type("saule-once")
        d.press(.tab); d.type("saule-once"); d.press(.enter)
        #expect(d.model.users.accounts.contains { $0.name == "saule" && $0.role == .psychologist })
        d.press(.ctrl("l"))
        // dana sees saule: first sign-in pending; a grant is refused.
        d.login("dana")
        d.press(.function(7))
        #expect(d.model.screen == .notes)
        let row = try #require(d.model.notesAccess.rows.firstIndex { $0.name == "saule" })
        #expect(d.model.notesAccess.rows[row].mustChangePassphrase && d.model.notesAccess.rows[row].createdBy == "bolat")
        #expect(d.screen.contains("Your key fingerprint: \(InMemoryStore.fingerprint("dana"))"))
        d.press(Array(repeating: Key.down, count: row) + [.function(2)])
        #expect(d.model.dialog == nil && d.model.status?.message.key == "store.notes.oneTime")
        d.press(.ctrl("l"))
        // saule chooses her own passphrase; nothing was granted by any of this.
        d.model.unlock.user.text = "saule"
        d.model.unlock.focus = 1
        d.press(Key.typing("saule-once") + [.enter])
        #expect(d.model.session?.mustChangePassphrase == true)
        d.press(.tab)
        d.type("saule-own-1"); d.press(.tab); d.type("saule-own-1"); d.press(.enter)
        #expect(d.model.dialog != nil)       // the current one-time passphrase was left empty
        d.press(.escape)
        d.model.dialog = .form(Forms.changePassphrase(d.model))
        d.type("saule-once"); d.press(.tab); d.type("saule-own-1"); d.press(.tab); d.type("saule-own-1"); d.press(.enter)
        #expect(d.model.dialog == nil)
        #expect(!d.store.notesHolders.contains("saule"))
        d.press(.ctrl("l"))
        // dana: the confirmation shows who created the account, when, and the fingerprint; it starts on No.
        d.login("dana")
        d.press(.function(7))
        d.press(Array(repeating: Key.down, count: row) + [.function(2)])
        guard case .confirm(let c)? = d.model.dialog else { Issue.record("no confirmation"); return }
        #expect(c.action == .grantNotes("saule") && !c.yesFocused)
        #expect(c.lines.contains { $0.key == "tui.notes.grant.fingerprint" && $0.args == [InMemoryStore.fingerprint("saule")] })
        #expect(d.screen.contains(InMemoryStore.fingerprint("saule")) && d.screen.contains("bolat"))
        d.press(.enter)
        #expect(!d.store.notesHolders.contains("saule"))
        d.press([.function(2), .char("y")])
        #expect(d.store.notesHolders.contains("saule"))
        #expect(d.effects.filter { if case .grantNotes = $0 { return true }; return false } == [.grantNotes("saule")])
        #expect(d.model.status?.message.key == "tui.notes.granted")
    }

    @Test func removingTheLastHolderWarnsAndNeedsYes() {
        var d = Driver()
        d.login("bolat")
        d.press(.function(7))
        let i = d.model.users.accounts.firstIndex { $0.name == "dana" }!
        #expect(d.model.users.accounts[i].lastNotesHolder)
        d.press(Array(repeating: Key.down, count: i) + [.function(8)])
        guard case .confirm(let c)? = d.model.dialog else { Issue.record("no question"); return }
        #expect(c.lines.contains { $0.key == "tui.users.lastHolder" } && !c.yesFocused)
        #expect(d.screen.contains("last one holding the notes key"))
        d.press(.enter)
        #expect(d.model.users.accounts.contains { $0.name == "dana" })
        d.press([.function(8), .char("y")])
        #expect(d.effects.contains(.removeUser("dana", force: true)))
        #expect(!d.model.users.accounts.contains { $0.name == "dana" })
    }

    @Test func aCoordinatorResetsAPassphraseToAOneTimeOne() {
        var d = Driver()
        d.login("bolat")
        d.press(.function(7))
        let i = d.model.users.accounts.firstIndex { $0.name == "aigerim" }!
        d.press(Array(repeating: Key.down, count: i) + [.function(4)])
        guard case .form(let f)? = d.model.dialog, f.kind == .resetPassphrase("aigerim") else { Issue.record("no reset form"); return }
        d.type("aigerim-once"); d.press(.tab); d.type("aigerim-once"); d.press(.enter)
        #expect(d.effects.contains(.resetPassphrase("aigerim", passphrase: "aigerim-once", force: false)))
        #expect(d.store.oneTime.contains("aigerim") && d.model.status?.message.key == "tui.users.reset")
        // The last notes holder: a warning first, and only "yes" resets with force.
        let j = d.model.users.accounts.firstIndex { $0.name == "dana" }!
        d.press([.home] + Array(repeating: Key.down, count: j) + [.function(4)])
        d.type("dana-once-1"); d.press(.tab); d.type("dana-once-1"); d.press(.enter)
        guard case .confirm(let c)? = d.model.dialog else { Issue.record("no warning"); return }
        #expect(c.lines.contains { $0.key == "tui.users.lastHolder" } && !c.yesFocused)
        d.press(.enter)
        #expect(d.store.notesHolders.contains("dana") && !d.store.oneTime.contains("dana"))
        // Your own passphrase is changed with F3, not reset.
        let me = d.model.users.accounts.firstIndex { $0.name == "bolat" }!
        d.press([.home] + Array(repeating: Key.down, count: me) + [.function(4)])
        #expect(d.model.dialog == nil && d.model.status?.message.key == "tui.users.resetSelf")
    }

    @Test func onlyPsychologistsReachNotesAccess() {
        for user in ["aigerim", "bolat"] {
            var d = Driver()
            d.login(user)
            d.press(.char("a"))
            #expect(d.model.screen == .home)
            #expect(!d.effects.contains(.loadNotesAccess))
        }
    }

    /// Canary: no note text, no count, no word about confidential notes on any screen a worker
    /// or a coordinator can reach, in any language.
    @Test(arguments: Language.allCases)
    func nothingAboutNotesReachesOtherRoles(_ language: Language) throws {
        let store = Fixture.store()
        let texts = Array(store.notes.values)
        #expect(!texts.isEmpty)
        let words = ["confidential", "конфиденц", "құпия"]
        for user in ["aigerim", "bolat"] {
            var d = Driver(language: language, store: store)
            d.login(user)
            var screens = [d.screen]
            d.press(.function(4))
            d.model.referrals.filter = .all
            let list = Screens.referralList(d.model)
            for (i, r) in list.enumerated() where !r.confidentialNotes.isEmpty {
                d.model.referrals.selection = i
                d.press(.enter)
                screens.append(d.screen)
                d.press(.escape)
            }
            #expect(screens.count > 1, "the sample data has a referral with a confidential note")
            d.press(.function(9)); d.press(.function(3)); screens.append(d.screen)
            d.press(.function(9)); d.press(.function(6)); screens.append(d.screen)
            d.press(.function(1)); screens.append(d.screen)
            for s in screens {
                for t in texts { #expect(!s.contains(t)) }
                for w in words { #expect(!s.lowercased().contains(w), "\(user) \(language): \(w)") }
            }
        }
    }
}
