import SenimCore

/// What a key does. Each command has a short label for the function-key bar
/// (`tui.bar.<name>`) and a sentence for the help screen (`tui.cmd.<name>`).
public enum Command: String, Hashable, Sendable, CaseIterable {
    case help, quit, lock, home, back
    case goContact, goClients, goReferrals, goStock, goReports, goUsers, goSettings, goNotes
    case up, down, pageUp, pageDown, top, bottom, open
    case nextField, prevField
    case save, builder, clear, more, less, moreTen, lessTen, toggle, pack, cycleNext, cyclePrev
    case search, contactFor, referFor
    case filter, dueFilter, updateStatus, addNote, newReferral
    case nextTab, receive, transfer, writeOff, count, arrived, nextSite
    case prevPeriod, nextPeriod, periodKind, typePeriod, export
    case addUser, removeUser, passphrase, resetPassphrase, grant
    case refer, duplicates, merge, swapSides, nextPanel, prevPanel, breakdown, rekey
    /// Undoes the merge of a code (duplicate finder, client card).
    case unmerge
    case edit, void
    case newIncident, newActivity, setProfile
    /// On the contact form: the overdose's kind and who came, or a rapid test's result.
    case detail
    /// Coordinators: the Store screen (backup, verify) and the Sync screen (peers, bundles).
    case goStore, goSync
    case backup, verify, trust, untrust, exportBundle, importBundle

    public var name: String { rawValue }
}

/// One row of the key table.
public struct Binding: Hashable, Sendable {
    public var keys: [Key]
    public var command: Command
    /// Whether the binding's non-printable keys (F-keys, Ctrl, arrows, Enter, Esc) work while
    /// a text field has the focus. Printable keys never do: they go into the field.
    public var inField: Bool
    /// Shown on the function-key bar (only for bindings whose first key is a function key).
    public var onBar: Bool

    public init(_ keys: [Key], _ command: Command, inField: Bool? = nil, onBar: Bool = true) {
        self.keys = keys
        self.command = command
        self.inField = inField ?? true
        self.onBar = onBar
    }

    public var functionKey: Int? {
        if case .function(let n) = keys.first { return n }
        return nil
    }
}

/// The single table that maps keys to commands per screen. The function-key bar and the
/// help screen are generated from it.
public enum KeyMap {
    /// The panic key combination that works everywhere, even inside text fields: Ctrl-L
    /// ("L" for lock). F12 does the same.
    public static let panicKeys: [Key] = [.function(12), .ctrl("l")]

    static let global: [Binding] = [
        Binding([.function(1), .char("?")], .help),
        Binding([.escape], .back, onBar: false),
        Binding([.function(9)], .home),
        Binding([.function(10), .char("q"), .ctrl("c")], .quit),
        Binding(panicKeys, .lock),
    ]

    static let lists: [Binding] = [
        Binding([.up, .char("k")], .up, onBar: false),
        Binding([.down, .char("j")], .down, onBar: false),
        Binding([.pageUp], .pageUp, onBar: false),
        Binding([.pageDown], .pageDown, onBar: false),
        Binding([.home, .char("g")], .top, onBar: false),
        Binding([.end, .char("G")], .bottom, onBar: false),
    ]

