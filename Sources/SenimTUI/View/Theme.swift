/// How each `Attr` looks, in colour or in monochrome. Pure data: the driver turns it into
/// curses attributes and colour pairs.
public struct Look: Hashable, Sendable {
    /// Curses colour numbers (0 black … 7 white), -1 for the terminal default.
    public var fg: Int16 = -1
    public var bg: Int16 = -1
    public var bold = false
    public var underline = false
    public var reverse = false
    public var dim = false

    public init(fg: Int16 = -1, bg: Int16 = -1, bold: Bool = false, underline: Bool = false,
                reverse: Bool = false, dim: Bool = false) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
    }
}

public enum Theme {
    static let black: Int16 = 0, red: Int16 = 1, green: Int16 = 2, yellow: Int16 = 3
    static let blue: Int16 = 4, cyan: Int16 = 6, white: Int16 = 7

    public static func look(_ a: Attr, colour: Bool) -> Look {
        colour ? colourLook(a) : monoLook(a)
    }

    static func colourLook(_ a: Attr) -> Look {
        switch a {
        case .normal: return Look()
        case .title: return Look(fg: white, bg: blue, bold: true)
        case .heading: return Look(fg: cyan, bold: true)
        case .dim: return Look(dim: true)
        case .barKey: return Look(bold: true)
        case .barLabel: return Look(fg: black, bg: cyan)
        case .status: return Look()
        case .error: return Look(fg: white, bg: red, bold: true)
        case .warning: return Look(fg: yellow, bold: true)
        case .success: return Look(fg: green, bold: true)
        case .selected: return Look(fg: black, bg: cyan)
        case .field: return Look(underline: true)
        case .fieldFocus: return Look(fg: black, bg: white)
        case .border: return Look(fg: blue)
        case .meterFull: return Look(fg: green)
        case .meterLow: return Look(fg: red, bold: true)
        case .meterEmpty: return Look(dim: true)
        case .hotkey: return Look(fg: yellow, bold: true)
        }
    }

    /// Monochrome (NO_COLOR or colour off): only bold, underline, reverse and dim, chosen so
    /// that selection, fields and errors stay distinguishable.
    static func monoLook(_ a: Attr) -> Look {
        switch a {
        case .normal, .status, .border, .meterFull: return Look()
        case .title, .barLabel, .selected, .fieldFocus: return Look(reverse: true)
        case .heading, .barKey, .warning, .success, .hotkey, .meterLow: return Look(bold: true)
        case .error: return Look(bold: true, underline: true)
        case .dim, .meterEmpty: return Look(dim: true)
        case .field: return Look(underline: true)
        }
    }
}
