import SenimCore
/// A one-line editable text with a cursor (in characters).
public struct TextField: Hashable, Sendable {
    public private(set) var chars: [Character]
    public private(set) var cursor: Int
    public var maxLength: Int
    /// Shows • instead of the text (passphrases).
    public var masked: Bool

    public init(_ text: String = "", maxLength: Int = 200, masked: Bool = false) {
        chars = Array(text.prefix(maxLength))
        cursor = chars.count
        self.maxLength = maxLength
        self.masked = masked
    }

    public var text: String {
        get { String(chars) }
        set {
            chars = Array(newValue.prefix(maxLength))
            cursor = chars.count
        }
    }

    public var isEmpty: Bool { chars.isEmpty }

    public mutating func clear() {
        chars = []
        cursor = 0
    }

    /// Applies an editing key. Returns false if the key is not an editing key (so the caller
    /// can treat it as a command).
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let c) where key.isPrintable:
            guard chars.count < maxLength else { return true }
            chars.insert(c, at: cursor)
            cursor += 1
        case .backspace, .ctrl("h"):
            if cursor > 0 {
                chars.remove(at: cursor - 1)
                cursor -= 1
            }
        case .delete, .ctrl("d"):
            if cursor < chars.count { chars.remove(at: cursor) }
        case .left, .ctrl("b"):
            cursor = max(0, cursor - 1)
        case .right, .ctrl("f"):
            cursor = min(chars.count, cursor + 1)
        case .home, .ctrl("a"):
            cursor = 0
        case .end, .ctrl("e"):
            cursor = chars.count
        case .ctrl("u"):
            chars.removeFirst(cursor)
            cursor = 0
        case .ctrl("k"):
            chars.removeLast(chars.count - cursor)
        case .ctrl("w"):
            var i = cursor
            while i > 0, chars[i - 1] == " " { i -= 1 }
            while i > 0, chars[i - 1] != " " { i -= 1 }
            chars.removeSubrange(i..<cursor)
            cursor = i
        default:
            return false
        }
        return true
    }

    /// The visible part for a field `columns` wide, and the cursor's column inside it.
    public func visible(columns: Int) -> (text: String, cursor: Int) {
        let shown: [Character] = masked ? Array(repeating: "•", count: chars.count) : chars
        guard columns > 1 else { return ("", 0) }
        // Scroll so that the cursor stays inside the field.
        var start = 0
        func width(_ a: Int, _ b: Int) -> Int { shown[a..<b].reduce(0) { $0 + Width.of($1) } }
        while start < cursor, width(start, cursor) > columns - 1 { start += 1 }
        var end = start
        var w = 0
        while end < shown.count, w + Width.of(shown[end]) <= columns {
            w += Width.of(shown[end])
            end += 1
        }
        return (String(shown[start..<end]), width(start, cursor))
    }
}