    /// The bindings in effect on `screen` for `role`, screen-specific ones first.
    public static func bindings(_ screen: ScreenID, role: Role?, catalogue: Catalogue? = nil,
                                detailOpen: Bool = false) -> [Binding] {
        let coordinator = role == .coordinator
        var b: [Binding] = []
        switch screen {
        case .home:
            b = [
                Binding([.function(2), .char("n")], .goContact),
                Binding([.function(3), .char("c")], .goClients),
                Binding([.function(4), .char("r")], .goReferrals),
                Binding([.function(5), .char("s")], .goStock),
                Binding([.function(6), .char("p")], .goReports),
            ]
            if coordinator { b.append(Binding([.function(7), .char("u")], .goUsers)) }
            if role == .psychologist { b.append(Binding([.function(7), .char("a")], .goNotes)) }
            b.append(Binding([.function(8), .char("o")], .goSettings))
            if coordinator {
                b.append(Binding([.char("b")], .goStore, onBar: false))
                b.append(Binding([.char("y")], .goSync, onBar: false))
            }
            if role.map({ Policy.allows($0, .logContact) }) ?? false {
                b.append(Binding([.char("i")], .newIncident, inField: false, onBar: false))
                b.append(Binding([.char("t")], .newActivity, inField: false, onBar: false))
            }
            // Today's contacts (Tab focuses them): e edits, x voids the picked one.
            b.append(Binding([.char("e")], .edit, inField: false, onBar: false))
            b.append(Binding([.char("x"), .delete], .void, inField: false, onBar: false))
            b += [
                Binding([.tab], .nextPanel, onBar: false),
                Binding([.backTab], .prevPanel, onBar: false),
                Binding([.enter], .open, onBar: false),
                Binding([.escape], .back, onBar: false),
            ] + lists
        case .contact:
            b = [
                Binding([.function(2)], .save),
                Binding([.enter], .open, onBar: false),
                Binding([.function(3)], .builder),
                Binding([.function(4)], .clear),
                Binding([.function(5), .char("r")], .refer, inField: false),
                Binding([.tab], .nextField, onBar: false),
                Binding([.backTab], .prevField, onBar: false),
                Binding([.up, .char("k")], .up, onBar: false),
                Binding([.down, .char("j")], .down, onBar: false),
                Binding([.char("+"), .right], .more, inField: false, onBar: false),
                Binding([.char("-"), .left], .less, inField: false, onBar: false),
                Binding([.pageUp], .moreTen, onBar: false),
                Binding([.pageDown], .lessTen, onBar: false),
                Binding([.home, .char("g")], .top, inField: false, onBar: false),
                Binding([.end, .char("G")], .bottom, inField: false, onBar: false),
                Binding([.char(" ")], .toggle, inField: false, onBar: false),
                Binding([.char("d")], .detail, inField: false, onBar: false),
            ]
            if let catalogue, !catalogue.packs.isEmpty {
                b.append(Binding(catalogue.packs.compactMap { $0.key.first.map(Key.char) }, .pack, inField: false, onBar: false))
            }
        case .clients:
            b = [
                Binding([.enter], .open, onBar: false),
                Binding([.char("/")], .search, inField: false, onBar: false),
                Binding([.function(2)], .contactFor),
                Binding([.function(3)], .referFor),
                Binding([.char("e")], .edit, inField: false, onBar: false),
                Binding([.char("x"), .delete], .void, inField: false, onBar: false),
            ]
            b.append(Binding([.function(5)], .setProfile))
            if role.map({ Policy.allows($0, .mergeClients) }) ?? false { b.append(Binding([.function(4)], .duplicates)) }
            if role.map({ Policy.allows($0, .unmergeClients) }) ?? false {
                b.append(Binding([.char("u")], .unmerge, inField: false, onBar: false))
            }
            b += lists
        case .duplicates:
            b = [
                Binding([.function(2), .char("m")], .merge),
                Binding([.function(3), .char("x")], .swapSides),
                Binding([.function(5), .char("u")], .unmerge),
            ] + lists
        case .referrals:
            b = [
                Binding([.enter], .open, onBar: false),
                Binding([.function(2)], .updateStatus),
            ]
            if role == .psychologist { b.append(Binding([.function(3)], .addNote)) }
            b += [
                Binding([.function(4), .char("f")], .filter),
                Binding([.function(5), .char("d")], .dueFilter),
                Binding([.function(6)], .newReferral),
            ] + lists
        case .stock:
            if coordinator {
                b = [
                    Binding([.function(2)], .receive),
                    Binding([.function(3)], .transfer),
                    Binding([.function(4)], .writeOff),
                    Binding([.function(5)], .count),
                ]
            }
            b += [
                Binding([.function(6)], .arrived),
                Binding([.function(7), .tab], .nextTab),
                // On a level: the item's lots (number, expiry, what is left).
                Binding([.enter], .open, onBar: false),
            ]
            if coordinator { b.append(Binding([.char("x"), .delete], .void, onBar: false)) }
            if coordinator { b.append(Binding([.function(8)], .nextSite)) }
            b += lists
        case .reports:
            b = [
                Binding([.left, .char("[")], .prevPeriod, onBar: false),
                Binding([.right, .char("]")], .nextPeriod, onBar: false),
                Binding([.function(3)], .periodKind),
                Binding([.function(4)], .typePeriod),
                Binding([.function(5), .char("b")], .breakdown),
            ]
            if role.map({ Policy.allows($0, .exportReports) }) ?? false {
                b.insert(Binding([.function(2)], .export), at: 0)
            }
            if coordinator { b.append(Binding([.function(8)], .nextSite)) }
            b += lists
        case .users:
            if coordinator {
                b = [
                    Binding([.function(2)], .addUser),
                    Binding([.function(4)], .resetPassphrase),
                    Binding([.function(5)], .rekey),
                    Binding([.function(8), .delete], .removeUser),
                ]
            }
            b += [Binding([.function(3)], .passphrase)] + lists
        case .notes:
            b = [
                Binding([.function(2), .enter], .grant),
                Binding([.function(3)], .passphrase),
            ] + lists
        case .store:
            if coordinator {
                b = [
                    Binding([.function(2)], .backup),
                    Binding([.function(3)], .verify),
                    Binding([.function(4)], .goSync),
                ]
            }
            b += lists
        case .sync:
            if coordinator {
                b = [
                    Binding([.function(2)], .trust),
                    Binding([.function(3)], .exportBundle),
                    Binding([.function(4)], .importBundle),
                    Binding([.function(5)], .goStore),
                    Binding([.function(8), .delete], .untrust),
                ]
            }
            b += lists
        case .settings:
            b = [
                Binding([.right, .enter, .char(" "), .char("+")], .cycleNext, inField: false, onBar: false),
                Binding([.left, .char("-")], .cyclePrev, inField: false, onBar: false),
                Binding([.function(3)], .passphrase),
            ] + lists
        }
        if screen != .home {
            // F9 is "home" everywhere else; on the home screen Esc only leaves a panel.
            return b + global
        }
        return b + global.filter { $0.command != .home && $0.command != .back }
    }

    /// The command for `key`, or nil. `inField` is true while a text field has the focus.
    public static func command(for key: Key, in bindings: [Binding], inField: Bool) -> Command? {
        for b in bindings where b.keys.contains(key) {
            if inField && (key.isPrintable || !b.inField) { continue }
            return b.command
        }
        return nil
    }

    /// Function-key bar entries: (key number, command), in key order.
    public static func bar(_ bindings: [Binding]) -> [(Int, Command)] {
        var seen = Set<Int>()
        var out: [(Int, Command)] = []
        for b in bindings where b.onBar {
            for k in b.keys {
                if case .function(let n) = k, seen.insert(n).inserted { out.append((n, b.command)) }
            }
        }
        return out.sorted { $0.0 < $1.0 }
    }
}
