/// A key press as the driver reports it.
public enum Key: Hashable, Sendable {
    case char(Character)
    case enter, escape, tab, backTab, backspace, delete, insert
    case up, down, left, right, home, end, pageUp, pageDown
    /// F1…F12.
    case function(Int)
    /// Ctrl plus a letter, lowercase: `.ctrl("l")`.
    case ctrl(Character)

    /// Whether typing this key puts text into a field.
    public var isPrintable: Bool {
        if case .char(let c) = self { return !c.isNewline && c != "\t" }
        return false
    }

    /// How the key is written in the help screen and the documentation.
    public var name: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .insert: return "Ins"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .function(let n): return "F\(n)"
        case .ctrl(let c): return "Ctrl-" + String(c).uppercased()
        }
    }

    /// Parses names used in tests and scripts: "F2", "Enter", "Esc", "Tab", "S-Tab", "Up",
    /// "Ctrl-L", "Space", or a single character.
    public init?(name: String) {
        let lower = name.lowercased()
        switch lower {
        case "enter", "return": self = .enter
        case "esc", "escape": self = .escape
        case "tab": self = .tab
        case "s-tab", "btab", "shift-tab": self = .backTab
        case "bspace", "backspace": self = .backspace
        case "del", "delete": self = .delete
        case "up": self = .up
        case "down": self = .down
        case "left": self = .left
        case "right": self = .right
        case "home": self = .home
        case "end": self = .end
        case "pgup", "ppage": self = .pageUp
        case "pgdn", "npage": self = .pageDown
        case "space": self = .char(" ")
        default:
            if lower.count >= 2, lower.first == "f", let n = Int(lower.dropFirst()), (1...12).contains(n) {
                self = .function(n)
            } else if lower.hasPrefix("ctrl-"), lower.count == 6, let c = lower.last {
                self = .ctrl(c)
            } else if name.count == 1, let c = name.first {
                self = .char(c)
            } else {
                return nil
            }
        }
    }

    /// The keys to type `text` character by character.
    public static func typing(_ text: String) -> [Key] { text.map { .char($0) } }
}
