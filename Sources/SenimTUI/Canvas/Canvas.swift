import SenimCore
/// What a cell means; the theme decides how it looks (colour, bold, reverse), so the same
/// canvas paints in colour, in monochrome and as plain text for snapshot tests.
public enum Attr: UInt8, CaseIterable, Sendable, Hashable {
    case normal, title, heading, dim
    case barKey, barLabel          // the function-key bar
    case status, error, warning, success
    case selected                  // highlighted list row
    case field, fieldFocus         // text fields
    case border
    case meterFull, meterLow, meterEmpty   // horizontal stock bars
    case hotkey                    // a key letter inside text ("1 Injecting pack")
}

/// One terminal cell. A wide character occupies its cell and the next; the next one holds
/// an empty `text` (a continuation) so positions always match terminal columns.
public struct Cell: Equatable, Sendable {
    public var text: String
    public var attr: Attr
    public init(_ text: String = " ", _ attr: Attr = .normal) {
        self.text = text
        self.attr = attr
    }
    public var isContinuation: Bool { text.isEmpty }
}

/// A grid of cells that views paint into. Pure: no terminal involved. The driver copies it
/// to the screen; tests read it back as text.
public struct Canvas: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should be (the focused text field), if anywhere.
    public var cursor: (x: Int, y: Int)? {
        get { cursorX < 0 ? nil : (cursorX, cursorY) }
        set {
            cursorX = newValue?.x ?? -1
            cursorY = newValue?.y ?? -1
        }
    }
    private var cursorX = -1
    private var cursorY = -1

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` from column `x` on row `y`, clipped to `limit` columns (and the canvas
    /// edge). Text cut by a `limit` ends in "…" (cut trailing spaces do not count).
    /// A wide character that would straddle the limit is replaced by a space.
    /// Returns the number of columns written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, _ attr: Attr = .normal, limit: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let end = min(width, limit.map { x + max(0, $0) } ?? width)
        var text = text
        if limit != nil, end - x > 1, Width.of(text) > end - x {
            var trimmed = text
            while trimmed.last == " " { trimmed.removeLast() }
            if Width.of(trimmed) > end - x { text = Width.truncate(trimmed, to: end - x) }
        }
        var col = x
        for ch in text {
            let w = Width.of(ch)
            if w == 0 {
                // A stray combining mark or control: attach marks to the previous cell, drop controls.
                if col > 0, col - 1 < end, col - 1 >= 0, ch.unicodeScalars.first.map({ $0.value >= 0x20 }) ?? false {
                    var c = self[col - 1, y]
                    if !c.isContinuation { c.text.append(ch); self[col - 1, y] = c }
                }
                continue
            }
            if col + w > end {
                if w == 2, col < end, col >= 0 { set(col, y, Cell(" ", attr)) }
                break
            }
            if col >= 0 {
                set(col, y, Cell(String(ch), attr))
                if w == 2 { set(col + 1, y, Cell("", attr)) }
            }
            col += w
        }
        return max(0, col - x)
    }

    /// Writes text padded or truncated to exactly `columns` (so stale content is cleared).
    public mutating func put(_ text: String, x: Int, y: Int, _ attr: Attr, exactly columns: Int,
                             align: Width.Alignment = .left) {
        put(Width.pad(text, to: columns, align), x: x, y: y, attr, limit: columns)
    }

    /// Sets one cell, repairing a wide character that it cuts in half.
    private mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let old = self[x, y]
        if old.isContinuation, x > 0 { self[x - 1, y] = Cell(" ", self[x - 1, y].attr) }
        if !old.isContinuation, Width.of(old.text) == 2, x + 1 < width, !cell.isContinuation {
            self[x + 1, y] = Cell(" ", self[x + 1, y].attr)
        }
        self[x, y] = cell
    }

    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ attr: Attr = .normal, char: String = " ") {
        guard w > 0, h > 0 else { return }
        for yy in max(0, y)..<min(height, y + h) {
            for xx in max(0, x)..<min(width, x + w) { set(xx, yy, Cell(char, attr)) }
        }
    }

    /// A single-line box with an optional title in the top edge.
    public mutating func box(x: Int, y: Int, width w: Int, height h: Int, title: String? = nil,
                             _ attr: Attr = .border, titleAttr: Attr = .heading) {
        guard w >= 2, h >= 2 else { return }
        put("┌" + String(repeating: "─", count: w - 2) + "┐", x: x, y: y, attr)
        for yy in (y + 1)..<(y + h - 1) {
            put("│", x: x, y: yy, attr)
            put("│", x: x + w - 1, y: yy, attr)
        }
        put("└" + String(repeating: "─", count: w - 2) + "┘", x: x, y: y + h - 1, attr)
        if let title, !title.isEmpty, w > 6 {
            put(" " + Width.truncate(title, to: w - 6) + " ", x: x + 2, y: y, titleAttr)
        }
    }

    /// A horizontal meter: `filled` of `columns` cells as █, the rest as ░ (readable without colour).
    public mutating func meter(x: Int, y: Int, columns: Int, fraction: Double, _ full: Attr = .meterFull) {
        guard columns > 0 else { return }
        let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
        var n = Int((f * Double(columns)).rounded())
        if f > 0 && n == 0 { n = 1 }
        put(String(repeating: "█", count: n), x: x, y: y, full)
        put(String(repeating: "░", count: columns - n), x: x + n, y: y, .meterEmpty)
    }

    /// One row as text (continuation cells skipped, so wide characters appear once).
    public func row(_ y: Int) -> String {
        var s = ""
        for x in 0..<width where !self[x, y].isContinuation { s += self[x, y].text }
        return s
    }

    /// The whole canvas as text, one line per row, trailing spaces removed (snapshot format).
    public var text: String {
        (0..<height).map { y in
            var r = row(y)
            while r.last == " " { r.removeLast() }
            return r
        }.joined(separator: "\n")
    }

    public static func == (a: Canvas, b: Canvas) -> Bool {
        a.width == b.width && a.height == b.height && a.cells == b.cells && a.cursorX == b.cursorX && a.cursorY == b.cursorY
    }
}
