import Foundation
import SenimCore
import Testing
@testable import SenimTUI
import SenimTestSupport

@Suite struct KeyMapTests {
    static let roles: [Role?] = [nil] + Role.allCases.map { $0 }

    @Test func everyScreenHasHelpQuitAndPanicOnTheBar() {
        for screen in ScreenID.allCases {
            for role in Role.allCases {
                let bar = KeyMap.bar(KeyMap.bindings(screen, role: role, catalogue: Fixture.configuration.catalogue))
                #expect(bar.contains { $0 == (1, .help) }, "\(screen) \(role)")
                #expect(bar.contains { $0 == (10, .quit) })
                #expect(bar.contains { $0 == (12, .lock) })
                // No function key means two things on one screen.
                #expect(Set(bar.map(\.0)).count == bar.count)
            }
        }
    }

    @Test func noKeyIsBoundTwiceOnAScreen() {
        for screen in ScreenID.allCases {
            for role in Role.allCases {
                var seen: [Key: Command] = [:]
                for b in KeyMap.bindings(screen, role: role, catalogue: Fixture.configuration.catalogue) {
                    for k in b.keys {
                        if let c = seen[k] { Issue.record("\(screen)/\(role): \(k.name) is both \(c) and \(b.command)") }
                        seen[k] = b.command
                    }
                }
            }
        }
    }

    @Test func barAndHelpAreGeneratedFromTheTableInEveryLanguage() {
        for language in Language.allCases {
            var m = Model(config: Fixture.configuration, language: language)
            m.session = SessionInfo(user: "x", role: .coordinator, point: SampleData.mainPoint, ledger: LedgerState())
            for screen in ScreenID.allCases {
                m.screen = screen
                let bindings = KeyMap.bindings(screen, role: .coordinator, catalogue: Fixture.configuration.catalogue)
                let help = HelpView.lines(m).map(\.0).joined(separator: "\n")
                for b in bindings {
                    let desc = m.t("tui.cmd.\(b.command.name)")
                    #expect(Fixture.configuration.strings.has("tui.cmd.\(b.command.name)"))
                    #expect(help.contains(String(desc.prefix(12))), "\(screen): help lacks \(b.command)")
                    #expect(help.contains(b.keys[0].name))
                }
                let bottom = View.render(m).row(m.height - 1)
                for (n, cmd) in KeyMap.bar(bindings) {
                    #expect(bottom.contains("\(n)\(String(m.t("tui.bar.\(cmd.name)").prefix(2)))"), "\(language) \(screen) F\(n)")
                }
            }
        }
    }

    @Test func everyCommandHasBarAndHelpTextsInAllLanguages() {
        for c in Command.allCases {
            for prefix in ["tui.bar.", "tui.cmd."] {
                for l in Language.allCases {
                    #expect(Fixture.configuration.strings.tables[l]?[prefix + c.name] != nil, "\(prefix)\(c.name) \(l)")
                }
            }
        }
    }

    @Test func tuiStringsAreTranslatedNotCopied() throws {
        let t = Fixture.configuration.strings.tables
        let keys = t[.en]!.keys.filter { $0.hasPrefix("tui.") }
        #expect(keys.count > 300)
        var same = 0
        for k in keys where t[.ru]![k] == t[.en]![k] && t[.en]![k]!.contains(where: \.isLetter) { same += 1 }
        // Only a handful (codes, "PgUp", "+10", "25+") may read the same in Russian.
        #expect(same < 12, "\(same) tui strings are identical in en and ru")
        for k in keys {
            // Same placeholders in every language.
            let want = Set(t[.en]![k]!.matches(of: /\{\d\}/).map { String($0.output) })
            for l in [Language.ru, .kk] {
                #expect(Set(t[l]![k]!.matches(of: /\{\d\}/).map { String($0.output) }) == want, "\(k) \(l)")
            }
        }
    }

    @Test func keyNamesRoundTrip() {
        for k: Key in [.enter, .escape, .tab, .backTab, .up, .down, .pageUp, .function(12), .ctrl("l"), .char("q"), .char(" ")] {
            #expect(Key(name: k.name == "↑" ? "up" : k.name == "↓" ? "down" : k.name) == k)
        }
    }
}

/// Random key sequences: update never traps, the canvas always fits the terminal, and the
/// panic key always locks.
@Suite struct FuzzTests {
    static let alphabet: [Key] = [
        .enter, .escape, .tab, .backTab, .backspace, .delete, .up, .down, .left, .right, .home, .end, .pageUp, .pageDown,
        .char(" "), .char("+"), .char("-"), .char("/"), .char("y"), .char("n"), .char("1"), .char("2"), .char("5"),
        .char("A"), .char("M"), .char("Ә"), .char("9"), .char("注"), .char("f"), .char("d"), .char("j"), .char("k"),
        .function(2), .function(3), .function(4), .function(5), .function(6), .function(7), .function(8), .function(9),
        .function(1), .ctrl("u"), .ctrl("w"),
    ]

    @Test(arguments: [("aigerim", UInt64(1)), ("bolat", 2), ("dana", 3), ("bolat", 4)])
    func randomKeys(_ user: String, _ seed: UInt64) {
        var rng = SplitMix(seed: seed)
        var d = Driver(language: [.en, .ru, .kk][Int(seed % 3)])
        d.login(user)
        for step in 0..<1500 {
            let k = Self.alphabet[Int(rng.next() % UInt64(Self.alphabet.count))]
            d.press(k)
            if d.model.isLocked || d.model.quitting { Issue.record("locked or quit by \(k.name) at \(step)"); return }
            if step % 50 == 0 {
                if rng.next() % 4 == 0 { d.send(.resize(width: 80 + Int(rng.next() % 60), height: 24 + Int(rng.next() % 20))) }
                let c = d.canvas
                for y in 0..<c.height { #expect(Width.of(c.row(y)) == c.width) }
            }
        }
        d.press(.function(12))
        #expect(d.model.isLocked)
    }
}
